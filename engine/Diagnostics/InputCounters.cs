namespace Kt;

/// <summary>
/// What requests sent that kt refused or repaired, since the library was loaded (every engine
/// of the process counts here). Each is also reported in a log line at most once a second.
/// </summary>
public readonly record struct InputCounters
{
    /// <summary>Requests whose trace-context headers were present but malformed: no parent was taken, a new trace started.</summary>
    public long ContextsRefused { get; init; }

    /// <summary>Tracestate headers dropped beside a valid traceparent, which was kept.</summary>
    public long TracestatesDropped { get; init; }

    /// <summary>Strings recorded with their invalid UTF-8 replaced by U+FFFD (when the engine repairs text).</summary>
    public long ValuesRepaired { get; init; }

    /// <summary>Strings refused for invalid UTF-8 (when the engine refuses such text, as it does by default).</summary>
    public long ValuesRefused { get; init; }
}
