using Kt.Store;
using Kt.Timing;

namespace Kt.Export;

/// <summary>A finished span read in place; valid only during <see cref="ISpanExporter.Export"/>.</summary>
public readonly ref struct SpanView
{
    private readonly TraceEngine _engine;
    private readonly int _slot;

    internal SpanView(TraceEngine engine, int slot)
    {
        _engine = engine;
        _slot = slot;
    }

    private ref SpanSlot Slot => ref _engine.Store.Slots[_slot];

    internal TraceEngine Engine => _engine;

    internal int SlotIndex => _slot;

    private SpanStore Store => _engine.Store;

    /// <summary>The trace id.</summary>
    public TraceId TraceId => new(Slot.TraceHigh, Slot.TraceLow);

    /// <summary>The span id.</summary>
    public SpanId SpanId => new(Slot.SpanId);

    /// <summary>The parent's span id; invalid for a root span.</summary>
    public SpanId ParentSpanId => new(Slot.ParentSpanId);

    /// <summary>True when the parent was in another process.</summary>
    public bool ParentIsRemote => Slot.ParentIsRemote;

    /// <summary>The W3C trace flags.</summary>
    public TraceFlags Flags => Slot.Flags;

    /// <summary>The tracestate inherited from the remote parent.</summary>
    public ReadOnlySpan<byte> TraceState => Store.Text(Slot.TraceState);

    /// <summary>The span's name, UTF-8.</summary>
    public ReadOnlySpan<byte> Name => Store.Text(Slot.Name);

    /// <summary>The span kind.</summary>
    public SpanKind Kind => Slot.Kind;

    /// <summary>The tracer's name: the instrumentation scope, UTF-8.</summary>
    public ReadOnlySpan<byte> ScopeName => _engine.TracerNameUtf8(Slot.Tracer);

    /// <summary>Which tracer made the span, to group spans by scope.</summary>
    public int ScopeIndex => Slot.Tracer;

    /// <summary>Start time, nanoseconds since the Unix epoch.</summary>
    public long StartUnixNanoseconds => Slot.StartIsUnixNanoseconds ? Slot.Start : Clock.ToUnixNanoseconds(Slot.Start);

    /// <summary>End time, nanoseconds since the Unix epoch.</summary>
    public long EndUnixNanoseconds => Slot.EndIsUnixNanoseconds ? Slot.End : Clock.ToUnixNanoseconds(Slot.End);

    /// <summary>The status code.</summary>
    public StatusCode Status => Slot.Status;

    /// <summary>The status message (Error only), UTF-8.</summary>
    public ReadOnlySpan<byte> StatusMessage => Store.Text(Slot.StatusMessage);

    /// <summary>The span's attributes.</summary>
    public AttributeList Attributes => new(Store, Store.Attributes.AsSpan(_slot * Store.AttributesPerSpan, Slot.AttributeCount));

    /// <summary>Attributes not kept because of limits.</summary>
    public int DroppedAttributes => Slot.DroppedAttributes;

    /// <summary>The span's events.</summary>
    public EventList Events => new(Store, _slot, Slot.EventCount);

    /// <summary>Events not kept because of limits.</summary>
    public int DroppedEvents => Slot.DroppedEvents;

    /// <summary>The span's links.</summary>
    public LinkList Links => new(Store, _slot, Slot.LinkCount);

    /// <summary>Links not kept because of limits.</summary>
    public int DroppedLinks => Slot.DroppedLinks;

    /// <summary>The namespace of the tracer's active span, UTF-8.</summary>
    internal ReadOnlySpan<byte> ScopeNamespace => _engine.TracerNamespaceUtf8(Slot.Tracer);

    /// <summary>True once the span has ended (a finished span its context keeps).</summary>
    internal bool IsFinished => Slot.State == SlotState.Kept;

    /// <summary>True while the span is open and sampled.</summary>
    internal bool IsRecording => Slot.State == SlotState.Recording;

    /// <summary>True when the span belongs to a context (Kong's <c>linked</c>).</summary>
    internal bool InContext => Store.Owners[_slot] is not null;

    /// <summary>The local parent's handle while it can still be read, else 0.</summary>
    internal long ParentToken => _engine.ReadableParent(_slot);
}
