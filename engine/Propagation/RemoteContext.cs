namespace Kt;

/// <summary>
/// What one format's headers said about the caller: its trace and span (the parent of the spans
/// this service starts), only its trace (an X-Ray <c>Root</c> without <c>Parent</c>), or neither (a
/// sampling decision alone); and its sampling decision, null when it left that to this service.
/// </summary>
internal readonly struct RemoteContext(TraceId traceId, SpanId spanId, bool? sampled, TraceFlags randomFlag = TraceFlags.None)
{
    public readonly TraceId TraceId = traceId;

    public readonly SpanId SpanId = spanId;

    public readonly bool? Sampled = sampled;

    /// <summary>W3C's random flag; no other format says whether its trace ids are random.</summary>
    public readonly TraceFlags RandomFlag = randomFlag;

    public static RemoteContext SamplingOnly(bool? sampled) => new(default, default, sampled);
}
