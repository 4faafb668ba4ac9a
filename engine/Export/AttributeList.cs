using Kt.Store;

namespace Kt.Export;

/// <summary>A run of attributes of a span, an event or a link.</summary>
public readonly ref struct AttributeList
{
    private readonly SpanStore _store;
    private readonly ReadOnlySpan<AttributeEntry> _entries;

    internal AttributeList(SpanStore store, ReadOnlySpan<AttributeEntry> entries)
    {
        _store = store;
        _entries = entries;
    }

    /// <summary>How many attributes.</summary>
    public int Count => _entries.Length;

    /// <summary>The attribute at <paramref name="index"/>.</summary>
    public AttributeView this[int index] => new(_store, _entries[index]);
}
