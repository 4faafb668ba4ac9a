using System.Numerics;

namespace Kt;

/// <summary>
/// <c>b3-single</c>: Zipkin's <c>b3: {trace}-{span}[-{sampling}[-{parent}]]</c>, sampling being
/// <c>1</c>, <c>0</c> or <c>d</c> (debug, so sampled) and absent to leave the decision to this
/// service; or the sampling decision alone (<c>b3: 0</c>), which gives no parent.
/// </summary>
internal static class B3SinglePropagator
{
    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var value = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.B3);
        if (value.IsEmpty)
            return PropagationStatus.Empty;
        header = HeaderNames.B3;

        int fields = value.Count(TChar.CreateTruncating((int)'-')) + 1;
        if (fields == 1)
        {
            if (!TryParseSampling(value, out bool decision))
                return PropagationStatus.BadSampling;
            header = null;
            remote = RemoteContext.SamplingOnly(decision);
            return PropagationStatus.Ok;
        }
        if (fields > 4)
            return PropagationStatus.BadFormat;

        var rest = value;
        var traceText = HeaderText.NextField(ref rest, '-');
        var spanText = HeaderText.NextField(ref rest, '-');
        if (!IdCodec.TryParseTraceId16Or32(traceText, out var traceId))
            return traceText.IsEmpty ? PropagationStatus.BadFormat : PropagationStatus.BadTraceId;
        if (!traceId.IsValid)
            return PropagationStatus.ZeroTraceId;
        if (!IdCodec.TryParseHex(spanText, 16, out ulong spanId))
            return spanText.IsEmpty ? PropagationStatus.Missing : PropagationStatus.BadSpanId;
        if (spanId == 0)
            return PropagationStatus.ZeroSpanId;

        bool? sampled = null;
        if (fields >= 3)
        {
            if (!TryParseSampling(HeaderText.NextField(ref rest, '-'), out bool decision))
                return PropagationStatus.BadSampling;
            sampled = decision;
        }
        if (fields == 4)
        {
            if (!IdCodec.TryParseHex(rest, 16, out ulong parentId))
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
        writer.Begin(HeaderNames.B3);
        writer.AppendShortestTraceId(span.Context.TraceId);
        writer.Append('-');
        writer.AppendHex(span.Context.SpanId.Value);
        writer.Append('-');
        writer.AppendSampled(span.Context.IsSampled);
        if (span.ParentSpanId.IsValid)
        {
            writer.Append('-');
            writer.AppendHex(span.ParentSpanId.Value);
        }
        writer.End();
    }

    private static bool TryParseSampling<TChar>(ReadOnlySpan<TChar> text, out bool sampled)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        sampled = HeaderText.EqualsAscii(text, "1") || HeaderText.EqualsAscii(text, "d");
        return sampled || HeaderText.EqualsAscii(text, "0");
    }
}
