using Kt.Store;
using Kt.Timing;

namespace Kt.Export;

/// <summary>The events of a span.</summary>
public readonly ref struct EventList
{
    private readonly SpanStore _store;
    private readonly int _slot;

    internal EventList(SpanStore store, int slot, int count)
    {
        _store = store;
        _slot = slot;
        Count = count;
    }

    /// <summary>How many events.</summary>
    public int Count { get; }

    /// <summary>The event at <paramref name="index"/>.</summary>
    public EventView this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index));
            return new EventView(_store, _slot, _store.Events[_slot * _store.EventsPerSpan + index]);
        }
    }
}
