namespace Kt.Store;

/// <summary>The fixed part of one span, written in place between start and export.</summary>
internal struct SpanSlot
{
    public uint Generation;
    public SlotState State;
    public SpanKind Kind;
    public TraceFlags Flags;
    public StatusCode Status;
    public bool StartIsUnixNanoseconds;
    public bool EndIsUnixNanoseconds;
    public bool ParentIsRemote;
    public ushort Tracer;
    public ushort AttributeCount;
    public ushort EventCount;
    public ushort LinkCount;
    public ushort ExtraAttributeCount;
    public int DroppedAttributes;
    public int DroppedEvents;
    public int DroppedLinks;
    public int ArenaUsed;
    public ulong TraceHigh;
    public ulong TraceLow;
    public ulong SpanId;
    public ulong ParentSpanId;
    public long ParentToken;
    public long Start;
    public long End;
    public StringRef Name;
    public StringRef StatusMessage;
    public StringRef TraceState;
    public int ContextPrevious;
    public int ContextNext;
}
