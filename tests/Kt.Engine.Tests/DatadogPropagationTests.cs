using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>datadog: decimal ids, the sampling priority, and the high trace-id bits in <c>x-datadog-tags</c>.</summary>
public class DatadogPropagationTests
{
    private const PropagationFormat Datadog = PropagationFormat.Datadog;

    // 1234567890123456789 = 0x112210f47de98115, 9876543210987654321 = 0x891087b8e3b70cb1.
    private const string TraceDecimal = "1234567890123456789";
    private const string ParentDecimal = "9876543210987654321";
    private const string Trace64 = "0000000000000000112210f47de98115";
    private const string Parent = "891087b8e3b70cb1";

    [Theory]
    [InlineData("1", true)]
    [InlineData("2", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    public void Reads_decimal_ids_and_the_priority(string priority, bool sampled) =>
        Parent(Datadog, Trace64, Parent, sampled,
            ("x-datadog-trace-id", TraceDecimal), ("x-datadog-parent-id", ParentDecimal), ("x-datadog-sampling-priority", priority));

    [Fact]
    public void Without_a_priority_leaves_the_decision_to_this_service() =>
        Parent(Datadog, Trace64, Parent, null, ("X-Datadog-Trace-Id", TraceDecimal), ("X-DATADOG-PARENT-ID", ParentDecimal));

    [Theory]
    [InlineData("18446744073709551615", "0000000000000000ffffffffffffffff")]
    [InlineData("1", "00000000000000000000000000000001")]
    [InlineData("00000000000000000001", "00000000000000000000000000000001")]
    public void Reads_the_whole_unsigned_range(string traceId, string expected) =>
        Parent(Datadog, expected, Parent, true, ("x-datadog-trace-id", traceId), ("x-datadog-parent-id", ParentDecimal), ("x-datadog-sampling-priority", "1"));

    [Theory]
    [InlineData("_dd.p.tid=640cfd8d00000000")]
    [InlineData("_dd.p.dm=-4,_dd.p.tid=640cfd8d00000000")]
    [InlineData(" _dd.p.dm=-4 , _dd.p.tid=640CFD8D00000000 ")]
    public void Takes_the_high_bits_from_the_tags(string tags) =>
        Parent(Datadog, "640cfd8d00000000112210f47de98115", Parent, true,
            ("x-datadog-trace-id", TraceDecimal), ("x-datadog-parent-id", ParentDecimal), ("x-datadog-sampling-priority", "1"), ("x-datadog-tags", tags));

    [Theory]
    [InlineData("_dd.p.tid=640cfd8d0000000")]
    [InlineData("_dd.p.tid=640cfd8d000000000")]
    [InlineData("_dd.p.tid=640cfd8d0000000x")]
    [InlineData("_dd.p.tid")]
    [InlineData("_dd.p.dm=-4")]
    public void Ignores_a_malformed_or_absent_high_half(string tags) =>
        Parent(Datadog, Trace64, Parent, true,
            ("x-datadog-trace-id", TraceDecimal), ("x-datadog-parent-id", ParentDecimal), ("x-datadog-sampling-priority", "1"), ("x-datadog-tags", tags));

    [Fact]
    public void A_priority_alone_gives_no_parent() => SamplingOnly(Datadog, true, ("x-datadog-sampling-priority", "2"));

    [Theory]
    [InlineData("x-datadog-trace-id", "18446744073709551616", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "99999999999999999999", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "123456789012345678901", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "-1", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "+1", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "12a", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "1 2", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "0x10", PropagationStatus.BadTraceId)]
    [InlineData("x-datadog-trace-id", "0", PropagationStatus.ZeroTraceId)]
    [InlineData("x-datadog-trace-id", "000", PropagationStatus.ZeroTraceId)]
    [InlineData("x-datadog-parent-id", "18446744073709551616", PropagationStatus.BadSpanId)]
    [InlineData("x-datadog-parent-id", "abc", PropagationStatus.BadSpanId)]
    [InlineData("x-datadog-parent-id", "0", PropagationStatus.ZeroSpanId)]
    [InlineData("x-datadog-sampling-priority", "one", PropagationStatus.BadSampling)]
    [InlineData("x-datadog-sampling-priority", "-", PropagationStatus.BadSampling)]
    [InlineData("x-datadog-sampling-priority", "1.5", PropagationStatus.BadSampling)]
    public void Refuses_a_malformed_header(string header, string value, PropagationStatus status)
    {
        var headers = new Dictionary<string, string>
        {
            ["x-datadog-trace-id"] = TraceDecimal,
            ["x-datadog-parent-id"] = ParentDecimal,
            ["x-datadog-sampling-priority"] = "1",
        };
        headers[header] = value;
        Refused(Datadog, status, header, [.. headers.Select(h => (h.Key, h.Value))]);
    }

    [Fact]
    public void Refuses_an_id_without_the_other()
    {
        Refused(Datadog, PropagationStatus.Missing, "x-datadog-parent-id", ("x-datadog-trace-id", TraceDecimal), ("x-datadog-sampling-priority", "1"));
        Refused(Datadog, PropagationStatus.Missing, "x-datadog-trace-id", ("x-datadog-parent-id", ParentDecimal));
    }

    [Fact]
    public void Tags_alone_are_not_datadog()
    {
        var (result, _) = Extract(Datadog, ("x-datadog-tags", "_dd.p.tid=640cfd8d00000000"));
        Assert.Equal(PropagationStatus.Empty, result.Status);
    }

    [Fact]
    public void Writes_the_low_64_bits_in_decimal_and_the_high_half_as_a_tag()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var spanDecimal = span.Context.SpanId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [("x-datadog-trace-id", "9532127138774266268"), ("x-datadog-parent-id", spanDecimal), ("x-datadog-sampling-priority", "1"), ("x-datadog-tags", "_dd.p.tid=0af7651916cd43dd")],
            Inject(span, Datadog));
    }

    [Fact]
    public void Writes_no_tag_for_a_64_bit_trace()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, "00-0000000000000000ffffffffffffffff-b7ad6b7169203331-00");
        var headers = Inject(span, Datadog);
        Assert.Equal(3, headers.Length);
        Assert.Equal(("x-datadog-trace-id", "18446744073709551615"), headers[0]);
        Assert.Equal(("x-datadog-sampling-priority", "0"), headers[2]);
    }
}
