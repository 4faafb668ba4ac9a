using Kt.Store;

namespace Kt.Export;

/// <summary>The links of a span.</summary>
public readonly ref struct LinkList
{
    private readonly SpanStore _store;
    private readonly int _slot;

    internal LinkList(SpanStore store, int slot, int count)
    {
        _store = store;
        _slot = slot;
        Count = count;
    }

    /// <summary>How many links.</summary>
    public int Count { get; }

    /// <summary>The link at <paramref name="index"/>.</summary>
    public LinkView this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index));
            return new LinkView(_store, _slot, _store.Links[_slot * _store.LinksPerSpan + index]);
        }
    }
}
