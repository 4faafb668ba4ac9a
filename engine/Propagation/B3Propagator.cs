using System.Numerics;

namespace Kt;

/// <summary>
/// <c>b3</c>: Zipkin's multi-header format. Present when any <c>X-B3-*</c> header is. Trace id of
/// 16 or 32 hex digits, span and parent span ids of 16; <c>X-B3-Sampled</c> 1 or 0 (or the older
/// true/false), absent to leave the decision to this service; <c>X-B3-Flags: 1</c> (debug) means
/// sampled. Sampling headers without ids carry only the decision.
/// </summary>
internal static class B3Propagator
{
    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var traceText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.B3TraceId);
        var spanText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.B3SpanId);
        var parentText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.B3ParentSpanId);
        var sampledText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.B3Sampled);
        var flagsText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.B3Flags);
        if (traceText.IsEmpty && spanText.IsEmpty && parentText.IsEmpty && sampledText.IsEmpty && flagsText.IsEmpty)
            return PropagationStatus.Empty;

        bool? sampled = null;
        if (!sampledText.IsEmpty)
        {
            header = HeaderNames.B3Sampled;
            if (!SamplingFlag.TryParse(sampledText, out bool decision))
                return PropagationStatus.BadSampling;
            sampled = decision;
        }
        if (!flagsText.IsEmpty)
        {
            header = HeaderNames.B3Flags;
            if (HeaderText.EqualsAscii(flagsText, "1"))
                sampled = true;
            else if (!HeaderText.EqualsAscii(flagsText, "0"))
                return PropagationStatus.BadSampling;
        }

        if (traceText.IsEmpty && spanText.IsEmpty && parentText.IsEmpty)
        {
            header = null;
            remote = RemoteContext.SamplingOnly(sampled);
            return PropagationStatus.Ok;
        }
        header = HeaderNames.B3TraceId;
        if (traceText.IsEmpty)
            return PropagationStatus.Missing;
        if (!IdCodec.TryParseTraceId16Or32(traceText, out var traceId))
            return PropagationStatus.BadTraceId;
        if (!traceId.IsValid)
            return PropagationStatus.ZeroTraceId;
        header = HeaderNames.B3SpanId;
        if (spanText.IsEmpty)
            return PropagationStatus.Missing;
        if (!IdCodec.TryParseHex(spanText, 16, out ulong spanId))
            return PropagationStatus.BadSpanId;
        if (spanId == 0)
            return PropagationStatus.ZeroSpanId;
        if (!parentText.IsEmpty)
        {
            header = HeaderNames.B3ParentSpanId;
            if (!IdCodec.TryParseHex(parentText, 16, out ulong parentId))
                return PropagationStatus.BadSpanId;
            if (parentId == 0)
                return PropagationStatus.ZeroSpanId;
        }
        header = null;
        remote = new RemoteContext(traceId, new SpanId(spanId), sampled);
        return PropagationStatus.Ok;
    }

    public static void Inject(in OutgoingSpan span, ref HeaderWriter writer)
    {
        writer.Begin(HeaderNames.B3TraceId);
        writer.AppendShortestTraceId(span.Context.TraceId);
        writer.End();
        writer.Begin(HeaderNames.B3SpanId);
        writer.AppendHex(span.Context.SpanId.Value);
        writer.End();
        if (span.ParentSpanId.IsValid)
        {
            writer.Begin(HeaderNames.B3ParentSpanId);
            writer.AppendHex(span.ParentSpanId.Value);
            writer.End();
        }
        writer.Begin(HeaderNames.B3Sampled);
        writer.AppendSampled(span.Context.IsSampled);
        writer.End();
    }
}
