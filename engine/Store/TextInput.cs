using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kt.Store;

/// <summary>
/// A caller's string, UTF-8 or UTF-16, not yet copied. Kept to a reference, a length and a
/// flag (16 bytes) so it travels in registers: a pair of spans would be copied through the
/// stack on every call of the hot path.
/// </summary>
internal readonly ref struct TextInput
{
    private readonly ref byte _start;
    private readonly int _length;
    public readonly bool IsUtf16;

    /// <summary>UTF-8 the caller has already checked (the C ABI does, to name the bad argument), so the store does not check it again.</summary>
    public readonly bool IsValidated;

    /// <summary>Text the store already holds (a registered key): a span refers to it rather than copying it.</summary>
    public readonly bool IsStored;

    public TextInput(ReadOnlySpan<byte> utf8, bool validated = false)
    {
        _start = ref MemoryMarshal.GetReference(utf8);
        _length = utf8.Length;
        IsUtf16 = false;
        IsValidated = validated;
    }

    public TextInput(ReadOnlySpan<char> utf16)
    {
        _start = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(utf16));
        _length = utf16.Length;
        IsUtf16 = true;
        IsValidated = false;
    }

    private TextInput(ReadOnlySpan<byte> stored, bool validated, bool isStored) : this(stored, validated)
    {
        IsStored = isStored;
    }

    /// <summary>Text in the store's own arena, checked when it was put there.</summary>
    public static TextInput Stored(ReadOnlySpan<byte> inArena) => new(inArena, validated: true, isStored: true);

    public bool IsEmpty => _length == 0;

    /// <summary>The length in bytes (UTF-8) or in chars (UTF-16).</summary>
    public int Length => _length;

    public ReadOnlySpan<byte> Utf8 => IsUtf16 ? default : MemoryMarshal.CreateReadOnlySpan(ref _start, _length);

    public ReadOnlySpan<char> Utf16 => IsUtf16 ? MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, char>(ref _start), _length) : default;
}
