using Kt.Store;
using Kt.Timing;

namespace Kt.Export;

/// <summary>One event of a span.</summary>
public readonly ref struct EventView
{
    private readonly SpanStore _store;
    private readonly int _slot;
    private readonly EventEntry _entry;

    internal EventView(SpanStore store, int slot, in EventEntry entry)
    {
        _store = store;
        _slot = slot;
        _entry = entry;
    }

    /// <summary>The event's name, UTF-8.</summary>
    public ReadOnlySpan<byte> Name => _store.Text(_entry.Name);

    /// <summary>When it happened, nanoseconds since the Unix epoch.</summary>
    public long TimeUnixNanoseconds => _entry.TimeIsUnixNanoseconds ? _entry.Time : Clock.ToUnixNanoseconds(_entry.Time);

    /// <summary>The event's attributes.</summary>
    public AttributeList Attributes =>
        new(_store, _store.ExtraAttributes.AsSpan(_slot * _store.ExtraAttributesPerSpan + _entry.AttributeStart, _entry.AttributeCount));

    /// <summary>Attributes not kept because of limits.</summary>
    public int DroppedAttributes => _entry.DroppedAttributes;
}
