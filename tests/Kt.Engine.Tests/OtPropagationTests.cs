using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>ot: OpenTracing's <c>ot-tracer-*</c> headers, read and written.</summary>
public class OtPropagationTests
{
    private const PropagationFormat OT = PropagationFormat.OT;
    private const string Trace = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string Span = "e457b5a2e4d86bd1";

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void Reads_ids_and_the_decision(string value, bool sampled) =>
        Parent(OT, Trace, Span, sampled, ("ot-tracer-traceid", Trace), ("ot-tracer-spanid", Span), ("ot-tracer-sampled", value));

    [Fact]
    public void Pads_a_64_bit_trace_id_and_matches_names_in_any_case() =>
        Parent(OT, "000000000000000064fe8b2a57d3eff7", Span, null, ("OT-Tracer-TraceId", "64fe8b2a57d3eff7"), ("Ot-Tracer-Spanid", Span));

    [Fact]
    public void A_decision_alone_gives_no_parent() => SamplingOnly(OT, false, ("ot-tracer-sampled", "false"));

    [Theory]
    [InlineData("ot-tracer-traceid", "64fe8b2a57d3eff", PropagationStatus.BadTraceId)]
    [InlineData("ot-tracer-traceid", "80f198ee56343ba864fe8b2a57d3eff", PropagationStatus.BadTraceId)]
    [InlineData("ot-tracer-traceid", "64fe8b2a57d3effq", PropagationStatus.BadTraceId)]
    [InlineData("ot-tracer-traceid", "0000000000000000", PropagationStatus.ZeroTraceId)]
    [InlineData("ot-tracer-spanid", "e457b5a2e4d86bd", PropagationStatus.BadSpanId)]
    [InlineData("ot-tracer-spanid", "e457b5a2e4d86bd1e", PropagationStatus.BadSpanId)]
    [InlineData("ot-tracer-spanid", "0000000000000000", PropagationStatus.ZeroSpanId)]
    [InlineData("ot-tracer-sampled", "yes", PropagationStatus.BadSampling)]
    [InlineData("ot-tracer-sampled", "2", PropagationStatus.BadSampling)]
    public void Refuses_a_malformed_header(string header, string value, PropagationStatus status)
    {
        var headers = new Dictionary<string, string> { ["ot-tracer-traceid"] = Trace, ["ot-tracer-spanid"] = Span, ["ot-tracer-sampled"] = "true" };
        headers[header] = value;
        Refused(OT, status, header, [.. headers.Select(h => (h.Key, h.Value))]);
    }

    [Fact]
    public void Refuses_an_id_without_the_other()
    {
        Refused(OT, PropagationStatus.Missing, "ot-tracer-spanid", ("ot-tracer-traceid", Trace));
        Refused(OT, PropagationStatus.Missing, "ot-tracer-traceid", ("ot-tracer-spanid", Span), ("ot-tracer-sampled", "1"));
    }

    [Fact]
    public void Writes_trace_span_and_decision()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, $"00-{Trace}-b7ad6b7169203331-01");
        Assert.Equal([("ot-tracer-traceid", Trace), ("ot-tracer-spanid", span.Context.SpanId.ToString()), ("ot-tracer-sampled", "true")], Inject(span, OT));
        var short64 = ChildOf(t, "00-000000000000000064fe8b2a57d3eff7-b7ad6b7169203331-00");
        Assert.Equal([("ot-tracer-traceid", "64fe8b2a57d3eff7"), ("ot-tracer-spanid", short64.Context.SpanId.ToString()), ("ot-tracer-sampled", "false")], Inject(short64, OT));
    }
}
