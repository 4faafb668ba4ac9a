using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace Kt.Text;

/// <summary>UTF-8 helpers for copying caller strings into span storage.</summary>
internal static class Utf8Text
{
    /// <summary>Copies UTF-16 as UTF-8; false on a lone surrogate or when it does not fit.</summary>
    public static OperationStatus FromUtf16(ReadOnlySpan<char> source, Span<byte> destination, out int written)
    {
        var status = Utf8.FromUtf16(source, destination, out _, out written, replaceInvalidSequences: false);
        return status;
    }

    /// <summary>
    /// Copies ASCII text: the names and keys of a hot path nearly always are, and narrowing
    /// them costs a fraction of general transcoding. -1 when the text is not ASCII or does not fit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryCopyAscii(ReadOnlySpan<char> source, Span<byte> destination)
    {
        int length = source.Length;
        if (length > destination.Length)
            return -1;
        ref ushort from = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(source));
        ref byte to = ref MemoryMarshal.GetReference(destination);
        var nonAscii = Vector128.Create((ushort)0xFF80);
        int i = 0;
        for (; i + 16 <= length; i += 16)
        {
            var low = Vector128.LoadUnsafe(ref from, (nuint)i);
            var high = Vector128.LoadUnsafe(ref from, (nuint)(i + 8));
            if (((low | high) & nonAscii) != Vector128<ushort>.Zero)
                return -1;
            Vector128.Narrow(low, high).StoreUnsafe(ref to, (nuint)i);
        }
        if (i + 8 <= length)
        {
            var eight = Vector128.LoadUnsafe(ref from, (nuint)i);
            if ((eight & nonAscii) != Vector128<ushort>.Zero)
                return -1;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, i), Vector128.Narrow(eight, eight).AsUInt64().ToScalar());
            i += 8;
        }
        for (; i < length; i++)
        {
            ushort c = Unsafe.Add(ref from, i);
            if (c > 0x7F)
                return -1;
            Unsafe.Add(ref to, i) = (byte)c;
        }
        return length;
    }

    /// <summary>
    /// Copies bytes that fit the destination. Names and keys are short: for them a pair of
    /// overlapping moves beats a call into the general memory copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int length = source.Length;
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        if (length > 32 || length > destination.Length)
        {
            source.CopyTo(destination);
        }
        else if (length >= 16)
        {
            Vector128.LoadUnsafe(ref from).StoreUnsafe(ref to);
            Vector128.LoadUnsafe(ref from, (nuint)(length - 16)).StoreUnsafe(ref to, (nuint)(length - 16));
        }
        else if (length >= 8)
        {
            Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<ulong>(ref from));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, length - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, length - 8)));
        }
        else if (length >= 4)
        {
            Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<uint>(ref from));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, length - 4), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref from, length - 4)));
        }
        else
        {
            for (int i = 0; i < length; i++)
                Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
        }
    }

    /// <summary>
    /// Whether every byte is ASCII. Short text is checked eight bytes at a time (the last
    /// read overlapping), which costs less than the vectorised check's set-up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAscii(ReadOnlySpan<byte> text)
    {
        int length = text.Length;
        if (length > 64)
            return Ascii.IsValid(text);
        ref byte start = ref MemoryMarshal.GetReference(text);
        if (length >= 8)
        {
            ulong bits = 0;
            int i = 0;
            for (; i + 8 <= length; i += 8)
                bits |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            bits |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8));
            return (bits & 0x8080808080808080UL) == 0;
        }
        uint small = 0;
        for (int i = 0; i < length; i++)
            small |= Unsafe.Add(ref start, i);
        return (small & 0x80) == 0;
    }

    /// <summary>
    /// Copies at most <paramref name="maxCharacters"/> characters of text that is not valid
    /// UTF-8, each maximal invalid sequence replaced by U+FFFD as Unicode recommends; false when
    /// the result does not fit the destination.
    /// </summary>
    public static bool CopyReplacingInvalid(ReadOnlySpan<byte> source, Span<byte> destination, int maxCharacters, out int written)
    {
        written = 0;
        for (int characters = 0; !source.IsEmpty && characters < maxCharacters; characters++)
        {
            var status = Rune.DecodeFromUtf8(source, out var rune, out int consumed);
            int length = rune.Utf8SequenceLength;
            if (length > destination.Length - written)
                return false;
            if (status == OperationStatus.Done)
                source[..consumed].CopyTo(destination[written..]);
            else
                Rune.ReplacementChar.EncodeToUtf8(destination[written..]);
            written += length;
            source = source[consumed..];
        }
        return true;
    }

    /// <summary>Whether the bytes are well-formed UTF-8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValid(ReadOnlySpan<byte> utf8) => IsAscii(utf8) || IsValidBeyondAscii(utf8);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsValidBeyondAscii(ReadOnlySpan<byte> utf8) => Utf8.IsValid(utf8);

    /// <summary>
    /// The byte length of the longest prefix holding at most <paramref name="maxCharacters"/>
    /// Unicode scalar values; OpenTelemetry's value length limit counts characters, not bytes.
    /// </summary>
    public static int PrefixLength(ReadOnlySpan<byte> utf8, int maxCharacters)
    {
        if (utf8.Length <= maxCharacters)
            return utf8.Length;
        int characters = 0;
        for (int i = 0; i < utf8.Length; i++)
        {
            if ((utf8[i] & 0xC0) != 0x80)
            {
                if (characters == maxCharacters)
                    return i;
                characters++;
            }
        }
        return utf8.Length;
    }
}
