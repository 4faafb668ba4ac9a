namespace Kt.Export.Otlp.Http2;

/// <summary>
/// HPACK's dynamic table (RFC 7541, section 2.3.2): the newest entry is index 1 (62 on the
/// wire), entries are evicted oldest first to keep the size (name + value + 32 per entry)
/// within the maximum. Names and values live in one preallocated byte buffer twice the
/// maximum size, compacted when an entry would not fit at its end, so adding an entry never
/// allocates; a peer's Date header changes every second and is added each time.
/// </summary>
internal sealed class HpackDynamicTable
{
    private const int EntryOverhead = 32;

    private readonly byte[] _bytes;
    private readonly (int Start, int NameLength, int ValueLength)[] _entries;
    private int _oldest;
    private int _count;
    private int _end;
    private int _size;
    private int _maxSize;

    public HpackDynamicTable(int capacity)
    {
        Capacity = capacity;
        _maxSize = capacity;
        _bytes = new byte[2 * capacity];
        _entries = new (int, int, int)[capacity / EntryOverhead + 1];
    }

    /// <summary>The largest size the decoder allows (our SETTINGS_HEADER_TABLE_SIZE).</summary>
    public int Capacity { get; }

    public int Count => _count;

    /// <summary>The current size: the sum of the entries' sizes.</summary>
    public int Size => _size;

    public int MaxSize => _maxSize;

    public ReadOnlySpan<byte> Name(int index)
    {
        var (start, name, _) = Entry(index);
        return _bytes.AsSpan(start, name);
    }

    public ReadOnlySpan<byte> Value(int index)
    {
        var (start, name, value) = Entry(index);
        return _bytes.AsSpan(start + name, value);
    }

    // 1 is the newest entry.
    private (int Start, int NameLength, int ValueLength) Entry(int index) =>
        _entries[(_oldest + _count - index) % _entries.Length];

    /// <summary>A dynamic table size update from the encoder.</summary>
    public void Resize(int maxSize)
    {
        _maxSize = maxSize;
        Evict(0);
    }

    /// <summary>Adds an entry; one larger than the maximum size empties the table (section 4.4).</summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        int size = name.Length + value.Length + EntryOverhead;
        if (size > _maxSize)
        {
            _count = 0;
            _size = 0;
            _end = 0;
            return;
        }
        Evict(size);
        int length = name.Length + value.Length;
        if (_end + length > _bytes.Length)
            Compact();
        // Compaction moves the entries: the decoder passes copies, never spans of this table.
        name.CopyTo(_bytes.AsSpan(_end));
        value.CopyTo(_bytes.AsSpan(_end + name.Length));
        _entries[(_oldest + _count) % _entries.Length] = (_end, name.Length, value.Length);
        _count++;
        _end += length;
        _size += size;
    }

    private void Evict(int room)
    {
        while (_count > 0 && _size + room > _maxSize)
        {
            var (_, name, value) = _entries[_oldest];
            _size -= name + value + EntryOverhead;
            _oldest = (_oldest + 1) % _entries.Length;
            _count--;
        }
        if (_count == 0)
            _end = 0;
    }

    private void Compact()
    {
        int start = _entries[_oldest].Start;
        _bytes.AsSpan(start, _end - start).CopyTo(_bytes);
        for (int i = 0; i < _count; i++)
        {
            ref var entry = ref _entries[(_oldest + i) % _entries.Length];
            entry.Start -= start;
        }
        _end -= start;
    }
}
