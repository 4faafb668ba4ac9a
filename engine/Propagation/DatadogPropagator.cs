using System.Numerics;

namespace Kt;

/// <summary>
/// <c>datadog</c>: <c>x-datadog-trace-id</c> and <c>x-datadog-parent-id</c> as unsigned 64-bit
/// decimals, <c>x-datadog-sampling-priority</c> (above 0: sampled), and the trace id's high 64
/// bits as <c>_dd.p.tid=</c> 16 hex digits in <c>x-datadog-tags</c>. Present when any of the first
/// three is; a priority alone carries only the decision. A trace id whose low 64 bits are zero
/// has no Datadog form: nothing is injected for it.
/// </summary>
/// <remarks>
/// A malformed <c>_dd.p.tid</c> is ignored rather than refused, as Datadog's tracers do: the tag
/// is optional, and the 64-bit trace id it would extend is still the caller's trace.
/// </remarks>
internal static class DatadogPropagator
{
    private const string TraceIdHighTag = "_dd.p.tid";

    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var traceText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.DatadogTraceId);
        var parentText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.DatadogParentId);
        var priorityText = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.DatadogSamplingPriority);
        if (traceText.IsEmpty && parentText.IsEmpty && priorityText.IsEmpty)
            return PropagationStatus.Empty;

        bool? sampled = null;
        if (!priorityText.IsEmpty)
        {
            header = HeaderNames.DatadogSamplingPriority;
            bool negative = HeaderText.Code(priorityText[0]) == '-';
            if (!IdCodec.TryParseDecimal(negative ? priorityText[1..] : priorityText, out ulong priority))
                return PropagationStatus.BadSampling;
            sampled = !negative && priority > 0;
        }
        if (traceText.IsEmpty && parentText.IsEmpty)
        {
            header = null;
            remote = RemoteContext.SamplingOnly(sampled);
            return PropagationStatus.Ok;
        }
        header = HeaderNames.DatadogTraceId;
        if (traceText.IsEmpty)
            return PropagationStatus.Missing;
        if (!IdCodec.TryParseDecimal(traceText, out ulong traceLow))
            return PropagationStatus.BadTraceId;
        if (traceLow == 0)
            return PropagationStatus.ZeroTraceId;
        header = HeaderNames.DatadogParentId;
        if (parentText.IsEmpty)
            return PropagationStatus.Missing;
        if (!IdCodec.TryParseDecimal(parentText, out ulong parentId))
            return PropagationStatus.BadSpanId;
        if (parentId == 0)
            return PropagationStatus.ZeroSpanId;
        header = null;
        ulong traceHigh = TraceIdHigh(HeaderText.Value<TChar, THeaders>(headers, HeaderNames.DatadogTags));
        remote = new RemoteContext(new TraceId(traceHigh, traceLow), new SpanId(parentId), sampled);
        return PropagationStatus.Ok;
    }

    public static void Inject(in OutgoingSpan span, ref HeaderWriter writer)
    {
        var traceId = span.Context.TraceId;
        // x-datadog-trace-id is the low 64 bits and 0 is no trace: a trace whose low half is zero
        // cannot be carried, and any header sent for it would be refused or start another trace.
        if (traceId.Low == 0)
            return;
        writer.Begin(HeaderNames.DatadogTraceId);
        writer.AppendDecimal(traceId.Low);
        writer.End();
        writer.Begin(HeaderNames.DatadogParentId);
        writer.AppendDecimal(span.Context.SpanId.Value);
        writer.End();
        writer.Begin(HeaderNames.DatadogSamplingPriority);
        writer.AppendSampled(span.Context.IsSampled);
        writer.End();
        if (traceId.High == 0)
            return;
        writer.Begin(HeaderNames.DatadogTags);
        writer.Append("_dd.p.tid="u8);
        writer.AppendHex(traceId.High);
        writer.End();
    }

    // x-datadog-tags is a comma-separated list of key=value; 0 when the tag is absent or malformed.
    private static ulong TraceIdHigh<TChar>(ReadOnlySpan<TChar> tags)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        var rest = tags;
        while (!rest.IsEmpty)
        {
            var member = HeaderText.Trim(HeaderText.NextField(ref rest, ','));
            int equals = HeaderText.IndexOf(member, '=');
            if (equals >= 0 && HeaderText.EqualsAscii(member[..equals], TraceIdHighTag))
                return IdCodec.TryParseHex(member[(equals + 1)..], 16, out ulong high) ? high : 0;
        }
        return 0;
    }
}
