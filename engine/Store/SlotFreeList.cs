namespace Kt.Store;

/// <summary>
/// The shared stack of free slots. Threads take and return slots in batches of a
/// magazine's size, so the lock is taken once per many spans.
/// </summary>
internal sealed class SlotFreeList
{
    private readonly int[] _slots;
    private readonly object _lock = new();
    private int _count;

    public SlotFreeList(int capacity)
    {
        _slots = new int[capacity];
        for (int i = 0; i < capacity; i++)
            _slots[i] = capacity - 1 - i;
        _count = capacity;
    }

    public int Count => Volatile.Read(ref _count);

    public int Take(Span<int> destination)
    {
        lock (_lock)
        {
            int n = Math.Min(destination.Length, _count);
            _slots.AsSpan(_count - n, n).CopyTo(destination);
            _count -= n;
            return n;
        }
    }

    public void Return(ReadOnlySpan<int> slots)
    {
        lock (_lock)
        {
            slots.CopyTo(_slots.AsSpan(_count));
            _count += slots.Length;
        }
    }
}
