namespace Kt.Interop;

/// <summary>The trace-context header formats (<c>KT_FORMAT_*</c>), named as Kong's propagation settings name them.</summary>
public enum NativePropagationFormat
{
    /// <summary>No format: what <see cref="NativeContext.Extract(ReadOnlySpan{NativePropagationFormat}, ReadOnlySpan{KeyValuePair{string, string}}, out NativePropagationFormat)"/> reports when no format's headers were present.</summary>
    None = 0,

    /// <summary><c>KT_FORMAT_W3C</c>, "w3c": traceparent, tracestate.</summary>
    W3C = 1,

    /// <summary><c>KT_FORMAT_B3</c>, "b3": X-B3-TraceId, X-B3-SpanId, X-B3-ParentSpanId, X-B3-Sampled, X-B3-Flags.</summary>
    B3 = 2,

    /// <summary><c>KT_FORMAT_B3_SINGLE</c>, "b3-single": b3.</summary>
    B3Single = 3,

    /// <summary><c>KT_FORMAT_JAEGER</c>, "jaeger": uber-trace-id.</summary>
    Jaeger = 4,

    /// <summary><c>KT_FORMAT_OT</c>, "ot": ot-tracer-traceid, ot-tracer-spanid, ot-tracer-sampled.</summary>
    OT = 5,

    /// <summary><c>KT_FORMAT_DATADOG</c>, "datadog": x-datadog-trace-id, x-datadog-parent-id, x-datadog-sampling-priority, x-datadog-tags.</summary>
    Datadog = 6,

    /// <summary><c>KT_FORMAT_AWS</c>, "aws": X-Amzn-Trace-Id.</summary>
    Aws = 7,

    /// <summary><c>KT_FORMAT_GCP</c>, "gcp": X-Cloud-Trace-Context.</summary>
    Gcp = 8,
}
