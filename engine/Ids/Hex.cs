namespace Kt;

/// <summary>Lower-case hex as W3C trace context writes it.</summary>
internal static class Hex
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    public static void WriteUInt64(ulong value, Span<byte> destination)
    {
        var digits = Digits;
        for (int i = 15; i >= 0; i--)
        {
            destination[i] = digits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    public static void WriteByte(byte value, Span<byte> destination)
    {
        destination[0] = Digits[value >> 4];
        destination[1] = Digits[value & 0xF];
    }

    /// <summary>Reads 1..16 lower-case hex digits; any other character fails.</summary>
    public static bool TryReadUInt64(ReadOnlySpan<byte> hex, out ulong value)
    {
        value = 0;
        if (hex.Length is 0 or > 16)
            return false;
        foreach (var c in hex)
        {
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                _ => -1,
            };
            if (digit < 0)
                return false;
            value = (value << 4) | (uint)digit;
        }
        return true;
    }
}
