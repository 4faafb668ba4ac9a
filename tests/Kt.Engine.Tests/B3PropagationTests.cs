using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>b3: Zipkin's multi-header format, read and written.</summary>
public class B3PropagationTests
{
    private const PropagationFormat B3 = PropagationFormat.B3;
    private const string Trace = "463ac35c9f6413ad48485a3953bb6124";
    private const string Span = "a2fb4a1d1a96d312";

    [Fact]
    public void Reads_a_128_bit_trace_with_its_decision()
    {
        Parent(B3, Trace, Span, true, ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), ("X-B3-ParentSpanId", "0020000000000001"), ("X-B3-Sampled", "1"));
        Parent(B3, Trace, Span, false, ("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-sampled", "0"));
    }

    [Fact]
    public void Pads_a_64_bit_trace_id_to_128_bits() =>
        Parent(B3, "0000000000000000" + "48485a3953bb6124", Span, true, ("X-B3-TraceId", "48485a3953bb6124"), ("X-B3-SpanId", Span), ("X-B3-Sampled", "1"));

    [Theory]
    [InlineData("X-B3-TRACEID", "x-B3-spanID", "X-b3-SAMPLED")]
    [InlineData("x-b3-traceid", "x-b3-spanid", "x-b3-sampled")]
    public void Matches_names_in_any_case(string trace, string span, string sampled) =>
        Parent(B3, Trace, Span, true, (trace, Trace), (span, Span), (sampled, "1"));

    [Fact]
    public void Accepts_upper_case_hex_and_surrounding_whitespace() =>
        Parent(B3, Trace, Span, true, ("X-B3-TraceId", " " + Trace.ToUpperInvariant() + "\t"), ("X-B3-SpanId", Span.ToUpperInvariant()), ("X-B3-Sampled", " 1 "));

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    public void Accepts_the_older_true_and_false(string value, bool sampled) =>
        Parent(B3, Trace, Span, sampled, ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), ("X-B3-Sampled", value));

    [Fact]
    public void Without_a_decision_leaves_it_to_this_service() =>
        Parent(B3, Trace, Span, null, ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span));

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public void The_debug_flag_means_sampled(string? sampled)
    {
        var headers = new List<(string, string)> { ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), ("X-B3-Flags", "1") };
        if (sampled is not null)
            headers.Add(("X-B3-Sampled", sampled));
        Parent(B3, Trace, Span, true, [.. headers]);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public void A_decision_alone_gives_no_parent(string value, bool sampled) =>
        SamplingOnly(B3, sampled, ("X-B3-Sampled", value));

    [Fact]
    public void Debug_alone_gives_a_sampled_root() => SamplingOnly(B3, true, ("X-B3-Flags", "1"));

    [Fact]
    public void Absent_or_blank_headers_are_not_b3()
    {
        var (result, context) = Extract(B3, ("traceparent", "00-" + Trace + "-" + Span + "-01"), ("X-B3-TraceId", "  "), ("b3", "1"));
        Assert.Equal(new ExtractionResult(PropagationFormat.None, PropagationStatus.Empty, null), result);
        Assert.Equal(default, context.RemoteParent);
    }

    [Theory]
    [InlineData("463ac35c9f6413ad48485a3953bb612", PropagationStatus.BadTraceId)]
    [InlineData("463ac35c9f6413ad48485a3953bb61245", PropagationStatus.BadTraceId)]
    [InlineData("48485a3953bb612", PropagationStatus.BadTraceId)]
    [InlineData("48485a3953bb61240", PropagationStatus.BadTraceId)]
    [InlineData("463ac35c9f6413ad48485a3953bb612g", PropagationStatus.BadTraceId)]
    [InlineData("463ac35c-f6413ad48485a3953bb6124", PropagationStatus.BadTraceId)]
    [InlineData("+8485a3953bb6124", PropagationStatus.BadTraceId)]
    [InlineData("48485a3953bb612é", PropagationStatus.BadTraceId)]
    [InlineData("00000000000000000000000000000000", PropagationStatus.ZeroTraceId)]
    [InlineData("0000000000000000", PropagationStatus.ZeroTraceId)]
    public void Refuses_a_bad_trace_id(string traceId, PropagationStatus status) =>
        Refused(B3, status, "x-b3-traceid", ("X-B3-TraceId", traceId), ("X-B3-SpanId", Span), ("X-B3-Sampled", "1"));

    [Theory]
    [InlineData("a2fb4a1d1a96d31", PropagationStatus.BadSpanId)]
    [InlineData("a2fb4a1d1a96d3120", PropagationStatus.BadSpanId)]
    [InlineData("a2fb4a1d1a96d31x", PropagationStatus.BadSpanId)]
    [InlineData("0000000000000000", PropagationStatus.ZeroSpanId)]
    public void Refuses_a_bad_span_id(string spanId, PropagationStatus status) =>
        Refused(B3, status, "x-b3-spanid", ("X-B3-TraceId", Trace), ("X-B3-SpanId", spanId));

    [Theory]
    [InlineData("002000000000001", PropagationStatus.BadSpanId)]
    [InlineData("002000000000000z", PropagationStatus.BadSpanId)]
    [InlineData("0000000000000000", PropagationStatus.ZeroSpanId)]
    public void Refuses_a_bad_parent_span_id(string parentId, PropagationStatus status) =>
        Refused(B3, status, "x-b3-parentspanid", ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), ("X-B3-ParentSpanId", parentId));

    [Theory]
    [InlineData("x-b3-sampled", "2")]
    [InlineData("x-b3-sampled", "yes")]
    [InlineData("x-b3-sampled", "d")]
    [InlineData("x-b3-flags", "2")]
    [InlineData("x-b3-flags", "true")]
    public void Refuses_a_bad_decision(string header, string value) =>
        Refused(B3, PropagationStatus.BadSampling, header, ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), (header, value));

    [Fact]
    public void Refuses_an_id_without_the_other()
    {
        Refused(B3, PropagationStatus.Missing, "x-b3-spanid", ("X-B3-TraceId", Trace), ("X-B3-Sampled", "1"));
        Refused(B3, PropagationStatus.Missing, "x-b3-traceid", ("X-B3-SpanId", Span));
        Refused(B3, PropagationStatus.Missing, "x-b3-traceid", ("X-B3-ParentSpanId", Span), ("X-B3-Sampled", "1"));
    }

    [Fact]
    public void The_first_of_a_repeated_header_counts() =>
        Parent(B3, Trace, Span, true, ("X-B3-TraceId", Trace), ("X-B3-TraceId", "ffffffffffffffff"), ("X-B3-SpanId", Span), ("X-B3-Sampled", "1"));

    [Fact]
    public void Writes_the_span_its_parent_and_its_decision()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, $"00-{Trace}-b7ad6b7169203331-01");
        var headers = Inject(span, B3);
        Assert.Equal(
            [("x-b3-traceid", Trace), ("x-b3-spanid", span.Context.SpanId.ToString()), ("x-b3-parentspanid", "b7ad6b7169203331"), ("x-b3-sampled", "1")],
            headers);
    }

    [Fact]
    public void Writes_a_64_bit_trace_id_in_16_digits_and_a_root_without_a_parent()
    {
        using var t = new TestEngine();
        var context = new TraceContext();
        Parent(B3, "000000000000000048485a3953bb6124", Span, false, ("X-B3-TraceId", "48485a3953bb6124"), ("X-B3-SpanId", Span), ("X-B3-Sampled", "0"));
        context.Extract(B3, new StringHeaderList([new("X-B3-TraceId", "48485a3953bb6124"), new("X-B3-SpanId", Span), new("X-B3-Sampled", "0")]));
        var span = t.Engine.CreateTracer("b3").StartSpan(context, "client", default);
        Assert.Equal([("x-b3-traceid", "48485a3953bb6124"), ("x-b3-spanid", span.Context.SpanId.ToString()), ("x-b3-parentspanid", Span), ("x-b3-sampled", "0")], Inject(span, B3));

        var root = t.Engine.CreateTracer("b3").StartSpan(null, "root", new SpanOptions { ShouldSample = true });
        var rootHeaders = Inject(root, B3);
        Assert.Equal(["x-b3-traceid", "x-b3-spanid", "x-b3-sampled"], rootHeaders.Select(h => h.Name));
        Assert.Equal(root.Context.TraceId.ToString(), rootHeaders[0].Value);
    }
}
