using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Kt.Export.Otlp;

/// <summary>
/// A growable byte buffer that writes the protobuf wire format. Nested messages reserve four
/// bytes for their length and fill them in when they end, as a varint padded to four bytes
/// (valid protobuf that every decoder reads), so a message is written in one pass straight
/// from the span slots. The buffer comes from the array pool and is reused: encoding allocates
/// nothing once it has grown to the largest batch.
/// </summary>
internal sealed class ProtobufBuffer
{
    private const int ReservedLength = 4;
    private const int MaxReservable = (1 << 28) - 1;

    private byte[] _buffer;
    private int _position;

    public ProtobufBuffer(int initialCapacity = 64 * 1024) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _position);

    public void Reset() => _position = 0;

    public void Tag(int field, int wireType) => Varint((uint)(field << 3 | wireType));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Varint(ulong value)
    {
        Ensure(10);
        var buffer = _buffer;
        int p = _position;
        while (value >= 0x80)
        {
            buffer[p++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[p++] = (byte)value;
        _position = p;
    }

    public void Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_position), value);
        _position += 8;
    }

    public void Fixed32(int field, uint value)
    {
        Tag(field, 5);
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    public void VarintField(int field, ulong value)
    {
        Tag(field, 0);
        Varint(value);
    }

    public void Double(int field, double value) => Fixed64(field, BitConverter.DoubleToUInt64Bits(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((uint)value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_position));
        _position += value.Length;
    }

    /// <summary>Bytes already in wire format.</summary>
    public void Raw(ReadOnlySpan<byte> encoded)
    {
        Ensure(encoded.Length);
        encoded.CopyTo(_buffer.AsSpan(_position));
        _position += encoded.Length;
    }

    /// <summary>Big-endian id bytes, as OTLP carries trace and span ids.</summary>
    public void Id(int field, ulong high, ulong low)
    {
        Tag(field, 2);
        Varint(16);
        Ensure(16);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_position), high);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_position + 8), low);
        _position += 16;
    }

    public void Id(int field, ulong value)
    {
        Tag(field, 2);
        Varint(8);
        Ensure(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_position), value);
        _position += 8;
    }

    /// <summary>Starts a length-delimited field; pass the result to <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int field)
    {
        Tag(field, 2);
        Ensure(ReservedLength);
        int at = _position;
        _position += ReservedLength;
        return at;
    }

    public void EndMessage(int at)
    {
        int length = _position - at - ReservedLength;
        if (length > MaxReservable)
            throw new InvalidOperationException($"an OTLP message of {length} bytes is more than four varint bytes can say");
        var span = _buffer.AsSpan(at, ReservedLength);
        span[0] = (byte)(length | 0x80);
        span[1] = (byte)(length >> 7 | 0x80);
        span[2] = (byte)(length >> 14 | 0x80);
        span[3] = (byte)(length >> 21);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int bytes)
    {
        if (_position + bytes > _buffer.Length)
            Grow(bytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int bytes)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + bytes));
        _buffer.AsSpan(0, _position).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
