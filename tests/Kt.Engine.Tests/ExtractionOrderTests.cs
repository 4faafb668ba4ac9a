using System.Text;
using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>Which format decides when several are tried, and what the context keeps.</summary>
public class ExtractionOrderTests
{
    private const string W3CTrace = "0af7651916cd43dd8448eb211c80319c";
    private const string B3Trace = "463ac35c9f6413ad48485a3953bb6124";
    private const string Span = "b7ad6b7169203331";

    private static readonly (string, string)[] Both =
    [
        ("traceparent", $"00-{W3CTrace}-{Span}-01"),
        ("X-B3-TraceId", B3Trace),
        ("X-B3-SpanId", "a2fb4a1d1a96d312"),
        ("X-B3-Sampled", "0"),
        ("uber-trace-id", $"{W3CTrace}:{Span}:0:1"),
    ];

    [Fact]
    public void The_first_format_present_decides()
    {
        var (result, context) = Extract([PropagationFormat.B3, PropagationFormat.W3C], Both);
        Assert.Equal(PropagationFormat.B3, result.Format);
        Assert.Equal(B3Trace, context.RemoteParent.TraceId.ToString());
        Assert.False(context.RemoteSampled);

        (result, context) = Extract([PropagationFormat.W3C, PropagationFormat.B3], Both);
        Assert.Equal(PropagationFormat.W3C, result.Format);
        Assert.Equal(W3CTrace, context.RemoteParent.TraceId.ToString());
        Assert.True(context.RemoteSampled);
    }

    [Fact]
    public void Absent_formats_are_skipped()
    {
        var (result, context) = Extract([PropagationFormat.Datadog, PropagationFormat.Aws, PropagationFormat.Gcp, PropagationFormat.Jaeger, PropagationFormat.W3C], Both);
        Assert.Equal(new ExtractionResult(PropagationFormat.Jaeger, PropagationStatus.Ok, null), result);
        Assert.Equal(W3CTrace, context.RemoteParent.TraceId.ToString());
    }

    [Fact]
    public void A_malformed_first_format_decides_and_leaves_no_parent()
    {
        var headers = Both.Append(("b3", "not-b3")).ToArray();
        var (result, context) = Extract([PropagationFormat.B3Single, PropagationFormat.W3C], headers);
        Assert.Equal(new ExtractionResult(PropagationFormat.B3Single, PropagationStatus.BadTraceId, "b3"), result);
        Assert.Equal(default, context.RemoteParent);
        Assert.Null(context.RemoteSampled);
    }

    [Fact]
    public void No_format_present_starts_a_new_trace()
    {
        var (result, context) = Extract([PropagationFormat.B3, PropagationFormat.Datadog], ("traceparent", $"00-{W3CTrace}-{Span}-01"), ("accept", "*/*"));
        Assert.Equal(new ExtractionResult(PropagationFormat.None, PropagationStatus.Empty, null), result);
        Assert.Equal(default, context.RemoteParent);
        Assert.Null(context.RemoteSampled);
        (result, _) = Extract([], Both);
        Assert.Equal(PropagationFormat.None, result.Format);
    }

    [Fact]
    public void An_unknown_format_is_refused() =>
        Assert.Equal(PropagationStatus.UnknownFormat, Extract([(PropagationFormat)9], Both).Result.Status);

    [Fact]
    public void Extracting_again_replaces_what_was_there()
    {
        var context = new TraceContext();
        context.Extract(PropagationFormat.W3C, new StringHeaderList([new("traceparent", $"00-{W3CTrace}-{Span}-01"), new("tracestate", "a=b")]));
        Assert.Equal("a=b", Encoding.ASCII.GetString(context.TraceState));
        var result = context.Extract(PropagationFormat.B3, new StringHeaderList([new("X-B3-Sampled", "0")]));
        Assert.Equal(PropagationStatus.Ok, result.Status);
        Assert.False(context.RemoteParent.TraceId.IsValid);
        Assert.True(context.TraceState.IsEmpty);
        Assert.False(context.RemoteSampled);
        context.Extract(PropagationFormat.B3, new StringHeaderList([new("X-B3-Sampled", "x")]));
        Assert.Null(context.RemoteSampled);
    }

    [Fact]
    public void Another_format_keeps_the_tracestate_of_a_traceparent_of_the_same_trace()
    {
        var sameTrace = new[]
        {
            ("traceparent", $"00-{B3Trace}-{Span}-01"),
            ("tracestate", "congo=t61rcWkgMzE"),
            ("X-B3-TraceId", B3Trace),
            ("X-B3-SpanId", "a2fb4a1d1a96d312"),
            ("X-B3-Sampled", "1"),
        };
        var (result, context) = Extract([PropagationFormat.B3, PropagationFormat.W3C], sameTrace);
        Assert.Equal(PropagationFormat.B3, result.Format);
        Assert.Equal("congo=t61rcWkgMzE", Encoding.ASCII.GetString(context.TraceState));
    }

    [Fact]
    public void Another_format_drops_a_tracestate_of_another_trace_or_without_traceparent()
    {
        var otherTrace = Both.Append(("tracestate", "congo=t61rcWkgMzE")).ToArray();
        Assert.True(Extract([PropagationFormat.B3], otherTrace).Context.TraceState.IsEmpty);
        var alone = new[] { ("tracestate", "congo=t61rcWkgMzE"), ("X-B3-TraceId", B3Trace), ("X-B3-SpanId", "a2fb4a1d1a96d312") };
        Assert.True(Extract([PropagationFormat.B3], alone).Context.TraceState.IsEmpty);
        var badParent = new[] { ("traceparent", "00-zz"), ("tracestate", "congo=t61rcWkgMzE"), ("X-B3-TraceId", B3Trace), ("X-B3-SpanId", "a2fb4a1d1a96d312") };
        Assert.True(Extract([PropagationFormat.B3], badParent).Context.TraceState.IsEmpty);
    }
}
