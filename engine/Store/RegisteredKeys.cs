namespace Kt.Store;

/// <summary>
/// Attribute keys registered once, for hosts that set the same keys on every span: each is
/// checked and copied once, into a part of the store's arena before every slot's, so a span
/// refers to that one copy exactly as it refers to text of its own, and every reader of the
/// arena reads it unchanged. Ids start at 1, in the order of registration; the same text
/// registered again keeps its id. Registering takes a lock; finding a key by id reads two fields.
/// </summary>
internal sealed class RegisteredKeys
{
    /// <summary>How many keys a store holds.</summary>
    public const int Capacity = 1024;

    /// <summary>How many bytes of key text a store holds, all keys together.</summary>
    public const int Bytes = 32 * 1024;

    private readonly NativeArray<byte> _arena;
    private readonly int _start;
    private readonly StringRef[] _keys = new StringRef[Capacity + 1];
    private readonly object _lock = new();
    private int _used;
    private int _count;

    /// <param name="arena">The store's arena.</param>
    /// <param name="start">Where in it the <see cref="Bytes"/> bytes of keys begin.</param>
    public RegisteredKeys(NativeArray<byte> arena, int start)
    {
        _arena = arena;
        _start = start;
    }

    /// <summary>Keys registered so far; every id from 1 to this is valid.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Registers UTF-8 that the caller has checked (not empty, valid): its id, the id it already
    /// had, or 0 when the store holds <see cref="Capacity"/> keys or not its bytes.
    /// </summary>
    public int Register(ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            for (int id = 1; id <= _count; id++)
            {
                if (_arena.AsSpan(_keys[id].Offset, _keys[id].Length).SequenceEqual(key))
                    return id;
            }
            if (_count == Capacity || key.Length > Bytes - _used)
                return 0;
            int at = _start + _used;
            key.CopyTo(_arena.AsSpan(at, key.Length));
            _used += key.Length;
            _keys[_count + 1] = new StringRef(at, key.Length);
            Volatile.Write(ref _count, _count + 1);
            return _count;
        }
    }

    /// <summary>A registered key as text the store already holds; empty (which the store refuses) for an id never given.</summary>
    public TextInput Get(int id)
    {
        if ((uint)(id - 1) >= (uint)Volatile.Read(ref _count))
            return default;
        var text = _keys[id];
        return TextInput.Stored(_arena.AsSpan(text.Offset, text.Length));
    }

    /// <summary>Whether <paramref name="offset"/> is in the part of the arena that holds keys.</summary>
    public bool Holds(int offset, int length) => offset >= _start && length <= _start + Bytes - offset;
}
