using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kt.Store;

/// <summary>
/// A bounded single-producer single-consumer ring of encoded spans: the finishing thread
/// appends each span's bytes as it finishes, the exporter thread reads them in place and
/// releases them once sent. A record is an 8-byte header (its length, its tracer) and its
/// bytes, 8-aligned, never split at the end of the ring: a record that does not fit there
/// leaves a padding header and starts again at the beginning. Full (in bytes or in records)
/// means the caller drops the span; it never waits.
/// </summary>
internal sealed class SpanRecordRing
{
    private const int HeaderSize = 8;
    private const int Padding = -1;

    private readonly byte[] _bytes;
    private readonly int _mask;
    private readonly int _maxRecords;
    private Positions _positions;

    /// <param name="bytes">Room for the records, rounded up to a power of two.</param>
    /// <param name="maxRecords">How many records may wait at once.</param>
    public SpanRecordRing(int bytes, int maxRecords)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(bytes, 4096));
        _bytes = GC.AllocateUninitializedArray<byte>(size);
        _mask = size - 1;
        _maxRecords = maxRecords;
    }

    /// <summary>The largest record the ring can ever hold.</summary>
    public int MaxRecordLength => _bytes.Length / 2 - HeaderSize;

    /// <summary>Records written and not yet released; exact when the threads are quiet.</summary>
    public int Count => (int)(Volatile.Read(ref _positions.Produced) - Volatile.Read(ref _positions.Consumed));

    /// <summary>
    /// Producer side: appends one record. Returns 0 when the ring is full, else how many records
    /// wait as far as the producer knows. The consumer's positions are read again only when the
    /// producer's last copy of them says the ring is full or that <paramref name="recheckAt"/>
    /// records wait, so the consumer's cache line does not cross to the producer's core on every span.
    /// </summary>
    public int TryAppend(ReadOnlySpan<byte> record, ushort tracer, int recheckAt)
    {
        if (record.Length > MaxRecordLength)
            return 0;
        int needed = HeaderSize + ((record.Length + 7) & ~7);
        long tail = _positions.Tail;
        int offset = (int)(tail & _mask);
        int toEnd = _bytes.Length - offset;
        long end = tail + (toEnd < needed ? toEnd + needed : needed);
        long produced = _positions.Produced;
        if (end - _positions.CachedHead > _bytes.Length || produced - _positions.CachedConsumed >= _maxRecords)
        {
            _positions.CachedHead = Volatile.Read(ref _positions.Head);
            _positions.CachedConsumed = Volatile.Read(ref _positions.Consumed);
            if (end - _positions.CachedHead > _bytes.Length || produced - _positions.CachedConsumed >= _maxRecords)
                return 0;
        }
        else if (produced - _positions.CachedConsumed >= recheckAt)
        {
            _positions.CachedConsumed = Volatile.Read(ref _positions.Consumed);
        }
        if (toEnd < needed)
        {
            WriteHeader(offset, Padding, 0);
            offset = 0;
        }
        WriteHeader(offset, record.Length, tracer);
        record.CopyTo(_bytes.AsSpan(offset + HeaderSize));
        _positions.Produced = produced + 1;
        Volatile.Write(ref _positions.Tail, end);
        return (int)(produced + 1 - _positions.CachedConsumed);
    }

    /// <summary>Consumer side: where reading starts; pass it to <see cref="TryRead"/>.</summary>
    public long ReadPosition => _positions.Head;

    /// <summary>
    /// Consumer side: the record at <paramref name="position"/>, if one has been written, and
    /// the position after it. The bytes stay valid until <see cref="Release"/> passes them.
    /// </summary>
    public bool TryRead(ref long position, out int offset, out int length, out ushort tracer)
    {
        long tail = Volatile.Read(ref _positions.Tail);
        while (position < tail)
        {
            offset = (int)(position & _mask);
            length = BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(offset));
            if (length == Padding)
            {
                position += _bytes.Length - offset;
                continue;
            }
            tracer = BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(offset + 4));
            offset += HeaderSize;
            position += HeaderSize + ((length + 7) & ~7);
            return true;
        }
        offset = length = 0;
        tracer = 0;
        return false;
    }

    /// <summary>Consumer side: gives the room of <paramref name="records"/> records, up to <paramref name="position"/>, back to the producer.</summary>
    public void Release(long position, int records)
    {
        Volatile.Write(ref _positions.Consumed, _positions.Consumed + records);
        Volatile.Write(ref _positions.Head, position);
    }

    /// <summary>The bytes records are read from.</summary>
    public byte[] Bytes => _bytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteHeader(int offset, int length, ushort tracer)
    {
        var header = _bytes.AsSpan(offset, HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header, length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], tracer);
    }

    // What the producer writes and what the consumer writes live on separate cache lines.
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Positions
    {
        [FieldOffset(64)] public long Tail;
        [FieldOffset(72)] public long Produced;
        [FieldOffset(80)] public long CachedHead;
        [FieldOffset(88)] public long CachedConsumed;
        [FieldOffset(128)] public long Head;
        [FieldOffset(136)] public long Consumed;
    }
}
