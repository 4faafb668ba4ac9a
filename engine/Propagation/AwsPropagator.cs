using System.Numerics;

namespace Kt;

/// <summary>
/// <c>aws</c>: X-Ray's <c>X-Amzn-Trace-Id: Root=1-{8 hex epoch}-{24 hex};Parent={16 hex};Sampled={0|1}</c>,
/// fields in any order, unknown ones (<c>Self</c>, <c>Lineage</c>, ...) ignored. The trace id is
/// the epoch and the 24 digits together. <c>Sampled=?</c> or no <c>Sampled</c> leaves the decision
/// to this service.
/// </summary>
/// <remarks>
/// A <c>Root</c> without <c>Parent</c> is what a load balancer sends as the first hop: the spans
/// this service starts then join that trace as its roots, rather than starting a trace of their own.
/// </remarks>
internal static class AwsPropagator
{
    private const int RootLength = 35;

    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var value = HeaderText.Value<TChar, THeaders>(headers, HeaderNames.AmznTraceId);
        if (value.IsEmpty)
            return PropagationStatus.Empty;
        header = HeaderNames.AmznTraceId;

        TraceId traceId = default;
        ulong parentId = 0;
        bool? sampled = null;
        bool hasRoot = false, hasParent = false, hasSampled = false;
        var rest = value;
        while (!rest.IsEmpty)
        {
            var field = HeaderText.Trim(HeaderText.NextField(ref rest, ';'));
            if (field.IsEmpty)
                continue;
            int equals = HeaderText.IndexOf(field, '=');
            if (equals < 0)
                return PropagationStatus.BadFormat;
            var key = HeaderText.Trim(field[..equals]);
            var text = HeaderText.Trim(field[(equals + 1)..]);
            if (HeaderText.EqualsAscii(key, "Root"))
            {
                if (hasRoot)
                    return PropagationStatus.BadFormat;
                hasRoot = true;
                if (!TryParseRoot(text, out traceId))
                    return PropagationStatus.BadTraceId;
                if (!traceId.IsValid)
                    return PropagationStatus.ZeroTraceId;
            }
            else if (HeaderText.EqualsAscii(key, "Parent"))
            {
                if (hasParent)
                    return PropagationStatus.BadFormat;
                hasParent = true;
                if (!IdCodec.TryParseHex(text, 16, out parentId))
                    return PropagationStatus.BadSpanId;
                if (parentId == 0)
                    return PropagationStatus.ZeroSpanId;
            }
            else if (HeaderText.EqualsAscii(key, "Sampled"))
            {
                if (hasSampled)
                    return PropagationStatus.BadFormat;
                hasSampled = true;
                if (HeaderText.EqualsAscii(text, "1") || HeaderText.EqualsAscii(text, "0"))
                    sampled = HeaderText.EqualsAscii(text, "1");
                else if (!HeaderText.EqualsAscii(text, "?"))
                    return PropagationStatus.BadSampling;
            }
        }
        if (!hasRoot)
            return PropagationStatus.Missing;
        header = null;
        remote = new RemoteContext(traceId, new SpanId(parentId), sampled);
        return PropagationStatus.Ok;
    }

    public static void Inject(in OutgoingSpan span, ref HeaderWriter writer)
    {
        var traceId = span.Context.TraceId;
        writer.Begin(HeaderNames.AmznTraceId);
        writer.Append("Root=1-"u8);
        writer.AppendHex(traceId.High >> 32, 8);
        writer.Append('-');
        writer.AppendHex(traceId.High, 8);
        writer.AppendHex(traceId.Low);
        writer.Append(";Parent="u8);
        writer.AppendHex(span.Context.SpanId.Value);
        writer.Append(";Sampled="u8);
        writer.AppendSampled(span.Context.IsSampled);
        writer.End();
    }

    // 1-{8 hex}-{24 hex}: version 1, the epoch in seconds, 96 random bits.
    private static bool TryParseRoot<TChar>(ReadOnlySpan<TChar> root, out TraceId traceId)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        traceId = default;
        if (root.Length != RootLength || HeaderText.Code(root[0]) != '1' || HeaderText.Code(root[1]) != '-' || HeaderText.Code(root[10]) != '-')
            return false;
        if (!IdCodec.TryParseHex(root[2..10], out ulong epoch)
            || !IdCodec.TryParseHex(root[11..19], out ulong uniqueHigh)
            || !IdCodec.TryParseHex(root[19..], out ulong low))
            return false;
        traceId = new TraceId((epoch << 32) | uniqueHigh, low);
        return true;
    }
}
