namespace Kt.Store;

/// <summary>One stored link to another span; its attributes are a run in the shared area, like an event's.</summary>
internal struct LinkEntry
{
    public ulong TraceHigh;
    public ulong TraceLow;
    public ulong SpanId;
    public TraceFlags Flags;
    public StringRef TraceState;
    public ushort AttributeStart;
    public ushort AttributeCount;
    public int DroppedAttributes;
}
