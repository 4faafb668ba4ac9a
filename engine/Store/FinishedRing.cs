using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kt.Store;

/// <summary>
/// A bounded single-producer single-consumer ring of finished slot indices: the finishing
/// thread writes, the exporter thread reads. Full means the caller drops the span; it never waits.
/// </summary>
internal sealed class FinishedRing
{
    private readonly int[] _items;
    private readonly int _mask;
    private Positions _positions;

    public FinishedRing(int capacity)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _items = new int[size];
        _mask = size - 1;
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => (int)(Volatile.Read(ref _positions.Tail) - Volatile.Read(ref _positions.Head));

    /// <summary>
    /// Producer side. Returns the queue length as the producer last knew it (it re-reads the
    /// consumer's position only when that length reaches <paramref name="recheckAt"/> or the
    /// capacity, so the shared line is not pulled across cores on every span), or 0 when full.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TryEnqueue(int slot, int recheckAt)
    {
        long tail = _positions.Tail;
        long queued = tail - _positions.CachedHead;
        if (queued >= recheckAt || queued >= Capacity)
        {
            _positions.CachedHead = Volatile.Read(ref _positions.Head);
            queued = tail - _positions.CachedHead;
            if (queued >= Capacity)
                return 0;
        }
        _items[tail & _mask] = slot;
        Volatile.Write(ref _positions.Tail, tail + 1);
        return (int)queued + 1;
    }

    /// <summary>Consumer side: copies up to <paramref name="destination"/>.Length items.</summary>
    public int Dequeue(Span<int> destination)
    {
        long head = _positions.Head;
        long available = Volatile.Read(ref _positions.Tail) - head;
        int count = (int)Math.Min(available, destination.Length);
        for (int i = 0; i < count; i++)
            destination[i] = _items[(head + i) & _mask];
        Volatile.Write(ref _positions.Head, head + count);
        return count;
    }

    // Head and tail on separate cache lines: one is written by the producer, the other by the consumer.
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Positions
    {
        [FieldOffset(64)] public long Tail;
        [FieldOffset(72)] public long CachedHead;
        [FieldOffset(128)] public long Head;
    }
}
