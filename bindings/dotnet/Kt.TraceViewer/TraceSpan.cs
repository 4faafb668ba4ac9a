namespace Kt.TraceViewer;

/// <summary>
/// One span as read from the file: ids as lower-case hex (an empty <see cref="ParentSpanId"/>
/// for a root), times in Unix nanoseconds, kind and status as OTLP numbers them.
/// </summary>
internal sealed class TraceSpan
{
    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    public required string ParentSpanId { get; init; }

    /// <summary>From the span's flags: whether its parent is in another process; null when the writer did not say.</summary>
    public bool? ParentIsRemote { get; init; }

    public required string Name { get; init; }

    /// <summary>0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.</summary>
    public required int Kind { get; init; }

    public required ulong StartUnixNano { get; init; }

    /// <summary>Never before <see cref="StartUnixNano"/>: the reader reports such a span and ends it where it starts.</summary>
    public required ulong EndUnixNano { get; init; }

    /// <summary>0 unset, 1 ok, 2 error.</summary>
    public int StatusCode { get; init; }

    public string StatusMessage { get; init; } = "";

    public string TraceState { get; init; } = "";

    public IReadOnlyList<KeyValue> Attributes { get; init; } = [];

    public IReadOnlyList<SpanEvent> Events { get; init; } = [];

    public IReadOnlyList<SpanLink> Links { get; init; } = [];

    public uint DroppedAttributesCount { get; init; }

    public uint DroppedEventsCount { get; init; }

    public uint DroppedLinksCount { get; init; }

    public required TraceResource Resource { get; init; }

    public required TraceScope Scope { get; init; }

    /// <summary>The line of the file the span was on (1-based).</summary>
    public required int Line { get; init; }

    public bool IsError => StatusCode == 2;
}
