using System.Numerics;

namespace Kt;

/// <summary>
/// The header names kt reads and writes, lower-case as it writes them; incoming names match
/// them without regard to ASCII case.
/// </summary>
public static class HeaderNames
{
#pragma warning disable CS1591 // each constant is its own documentation
    public const string Traceparent = "traceparent";
    public const string Tracestate = "tracestate";
    public const string B3TraceId = "x-b3-traceid";
    public const string B3SpanId = "x-b3-spanid";
    public const string B3ParentSpanId = "x-b3-parentspanid";
    public const string B3Sampled = "x-b3-sampled";
    public const string B3Flags = "x-b3-flags";
    public const string B3 = "b3";
    public const string UberTraceId = "uber-trace-id";
    public const string OtTraceId = "ot-tracer-traceid";
    public const string OtSpanId = "ot-tracer-spanid";
    public const string OtSampled = "ot-tracer-sampled";
    public const string DatadogTraceId = "x-datadog-trace-id";
    public const string DatadogParentId = "x-datadog-parent-id";
    public const string DatadogSamplingPriority = "x-datadog-sampling-priority";
    public const string DatadogTags = "x-datadog-tags";
    public const string AmznTraceId = "x-amzn-trace-id";
    public const string CloudTraceContext = "x-cloud-trace-context";
#pragma warning restore CS1591

    /// <summary>True when <paramref name="candidate"/> is <paramref name="lowerCaseName"/> in any ASCII case.</summary>
    /// <param name="candidate">A header name as the request spelled it, UTF-8 or UTF-16.</param>
    /// <param name="lowerCaseName">A lower-case ASCII name, such as one of the constants above.</param>
    public static bool Matches<TChar>(ReadOnlySpan<TChar> candidate, string lowerCaseName)
        where TChar : unmanaged, IBinaryInteger<TChar> =>
        candidate.Length == lowerCaseName.Length && HeaderText.EqualsIgnoringCase(candidate, lowerCaseName);
}
