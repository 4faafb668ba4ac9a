namespace Kt.AspNetCore;

/// <summary>The headers each trace-context format reads and writes, as the strings HttpClient's headers take.</summary>
internal static class PropagationHeaders
{
    /// <summary>The most names every format together reads.</summary>
    public const int MaxNames = 18;

    private static readonly string[][] s_names =
    [
        [],
        [HeaderNames.Traceparent, HeaderNames.Tracestate],
        [HeaderNames.B3TraceId, HeaderNames.B3SpanId, HeaderNames.B3ParentSpanId, HeaderNames.B3Sampled, HeaderNames.B3Flags],
        [HeaderNames.B3],
        [HeaderNames.UberTraceId],
        [HeaderNames.OtTraceId, HeaderNames.OtSpanId, HeaderNames.OtSampled],
        [HeaderNames.DatadogTraceId, HeaderNames.DatadogParentId, HeaderNames.DatadogSamplingPriority, HeaderNames.DatadogTags],
        [HeaderNames.AmznTraceId],
        [HeaderNames.CloudTraceContext],
    ];

    /// <summary>The format's header names; none for a format kt does not know.</summary>
    public static ReadOnlySpan<string> NamesOf(PropagationFormat format) =>
        (uint)format < (uint)s_names.Length ? s_names[(int)format] : [];

    /// <summary>The string of a header name kt wrote (lower-case ASCII); null if the format has no such header.</summary>
    public static string? Find(PropagationFormat format, ReadOnlySpan<byte> name)
    {
        foreach (var candidate in NamesOf(format))
        {
            if (HeaderNames.Matches(name, candidate))
                return candidate;
        }
        return null;
    }
}
