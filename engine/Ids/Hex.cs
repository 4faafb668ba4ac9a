using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Kt;

/// <summary>Lower-case hex as W3C trace context writes it.</summary>
internal static class Hex
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    public static void WriteUInt64(ulong value, Span<byte> destination)
    {
        _ = destination[15];
        WriteUInt64(value, ref destination[0]);
    }

    /// <summary>16 digits, most significant first, at <paramref name="destination"/>, which has room for them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt64(ulong value, ref byte destination)
    {
        if (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported)
        {
            // The eight bytes, most significant first, each split into its two nibbles, then
            // every nibble looked up in the digits at once.
            var bytes = Vector128.CreateScalarUnsafe(BinaryPrimitives.ReverseEndianness(value)).AsByte();
            var nibbles = Vector128.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte() & Vector128.Create((byte)0xF);
            var lowNibbles = bytes & Vector128.Create((byte)0xF);
            var interleaved = Ssse3.IsSupported ? Sse2.UnpackLow(nibbles, lowNibbles) : AdvSimd.Arm64.ZipLow(nibbles, lowNibbles);
            var table = Vector128.Create(
                (byte)'0', (byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5', (byte)'6', (byte)'7',
                (byte)'8', (byte)'9', (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', (byte)'f');
            var hex = Ssse3.IsSupported ? Ssse3.Shuffle(table, interleaved) : AdvSimd.Arm64.VectorTableLookup(table, interleaved);
            hex.StoreUnsafe(ref destination);
            return;
        }
        var digits = Digits;
        for (int i = 15; i >= 0; i--)
        {
            Unsafe.Add(ref destination, i) = digits[(int)(value & 0xF)];
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
