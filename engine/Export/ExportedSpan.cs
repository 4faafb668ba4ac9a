namespace Kt.Export;

/// <summary>A finished span copied out of its slot into ordinary objects, for tests and tools.</summary>
public sealed record ExportedSpan
{
    /// <summary>The tracer's name.</summary>
    public required string Scope { get; init; }

    /// <summary>The span's name.</summary>
    public required string Name { get; init; }

    /// <summary>The trace id.</summary>
    public TraceId TraceId { get; init; }

    /// <summary>The span id.</summary>
    public SpanId SpanId { get; init; }

    /// <summary>The parent's span id; invalid for a root.</summary>
    public SpanId ParentSpanId { get; init; }

    /// <summary>True when the parent was remote.</summary>
    public bool ParentIsRemote { get; init; }

    /// <summary>The W3C trace flags.</summary>
    public TraceFlags Flags { get; init; }

    /// <summary>The tracestate.</summary>
    public string TraceState { get; init; } = "";

    /// <summary>The span kind.</summary>
    public SpanKind Kind { get; init; }

    /// <summary>Start, Unix nanoseconds.</summary>
    public long StartUnixNanoseconds { get; init; }

    /// <summary>End, Unix nanoseconds.</summary>
    public long EndUnixNanoseconds { get; init; }

    /// <summary>The status code.</summary>
    public StatusCode Status { get; init; }

    /// <summary>The status message.</summary>
    public string StatusMessage { get; init; } = "";

    /// <summary>Attributes by key; values are string, long, double, bool or arrays of these.</summary>
    public required IReadOnlyDictionary<string, object> Attributes { get; init; }

    /// <summary>Dropped attribute count.</summary>
    public int DroppedAttributes { get; init; }

    /// <summary>The events in order.</summary>
    public required IReadOnlyList<ExportedEvent> Events { get; init; }

    /// <summary>Dropped event count.</summary>
    public int DroppedEvents { get; init; }

    /// <summary>The links in order.</summary>
    public required IReadOnlyList<ExportedLink> Links { get; init; }

    /// <summary>Dropped link count.</summary>
    public int DroppedLinks { get; init; }
}

/// <summary>An event copied out of its slot.</summary>
public sealed record ExportedEvent(string Name, long TimeUnixNanoseconds, IReadOnlyDictionary<string, object> Attributes, int DroppedAttributes);

/// <summary>A link copied out of its slot.</summary>
public sealed record ExportedLink(SpanContext Context, IReadOnlyDictionary<string, object> Attributes, int DroppedAttributes);
