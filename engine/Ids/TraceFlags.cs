namespace Kt;

/// <summary>The W3C trace-flags byte.</summary>
[Flags]
public enum TraceFlags : byte
{
    /// <summary>Not sampled.</summary>
    None = 0,

    /// <summary>The caller may have recorded this trace.</summary>
    Sampled = 0x01,

    /// <summary>W3C Level 2: the trace id's rightmost 7 bytes are random.</summary>
    Random = 0x02,
}
