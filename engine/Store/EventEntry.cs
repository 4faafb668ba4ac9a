namespace Kt.Store;

/// <summary>One stored event; its attributes are a run in the slot's shared event-and-link attribute area.</summary>
internal struct EventEntry
{
    public StringRef Name;
    public long Time;
    public bool TimeIsUnixNanoseconds;
    public ushort AttributeStart;
    public ushort AttributeCount;
    public int DroppedAttributes;
}
