namespace Kt.Interop;

/// <summary>
/// How <see cref="NativeTracer.StartSpan(NativeContext, ReadOnlySpan{byte}, in NativeSpanOptions, out NativeSpan)"/>
/// starts a span (<c>kt_span_options</c>). <c>default</c> is <c>KT_SPAN_OPTIONS_INIT</c>: now,
/// unspecified kind, the sampler decides, the context's active span is the parent.
/// </summary>
public struct NativeSpanOptions
{
    /// <summary>The start time in Unix nanoseconds; 0 means now.</summary>
    public long StartTimeNs { get; set; }

    /// <summary>The span's kind.</summary>
    public NativeSpanKind Kind { get; set; }

    /// <summary>Overrides the sampler: true records the span, false does not; null lets the sampler (or the parent) decide.</summary>
    public bool? ShouldSample { get; set; }

    /// <summary>The parent; the no-op span (default) means the tracer's active span in the context.</summary>
    public NativeSpan Parent { get; set; }

    internal readonly KtSpanOptions ToNative() => new()
    {
        StartTimeNs = StartTimeNs,
        Kind = (int)Kind,
        ShouldSample = ShouldSample is bool sample ? (sample ? 1 : 0) : -1,
        Parent = Parent.Handle,
    };
}
