using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>jaeger: <c>uber-trace-id</c>, read and written.</summary>
public class JaegerPropagationTests
{
    private const PropagationFormat Jaeger = PropagationFormat.Jaeger;
    private const string Trace = "8f2a0ff3b8d2d1d27e4f6cb5e25f0ad1";
    private const string Span = "7e4f6cb5e25f0ad1";

    [Theory]
    [InlineData(Trace + ":" + Span + ":0:1", true)]
    [InlineData(Trace + ":" + Span + ":0:01", true)]
    [InlineData(Trace + ":" + Span + ":0:03", true)]
    [InlineData(Trace + ":" + Span + ":5ba1c3e8a63f0f6d:0", false)]
    [InlineData(Trace + ":" + Span + ":0:02", false)]
    [InlineData(Trace + ":" + Span + ":0:ff", true)]
    public void Reads_ids_and_the_sampled_bit(string value, bool sampled) =>
        Parent(Jaeger, Trace, Span, sampled, ("uber-trace-id", value));

    [Theory]
    [InlineData("7e4f6cb5e25f0ad1", "00000000000000007e4f6cb5e25f0ad1")]
    [InlineData("f0ad1", "000000000000000000000000000f0ad1")]
    [InlineData("1", "00000000000000000000000000000001")]
    [InlineData("a0ff3b8d2d1d27e4f6cb5e25f0ad1", "000a0ff3b8d2d1d27e4f6cb5e25f0ad1")]
    public void Pads_short_trace_ids(string traceId, string padded) =>
        Parent(Jaeger, padded, Span, true, ("uber-trace-id", $"{traceId}:{Span}:0:1"));

    [Fact]
    public void Pads_short_span_ids() =>
        Parent(Jaeger, Trace, "00000000000abcde", true, ("Uber-Trace-Id", $"{Trace}:abcde:0:1"));

    [Theory]
    [InlineData("UBER-TRACE-ID")]
    [InlineData("Uber-Trace-Id")]
    public void Matches_the_name_in_any_case(string name) =>
        Parent(Jaeger, Trace, Span, true, (name, $"{Trace}:{Span}:0:1"));

    [Theory]
    [InlineData(Trace + ":" + Span + ":0", PropagationStatus.BadFormat)]
    [InlineData(Trace + ":" + Span + ":0:1:1", PropagationStatus.BadFormat)]
    [InlineData(Trace + "-" + Span + "-0-1", PropagationStatus.BadFormat)]
    [InlineData(Trace + "%3A" + Span + "%3A0%3A1", PropagationStatus.BadFormat)]
    [InlineData(":" + Span + ":0:1", PropagationStatus.BadTraceId)]
    [InlineData("1" + Trace + ":" + Span + ":0:1", PropagationStatus.BadTraceId)]
    [InlineData("8f2a0ff3b8d2d1d27e4f6cb5e25f0adz:" + Span + ":0:1", PropagationStatus.BadTraceId)]
    [InlineData("0:" + Span + ":0:1", PropagationStatus.ZeroTraceId)]
    [InlineData("00000000000000000000000000000000:" + Span + ":0:1", PropagationStatus.ZeroTraceId)]
    [InlineData(Trace + "::0:1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + ":17e4f6cb5e25f0ad1:0:1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + ":7e4f6cb5e25f0adx:0:1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + ":0:0:1", PropagationStatus.ZeroSpanId)]
    [InlineData(Trace + ":" + Span + "::1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + ":" + Span + ":x:1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + ":" + Span + ":0:", PropagationStatus.BadFlags)]
    [InlineData(Trace + ":" + Span + ":0:001", PropagationStatus.BadFlags)]
    [InlineData(Trace + ":" + Span + ":0:g", PropagationStatus.BadFlags)]
    public void Refuses_a_malformed_header(string value, PropagationStatus status) =>
        Refused(Jaeger, status, "uber-trace-id", ("uber-trace-id", value));

    [Fact]
    public void Writes_trace_span_parent_and_flags()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, $"00-{Trace}-5ba1c3e8a63f0f6d-01");
        Assert.Equal([("uber-trace-id", $"{Trace}:{span.Context.SpanId}:5ba1c3e8a63f0f6d:01")], Inject(span, Jaeger));
        var root = t.Engine.CreateTracer("jaeger").StartSpan(null, "root", new SpanOptions { ShouldSample = false });
        Assert.Equal([("uber-trace-id", $"{root.Context.TraceId}:{root.Context.SpanId}:0:00")], Inject(root, Jaeger));
    }

    [Fact]
    public void Writes_a_64_bit_trace_id_in_16_digits()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, $"00-00000000000000007e4f6cb5e25f0ad1-5ba1c3e8a63f0f6d-00");
        Assert.Equal([("uber-trace-id", $"7e4f6cb5e25f0ad1:{span.Context.SpanId}:5ba1c3e8a63f0f6d:00")], Inject(span, Jaeger));
    }
}
