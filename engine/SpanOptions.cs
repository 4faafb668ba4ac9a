namespace Kt;

/// <summary>
/// The seed's <c>start_span</c> options. Every field is optional; <c>default</c> starts a
/// span now, of kind unspecified, sampled by the tracer, under the context's active span.
/// </summary>
public ref struct SpanOptions
{
    /// <summary>Overrides the start time, in nanoseconds since the Unix epoch (<c>start_time_ns</c>); 0 means now.</summary>
    public long StartTimeUnixNanoseconds;

    /// <summary>The span kind (<c>span_kind</c>).</summary>
    public SpanKind Kind;

    /// <summary>True or false overrides the sampling decision (<c>should_sample</c>); null lets the sampler decide.</summary>
    public bool? ShouldSample;

    /// <summary>The parent span (<c>parent</c>); when unset, the tracer's active span in the context is the parent.</summary>
    public SpanHandle Parent;

    /// <summary>A parent from another process, when there is no local one.</summary>
    public SpanContext RemoteParent;

    /// <summary>
    /// The trace to continue (Kong's <c>trace_id</c> option) when the span has no local parent
    /// and no <see cref="RemoteParent"/>; it comes before the context's remote parent. The
    /// tracer's sampler decides on it unless <see cref="ShouldSample"/> or the context does.
    /// </summary>
    public TraceId TraceId;

    /// <summary>The parent span in another process (Kong's <c>parent_id</c> option), under the same conditions as <see cref="TraceId"/>.</summary>
    public SpanId ParentSpanId;

    /// <summary>Attributes to set at start (<c>attributes</c>).</summary>
    public ReadOnlySpan<SpanAttribute> Attributes;
}
