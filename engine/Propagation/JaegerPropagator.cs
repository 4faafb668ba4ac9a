using System.Numerics;

namespace Kt;

/// <summary>
/// <c>jaeger</c>: <c>uber-trace-id: {trace}:{span}:{parent}:{flags}</c> in hex of up to 32, 16, 16
/// and 2 digits, shorter ids padded with zeros on the left. The parent field is deprecated (often
/// <c>0</c>) and only checked; flag bit 1 is sampled.
/// </summary>
internal static class JaegerPropagator
{
    private const ulong SampledBit = 1;

    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var value = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.UberTraceId);
        if (value.IsEmpty)
            return PropagationStatus.Empty;
        header = HeaderNames.UberTraceId;
        if (value.Count(TChar.CreateTruncating((int)':')) != 3)
            return PropagationStatus.BadFormat;

        var rest = value;
        if (!IdCodec.TryParseTraceId(HeaderText.NextField(ref rest, ':'), out var traceId))
            return PropagationStatus.BadTraceId;
        if (!traceId.IsValid)
            return PropagationStatus.ZeroTraceId;
        if (!IdCodec.TryParseHex(HeaderText.NextField(ref rest, ':'), out ulong spanId))
            return PropagationStatus.BadSpanId;
        if (spanId == 0)
            return PropagationStatus.ZeroSpanId;
        if (!IdCodec.TryParseHex(HeaderText.NextField(ref rest, ':'), out _))
            return PropagationStatus.BadSpanId;
        if (rest.Length > 2 || !IdCodec.TryParseHex(rest, out ulong flags))
            return PropagationStatus.BadFlags;
        header = null;
        remote = new RemoteContext(traceId, new SpanId(spanId), (flags & SampledBit) != 0);
        return PropagationStatus.Ok;
    }

    public static void Inject(in OutgoingSpan span, ref HeaderWriter writer)
    {
        writer.Begin(HeaderNames.UberTraceId);
        writer.AppendShortestTraceId(span.Context.TraceId);
        writer.Append(':');
        writer.AppendHex(span.Context.SpanId.Value);
        writer.Append(':');
        if (span.ParentSpanId.IsValid)
            writer.AppendHex(span.ParentSpanId.Value);
        else
            writer.Append('0');
        writer.Append(':');
        writer.Append(span.Context.IsSampled ? "01"u8 : "00"u8);
        writer.End();
    }
}
