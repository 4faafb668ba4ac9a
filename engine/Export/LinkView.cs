using Kt.Store;

namespace Kt.Export;

/// <summary>One link of a span.</summary>
public readonly ref struct LinkView
{
    private readonly SpanStore _store;
    private readonly int _slot;
    private readonly LinkEntry _entry;

    internal LinkView(SpanStore store, int slot, in LinkEntry entry)
    {
        _store = store;
        _slot = slot;
        _entry = entry;
    }

    /// <summary>The linked span's context.</summary>
    public SpanContext Context => new(new TraceId(_entry.TraceHigh, _entry.TraceLow), new SpanId(_entry.SpanId), _entry.Flags);

    /// <summary>The linked span's tracestate, UTF-8.</summary>
    public ReadOnlySpan<byte> TraceState => _store.Text(_entry.TraceState);

    /// <summary>The link's attributes.</summary>
    public AttributeList Attributes =>
        new(_store, _store.ExtraAttributes.AsSpan(_slot * _store.ExtraAttributesPerSpan + _entry.AttributeStart, _entry.AttributeCount));

    /// <summary>Attributes not kept because of limits.</summary>
    public int DroppedAttributes => _entry.DroppedAttributes;
}
