using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>b3-single: Zipkin's one <c>b3</c> header, read and written.</summary>
public class B3SinglePropagationTests
{
    private const PropagationFormat Single = PropagationFormat.B3Single;
    private const string Trace = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string Span = "e457b5a2e4d86bd1";
    private const string ParentId = "05e3ac9a4f6e3b90";

    [Theory]
    [InlineData(Trace + "-" + Span + "-1-" + ParentId, true)]
    [InlineData(Trace + "-" + Span + "-1", true)]
    [InlineData(Trace + "-" + Span + "-d", true)]
    [InlineData(Trace + "-" + Span + "-d-" + ParentId, true)]
    [InlineData(Trace + "-" + Span + "-0", false)]
    [InlineData(Trace + "-" + Span, null)]
    public void Reads_ids_and_the_decision(string value, bool? sampled) =>
        Parent(Single, Trace, Span, sampled, ("b3", value));

    [Theory]
    [InlineData("B3")]
    [InlineData("b3")]
    public void Matches_the_name_in_any_case(string name) =>
        Parent(Single, Trace, Span, true, (name, $"{Trace}-{Span}-1"));

    [Fact]
    public void Pads_a_64_bit_trace_id() =>
        Parent(Single, "000000000000000064fe8b2a57d3eff7", Span, true, ("b3", $"64fe8b2a57d3eff7-{Span}-1"));

    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("d", true)]
    [InlineData(" 0 ", false)]
    public void A_decision_alone_gives_no_parent(string value, bool sampled) =>
        SamplingOnly(Single, sampled, ("b3", value));

    [Theory]
    [InlineData("2", PropagationStatus.BadSampling)]
    [InlineData("true", PropagationStatus.BadSampling)]
    [InlineData("D", PropagationStatus.BadSampling)]
    [InlineData(Trace + "-" + Span + "-2", PropagationStatus.BadSampling)]
    [InlineData(Trace + "-" + Span + "-", PropagationStatus.BadSampling)]
    [InlineData(Trace + "-" + Span + "-" + ParentId, PropagationStatus.BadSampling)]
    [InlineData(Trace + "-" + Span + "-1-" + ParentId + "-x", PropagationStatus.BadFormat)]
    [InlineData("-" + Span + "-1", PropagationStatus.BadFormat)]
    [InlineData(Trace + "-", PropagationStatus.Missing)]
    [InlineData(Trace + "--1", PropagationStatus.Missing)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff-" + Span, PropagationStatus.BadTraceId)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7a-" + Span, PropagationStatus.BadTraceId)]
    [InlineData("80f198ee56343ba864fe8b2a57d3efzz-" + Span, PropagationStatus.BadTraceId)]
    [InlineData("00000000000000000000000000000000-" + Span, PropagationStatus.ZeroTraceId)]
    [InlineData(Trace + "-e457b5a2e4d86bd", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "-e457b5a2e4d86bdx-1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "-0000000000000000-1", PropagationStatus.ZeroSpanId)]
    [InlineData(Trace + "-" + Span + "-1-05e3ac9a4f6e3b9", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "-" + Span + "-1-0000000000000000", PropagationStatus.ZeroSpanId)]
    public void Refuses_a_malformed_header(string value, PropagationStatus status) =>
        Refused(Single, status, "b3", ("b3", value));

    [Fact]
    public void Writes_trace_span_decision_and_parent()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, $"00-{Trace}-{ParentId}-01");
        Assert.Equal([("b3", $"{Trace}-{span.Context.SpanId}-1-{ParentId}")], Inject(span, Single));
        var root = t.Engine.CreateTracer("b3").StartSpan(null, "root", new SpanOptions { ShouldSample = false });
        Assert.Equal([("b3", $"{root.Context.TraceId}-{root.Context.SpanId}-0")], Inject(root, Single));
    }
}
