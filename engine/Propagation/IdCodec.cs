using System.Numerics;

namespace Kt;

/// <summary>
/// Trace and span ids as the header formats spell them: hex of either case or unsigned 64-bit
/// decimal when read, lower-case hex or decimal when written. Reading is generic over the code
/// unit so UTF-8 and UTF-16 headers share it; nothing allocates.
/// </summary>
internal static class IdCodec
{
    /// <summary>The most digits of an unsigned 64-bit decimal.</summary>
    public const int MaxDecimalDigits = 20;

    /// <summary>Reads 1 to 16 hex digits of either case; any other character fails.</summary>
    public static bool TryParseHex<TChar>(ReadOnlySpan<TChar> text, out ulong value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        value = 0;
        if (text.Length is 0 or > 16)
            return false;
        foreach (var element in text)
        {
            uint c = HeaderText.Code(element);
            uint digit = c - '0';
            if (digit > 9)
            {
                digit = (c | 0x20) - 'a';
                if (digit > 'f' - 'a')
                    return false;
                digit += 10;
            }
            value = (value << 4) | digit;
        }
        return true;
    }

    /// <summary>Reads exactly <paramref name="digits"/> hex digits.</summary>
    public static bool TryParseHex<TChar>(ReadOnlySpan<TChar> text, int digits, out ulong value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        value = 0;
        return text.Length == digits && TryParseHex(text, out value);
    }

    /// <summary>Reads 1 to 32 hex digits as a 128-bit trace id, the digits left out on the left taken as zeros.</summary>
    public static bool TryParseTraceId<TChar>(ReadOnlySpan<TChar> text, out TraceId id)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        id = default;
        if (text.Length is 0 or > 32)
            return false;
        int split = Math.Max(0, text.Length - 16);
        ulong high = 0;
        if (split > 0 && !TryParseHex(text[..split], out high))
            return false;
        if (!TryParseHex(text[split..], out ulong low))
            return false;
        id = new TraceId(high, low);
        return true;
    }

    /// <summary>Reads a trace id of exactly 16 or 32 hex digits (B3, OpenTracing); 16 digits are the low half.</summary>
    public static bool TryParseTraceId16Or32<TChar>(ReadOnlySpan<TChar> text, out TraceId id)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        id = default;
        return text.Length is 16 or 32 && TryParseTraceId(text, out id);
    }

    /// <summary>Reads 1 to 20 decimal digits that fit in 64 bits; a sign, a space or an overflow fails.</summary>
    public static bool TryParseDecimal<TChar>(ReadOnlySpan<TChar> text, out ulong value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        value = 0;
        if (text.Length is 0 or > MaxDecimalDigits)
            return false;
        foreach (var element in text)
        {
            uint digit = HeaderText.Code(element) - '0';
            if (digit > 9 || value > (ulong.MaxValue - digit) / 10)
                return false;
            value = (value * 10) + digit;
        }
        return true;
    }

    /// <summary>Writes the low <paramref name="digits"/> hex digits of <paramref name="value"/>, lower-case.</summary>
    public static void WriteHex(ulong value, int digits, Span<byte> destination)
    {
        var hex = "0123456789abcdef"u8;
        for (int i = digits - 1; i >= 0; i--)
        {
            destination[i] = hex[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>The number of decimal digits of <paramref name="value"/>.</summary>
    public static int DecimalLength(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }

    /// <summary>Writes <paramref name="value"/> in decimal into exactly <see cref="DecimalLength"/> bytes.</summary>
    public static void WriteDecimal(ulong value, Span<byte> destination)
    {
        for (int i = DecimalLength(value) - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
