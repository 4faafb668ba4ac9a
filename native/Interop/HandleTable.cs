namespace Kt.Native.Interop;

/// <summary>
/// Objects handed to C as 64-bit handles: bits 0-23 the index plus one, bits 24-31 the
/// table's epoch (one per kt_init, so handles of an earlier engine are refused), bits 32-63
/// the entry's generation (bumped when the entry is freed, so a freed handle is stale).
/// Lookups take no lock; adding and freeing do.
/// </summary>
internal sealed class HandleTable<T> where T : class
{
    private sealed class Entry(T item)
    {
        public readonly T Item = item;
        public volatile uint Generation = 1;
        public volatile bool Live;
    }

    private readonly object _lock = new();
    private readonly Stack<int> _free = new();
    private readonly byte _epoch;
    private volatile Entry[] _entries = [];

    public HandleTable(byte epoch) => _epoch = epoch;

    /// <summary>Hands out a freed entry's item again, or adds one made by <paramref name="create"/>; returns its handle.</summary>
    public ulong Add(Func<T> create, out T item)
    {
        lock (_lock)
        {
            Entry entry;
            int index;
            if (_free.Count > 0)
            {
                index = _free.Pop();
                entry = _entries[index];
            }
            else
            {
                if (_entries.Length >= 0xFFFFFF)
                    throw new InvalidOperationException("too many handles");
                index = _entries.Length;
                entry = new Entry(create());
                _entries = [.. _entries, entry];
            }
            entry.Live = true;
            item = entry.Item;
            return (ulong)entry.Generation << 32 | (ulong)_epoch << 24 | (uint)(index + 1);
        }
    }

    /// <summary>Finds a live item; a status that says why not.</summary>
    public int TryGet(ulong handle, out T? item)
    {
        item = null;
        int index = (int)(handle & 0xFFFFFF) - 1;
        var entries = _entries;
        if ((byte)(handle >> 24) != _epoch || (uint)index >= (uint)entries.Length)
            return Status.InvalidHandle;
        var entry = entries[index];
        if (entry.Generation != (uint)(handle >> 32) || !entry.Live)
            return Status.Stale;
        item = entry.Item;
        return Status.Ok;
    }

    /// <summary>Frees a live entry; its handle becomes stale and the item may be handed out again.</summary>
    public int Free(ulong handle)
    {
        lock (_lock)
        {
            int status = TryGet(handle, out _);
            if (status != Status.Ok)
                return status;
            int index = (int)(handle & 0xFFFFFF) - 1;
            var entry = _entries[index];
            entry.Live = false;
            entry.Generation++;
            _free.Push(index);
            return Status.Ok;
        }
    }
}
