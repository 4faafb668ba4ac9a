namespace Kt;

/// <summary>What the injectors write about a span: its ids and sampled flag, its parent's span id (B3 and Jaeger carry it) and its tracestate.</summary>
internal readonly ref struct OutgoingSpan(SpanContext context, SpanId parentSpanId, ReadOnlySpan<byte> traceState)
{
    public readonly SpanContext Context = context;

    public readonly SpanId ParentSpanId = parentSpanId;

    public readonly ReadOnlySpan<byte> TraceState = traceState;
}
