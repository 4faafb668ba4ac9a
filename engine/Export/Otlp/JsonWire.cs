using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Kt.Export.Otlp;

/// <summary>
/// JSON text, written at a position of a buffer whose room the caller has already ensured.
/// Each writer returns the position after what it wrote.
/// </summary>
internal static class JsonWire
{
    /// <summary>The most bytes a string's contents take once escaped: six (<c>\u001f</c>) for each byte.</summary>
    public static int MaxEscaped(int utf8Length) => 6 * utf8Length;

    /// <summary>The most bytes a 64-bit integer takes as a quoted decimal string.</summary>
    public const int MaxQuotedInt64 = 22;

    /// <summary>The most bytes a double takes: as a number, or as the strings the protobuf JSON mapping uses for what JSON has no number for.</summary>
    public const int MaxDouble = 32;

    // Printable ASCII but the quote and the backslash: what a string may hold unescaped and
    // unchecked. Anything else takes the slow path.
    private static readonly SearchValues<byte> s_plain = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Put(ref byte b, int p, byte value)
    {
        Unsafe.Add(ref b, p) = value;
        return p + 1;
    }

    /// <summary>Bytes as they are: the constant parts of the document.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Literal(ref byte b, int p, ReadOnlySpan<byte> text)
    {
        text.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, p), text.Length));
        return p + text.Length;
    }

    /// <summary>A string's contents (no quotes), escaped as JSON requires; room for <see cref="MaxEscaped"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Escaped(ref byte b, int p, ReadOnlySpan<byte> utf8)
    {
        int special = utf8.IndexOfAnyExcept(s_plain);
        if (special < 0)
        {
            ShortCopy.To(utf8, ref Unsafe.Add(ref b, p));
            return p + utf8.Length;
        }
        return EscapedFrom(ref b, Literal(ref b, p, utf8[..special]), utf8[special..]);
    }

    // Quotes, backslashes and control characters escaped; other UTF-8 copied as it is, any
    // ill-formed sequence replaced by U+FFFD so that the document stays valid UTF-8.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int EscapedFrom(ref byte b, int p, ReadOnlySpan<byte> utf8)
    {
        int i = 0;
        while (i < utf8.Length)
        {
            byte c = utf8[i];
            if (c >= 0x80)
            {
                if (Rune.DecodeFromUtf8(utf8[i..], out _, out int consumed) == OperationStatus.Done)
                    p = Literal(ref b, p, utf8.Slice(i, consumed));
                else
                    p = Literal(ref b, p, "\uFFFD"u8);
                i += consumed;
                continue;
            }
            i++;
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                p = Put(ref b, p, c);
                continue;
            }
            p = Put(ref b, p, (byte)'\\');
            p = c switch
            {
                (byte)'"' or (byte)'\\' => Put(ref b, p, c),
                (byte)'\n' => Put(ref b, p, (byte)'n'),
                (byte)'\r' => Put(ref b, p, (byte)'r'),
                (byte)'\t' => Put(ref b, p, (byte)'t'),
                (byte)'\b' => Put(ref b, p, (byte)'b'),
                (byte)'\f' => Put(ref b, p, (byte)'f'),
                _ => Put(ref b, Put(ref b, Literal(ref b, p, "u00"u8), HexDigits[c >> 4]), HexDigits[c & 0xF]),
            };
        }
        return p;
    }

    /// <summary>A non-negative integer as a JSON number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Number(ref byte b, int p, uint value)
    {
        if (value < 10)
            return Put(ref b, p, (byte)('0' + value));
        Utf8Formatter.TryFormat(value, MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, p), 10), out int written);
        return p + written;
    }

    /// <summary>A 64-bit integer as a quoted decimal string, as OTLP JSON carries them (most JSON readers lose precision past 2^53).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int QuotedInt64(ref byte b, int p, long value)
    {
        p = Put(ref b, p, (byte)'"');
        Utf8Formatter.TryFormat(value, MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, p), 20), out int written);
        return Put(ref b, p + written, (byte)'"');
    }

    /// <summary>
    /// A double as the shortest number that reads back the same; JSON has no NaN or infinities,
    /// which the protobuf JSON mapping spells as strings.
    /// </summary>
    public static int Double(ref byte b, int p, double value)
    {
        if (!double.IsFinite(value))
            return Literal(ref b, p, double.IsNaN(value) ? "\"NaN\""u8 : value > 0 ? "\"Infinity\""u8 : "\"-Infinity\""u8);
        value.TryFormat(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, p), MaxDouble), out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        return p + written;
    }

    /// <summary>An id as a quoted string of lower-case hex digits, as OTLP JSON carries ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int QuotedHex(ref byte b, int p, ulong value)
    {
        p = Put(ref b, p, (byte)'"');
        Hex.WriteUInt64(value, ref Unsafe.Add(ref b, p));
        return Put(ref b, p + 16, (byte)'"');
    }

    /// <summary>A 128-bit id as a quoted string of lower-case hex digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int QuotedHex(ref byte b, int p, ulong high, ulong low)
    {
        p = Put(ref b, p, (byte)'"');
        Hex.WriteUInt64(high, ref Unsafe.Add(ref b, p));
        Hex.WriteUInt64(low, ref Unsafe.Add(ref b, p + 16));
        return Put(ref b, p + 32, (byte)'"');
    }
}
