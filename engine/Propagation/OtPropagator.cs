using System.Numerics;

namespace Kt;

/// <summary>
/// <c>ot</c>: OpenTracing's (Lightstep's) <c>ot-tracer-traceid</c> (16 or 32 hex digits),
/// <c>ot-tracer-spanid</c> (16) and <c>ot-tracer-sampled</c> (<c>true</c>/<c>false</c>, or 1/0),
/// present when any of them is. A sampling header alone carries only the decision.
/// </summary>
internal static class OtPropagator
{
    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var traceText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.OtTraceId);
        var spanText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.OtSpanId);
        var sampledText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.OtSampled);
        if (traceText.IsEmpty && spanText.IsEmpty && sampledText.IsEmpty)
            return PropagationStatus.Empty;

        bool? sampled = null;
        if (!sampledText.IsEmpty)
        {
            header = HeaderNames.OtSampled;
            if (!SamplingFlag.TryParse(sampledText, out bool decision))
                return PropagationStatus.BadSampling;
            sampled = decision;
        }
        if (traceText.IsEmpty && spanText.IsEmpty)
        {
            header = null;
            remote = RemoteContext.SamplingOnly(sampled);
            return PropagationStatus.Ok;
        }
        header = HeaderNames.OtTraceId;
        if (traceText.IsEmpty)
            return PropagationStatus.Missing;
        if (!IdCodec.TryParseTraceId16Or32(traceText, out var traceId))
            return PropagationStatus.BadTraceId;
        if (!traceId.IsValid)
            return PropagationStatus.ZeroTraceId;
        header = HeaderNames.OtSpanId;
        if (spanText.IsEmpty)
            return PropagationStatus.Missing;
        if (!IdCodec.TryParseHex(spanText, 16, out ulong spanId))
            return PropagationStatus.BadSpanId;
        if (spanId == 0)
            return PropagationStatus.ZeroSpanId;
        header = null;
        remote = new RemoteContext(traceId, new SpanId(spanId), sampled);
        return PropagationStatus.Ok;
    }

    public static void Inject(in OutgoingSpan span, ref HeaderWriter writer)
    {
        writer.Begin(HeaderNames.OtTraceId);
        writer.AppendShortestTraceId(span.Context.TraceId);
        writer.End();
        writer.Begin(HeaderNames.OtSpanId);
        writer.AppendHex(span.Context.SpanId.Value);
        writer.End();
        writer.Begin(HeaderNames.OtSampled);
        writer.Append(span.Context.IsSampled ? "true"u8 : "false"u8);
        writer.End();
    }
}
