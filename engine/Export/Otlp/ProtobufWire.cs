using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Kt.Export.Otlp;

/// <summary>
/// The protobuf wire format, written at a position of a buffer whose room the caller has
/// already ensured. Each writer returns the position after what it wrote.
/// </summary>
internal static class ProtobufWire
{
    /// <summary>The most bytes a varint takes.</summary>
    public const int MaxVarint = 10;

    // Wire types, the low three bits of a tag.
    public const int VarintType = 0, Fixed64Type = 1, LengthType = 2, Fixed32Type = 5;

    /// <summary>One byte: a tag, or a value known to fit in one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Put(ref byte b, int p, byte value)
    {
        Unsafe.Add(ref b, p) = value;
        return p + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintSize(ulong value) => (BitOperations.Log2(value | 1) * 9 + 73) >> 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Varint(ref byte b, int p, ulong value)
    {
        while (value >= 0x80)
        {
            Unsafe.Add(ref b, p++) = (byte)(value | 0x80);
            value >>= 7;
        }
        Unsafe.Add(ref b, p++) = (byte)value;
        return p;
    }

    /// <summary>A varint that takes exactly <paramref name="width"/> bytes (padded with continuation bits), which every decoder reads.</summary>
    public static void PaddedVarint(ref byte b, int p, uint value, int width)
    {
        for (int i = 0; i < width - 1; i++)
        {
            Unsafe.Add(ref b, p + i) = (byte)(value | 0x80);
            value >>= 7;
        }
        Unsafe.Add(ref b, p + width - 1) = (byte)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Fixed64(ref byte b, int p, ulong value)
    {
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        return p + 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Fixed32(ref byte b, int p, uint value)
    {
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        return p + 4;
    }

    /// <summary>Eight bytes in network order, as OTLP carries ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BigEndian(ref byte b, int p, ulong value)
    {
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);
        return p + 8;
    }

    /// <summary>A length-delimited field: its tag byte, the length, the bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Bytes(ref byte b, int p, byte tag, ReadOnlySpan<byte> value)
    {
        Unsafe.Add(ref b, p) = tag;
        p = Varint(ref b, p + 1, (uint)value.Length);
        ShortCopy.To(value, ref Unsafe.Add(ref b, p));
        return p + value.Length;
    }

    /// <summary>The size of a length-delimited field with a one-byte tag and <paramref name="length"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BytesFieldSize(int length) => 1 + VarintSize((uint)length) + length;
}
