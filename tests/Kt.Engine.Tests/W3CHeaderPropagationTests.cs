using System.Text;
using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>w3c through the header API: the same rules as <see cref="TraceContext.Extract(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</summary>
public class W3CHeaderPropagationTests
{
    private const PropagationFormat W3C = PropagationFormat.W3C;
    private const string Trace = "0af7651916cd43dd8448eb211c80319c";
    private const string Span = "b7ad6b7169203331";

    [Theory]
    [InlineData("traceparent", "tracestate")]
    [InlineData("TraceParent", "TRACESTATE")]
    public void Reads_traceparent_and_tracestate(string parentName, string stateName)
    {
        var context = Parent(W3C, Trace, Span, true, (parentName, $"00-{Trace}-{Span}-03"), (stateName, "congo=t61rcWkgMzE"));
        Assert.Equal("congo=t61rcWkgMzE", Encoding.ASCII.GetString(context.TraceState));
        Assert.Equal(TraceFlags.Sampled | TraceFlags.Random, context.RemoteParent.Flags);
    }

    [Fact]
    public void An_unsampled_parent_is_a_decision_not_to_sample() =>
        Parent(W3C, Trace, Span, false, ("traceparent", $"00-{Trace}-{Span}-00"));

    [Theory]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-00000000000000000000000000000000-" + Span + "-01", PropagationStatus.ZeroTraceId)]
    [InlineData("00-" + Trace + "-0000000000000000-01", PropagationStatus.ZeroSpanId)]
    [InlineData("00-" + Trace + "-" + Span + "-0", PropagationStatus.BadLength)]
    [InlineData("ff-" + Trace + "-" + Span + "-01", PropagationStatus.BadVersion)]
    public void Refuses_a_malformed_traceparent(string value, PropagationStatus status) =>
        Refused(W3C, status, "traceparent", ("traceparent", value), ("tracestate", "a=b"));

    [Fact]
    public void Drops_an_invalid_tracestate_but_keeps_the_parent()
    {
        var context = Parent(W3C, Trace, Span, true, ("traceparent", $"00-{Trace}-{Span}-01"), ("tracestate", "a=1,B=2"));
        Assert.True(context.TraceState.IsEmpty);
    }

    [Fact]
    public void A_tracestate_alone_is_not_w3c()
    {
        var (result, context) = Extract(W3C, ("tracestate", "a=b"));
        Assert.Equal(PropagationStatus.Empty, result.Status);
        Assert.True(context.TraceState.IsEmpty);
    }

    [Fact]
    public void Writes_traceparent_and_the_inherited_tracestate()
    {
        using var t = new TestEngine();
        var context = new TraceContext();
        context.Extract(W3C, new StringHeaderList([new("traceparent", $"00-{Trace}-{Span}-01"), new("tracestate", "rojo=00f067aa0ba902b7")]));
        var span = t.Engine.CreateTracer("w3c").StartSpan(context, "client", default);
        Assert.Equal([("traceparent", $"00-{Trace}-{span.Context.SpanId}-01"), ("tracestate", "rojo=00f067aa0ba902b7")], Inject(span, W3C));
        var root = t.Engine.CreateTracer("w3c").StartSpan(null, "root", new SpanOptions { ShouldSample = true });
        Assert.Equal([("traceparent", $"00-{root.Context.TraceId}-{root.Context.SpanId}-03")], Inject(root, W3C));
    }
}
