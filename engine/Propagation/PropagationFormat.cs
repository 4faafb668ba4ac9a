namespace Kt;

/// <summary>
/// The trace-context header formats kt reads and writes, named and numbered as kt.h's
/// <c>KT_FORMAT_*</c> (names as Kong's <c>propagation</c> settings spell them).
/// </summary>
public enum PropagationFormat
{
    /// <summary>No format: no format's headers were present.</summary>
    None = 0,

    /// <summary><c>w3c</c>: <c>traceparent</c> and <c>tracestate</c>.</summary>
    W3C = 1,

    /// <summary><c>b3</c>: Zipkin's <c>X-B3-TraceId</c>, <c>X-B3-SpanId</c>, <c>X-B3-ParentSpanId</c>, <c>X-B3-Sampled</c>, <c>X-B3-Flags</c>.</summary>
    B3 = 2,

    /// <summary><c>b3-single</c>: Zipkin's <c>b3: {trace}-{span}[-{sampled}[-{parent}]]</c>, or only a sampling decision.</summary>
    B3Single = 3,

    /// <summary><c>jaeger</c>: <c>uber-trace-id: {trace}:{span}:{parent}:{flags}</c>.</summary>
    Jaeger = 4,

    /// <summary><c>ot</c>: OpenTracing's <c>ot-tracer-traceid</c>, <c>ot-tracer-spanid</c>, <c>ot-tracer-sampled</c>.</summary>
    OT = 5,

    /// <summary><c>datadog</c>: <c>x-datadog-trace-id</c> and <c>x-datadog-parent-id</c> in decimal, <c>x-datadog-sampling-priority</c>, <c>x-datadog-tags</c>.</summary>
    Datadog = 6,

    /// <summary><c>aws</c>: X-Ray's <c>X-Amzn-Trace-Id: Root=...;Parent=...;Sampled=...</c>.</summary>
    Aws = 7,

    /// <summary><c>gcp</c>: Google Cloud's <c>X-Cloud-Trace-Context: {trace}/{span};o={sampled}</c>.</summary>
    Gcp = 8,
}
