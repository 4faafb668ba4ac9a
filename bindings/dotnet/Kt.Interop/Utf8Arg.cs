using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Kt.Interop;

/// <summary>
/// A UTF-16 argument transcoded to UTF-8 for one call, without allocating: into the caller's
/// stackalloc'd buffer when it fits (<see cref="StackBytes"/> bytes), else into an
/// <see cref="ArrayPool{T}"/> rental that <see cref="Dispose"/> returns.
/// <para>
/// What UTF-8 cannot carry is handed to the library in a form it refuses, so the status and
/// <c>kt_last_error</c> name the argument exactly as for a C caller: a lone surrogate becomes
/// the single byte 0xFF (not UTF-8), and text longer than <c>KT_MAX_STRING</c> becomes a NULL
/// pointer with the length <c>KT_MAX_STRING + 1</c>.
/// </para>
/// </summary>
internal readonly unsafe ref struct Utf8Arg
{
    /// <summary>The size of the stack buffer each char argument gets.</summary>
    public const int StackBytes = 512;

    /// <summary><c>KT_MAX_STRING</c>.</summary>
    public const int MaxString = 1 << 24;

    private readonly byte[]? _rented;
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly nuint _length;

    public Utf8Arg(ReadOnlySpan<char> text, Span<byte> stack)
    {
        _rented = null;
        if (text.Length > MaxString)
        {
            // At least one byte per char: too long whatever it holds.
            _bytes = default;
            _length = MaxString + 1;
            return;
        }
        Span<byte> destination = stack;
        var status = Utf8.FromUtf16(text, destination, out _, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.DestinationTooSmall)
        {
            // Three bytes per UTF-16 unit is enough for any text (a surrogate pair is 4 for 2).
            _rented = ArrayPool<byte>.Shared.Rent(text.Length * 3);
            destination = _rented;
            status = Utf8.FromUtf16(text, destination, out _, out written, replaceInvalidSequences: false);
        }
        if (status != OperationStatus.Done)
        {
            destination[0] = 0xFF;
            written = 1;
        }
        _bytes = destination[..written];  // empty text: still a real pointer, with length 0
        _length = (nuint)written;
    }

    /// <summary>The pointer to pass: null for the empty string and for over-long text.</summary>
    public ref readonly byte GetPinnableReference() => ref MemoryMarshal.GetReference(_bytes);

    /// <summary>The length to pass with the pointer.</summary>
    public nuint Length => _length;

    /// <summary>Returns the rental, if any.</summary>
    public void Dispose()
    {
        if (_rented is not null)
            ArrayPool<byte>.Shared.Return(_rented);
    }
}
