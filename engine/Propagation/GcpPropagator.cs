using System.Numerics;

namespace Kt;

/// <summary>
/// <c>gcp</c>: Google Cloud's <c>X-Cloud-Trace-Context: {32 hex trace}/{decimal span}[;o={0|1}]</c>.
/// Without <c>o=</c> the caller did not trace the request, so the spans continuing it are not
/// sampled either.
/// </summary>
internal static class GcpPropagator
{
    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var value = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.CloudTraceContext);
        if (value.IsEmpty)
            return PropagationStatus.Empty;
        header = HeaderNames.CloudTraceContext;

        var rest = value;
        var traceText = HeaderText.NextField(ref rest, '/');
        if (rest.IsEmpty)
            return PropagationStatus.Missing;
        if (traceText.Length != 32 || !IdCodec.TryParseTraceId(traceText, out var traceId))
            return PropagationStatus.BadTraceId;
        if (!traceId.IsValid)
            return PropagationStatus.ZeroTraceId;
        bool hasOptions = HeaderText.IndexOf(rest, ';') >= 0;
        var spanText = HeaderText.NextField(ref rest, ';');
        if (!IdCodec.TryParseDecimal(spanText, out ulong spanId))
            return PropagationStatus.BadSpanId;
        if (spanId == 0)
            return PropagationStatus.ZeroSpanId;
        bool sampled = false;
        if (hasOptions)
        {
            sampled = HeaderText.EqualsAscii(rest, "o=1");
            if (!sampled && !HeaderText.EqualsAscii(rest, "o=0"))
                return PropagationStatus.BadSampling;
        }
        header = null;
        remote = new RemoteContext(traceId, new SpanId(spanId), sampled);
        return PropagationStatus.Ok;
    }

    public static void Inject(in OutgoingSpan span, ref HeaderWriter writer)
    {
        writer.Begin(HeaderNames.CloudTraceContext);
        writer.AppendTraceId(span.Context.TraceId);
        writer.Append('/');
        writer.AppendDecimal(span.Context.SpanId.Value);
        writer.Append(";o="u8);
        writer.AppendSampled(span.Context.IsSampled);
        writer.End();
    }
}
