using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>gcp: Google Cloud's <c>X-Cloud-Trace-Context</c>, read and written.</summary>
public class GcpPropagationTests
{
    private const PropagationFormat Gcp = PropagationFormat.Gcp;
    private const string Trace = "105445aa7843bc8bf206b12000100000";

    [Theory]
    [InlineData(Trace + "/1;o=1", "0000000000000001", true)]
    [InlineData(Trace + "/1;o=0", "0000000000000001", false)]
    [InlineData(Trace + "/13235353014750950193", "b7ad6b7169203331", false)]
    [InlineData(Trace + "/18446744073709551615;o=1", "ffffffffffffffff", true)]
    [InlineData("105445AA7843BC8BF206B12000100000/255;o=1", "00000000000000ff", true)]
    public void Reads_trace_decimal_span_and_decision(string value, string spanId, bool sampled) =>
        Parent(Gcp, Trace, spanId, sampled, ("X-Cloud-Trace-Context", value));

    [Fact]
    public void Matches_the_name_in_any_case() =>
        Parent(Gcp, Trace, "0000000000000001", true, ("x-cloud-trace-context", Trace + "/1;o=1"));

    [Theory]
    [InlineData(Trace, PropagationStatus.Missing)]
    [InlineData(Trace + "/", PropagationStatus.Missing)]
    [InlineData("105445aa7843bc8bf206b1200010000/1;o=1", PropagationStatus.BadTraceId)]
    [InlineData("105445aa7843bc8bf206b120001000000/1;o=1", PropagationStatus.BadTraceId)]
    [InlineData("105445aa7843bc8bf206b1200010000g/1;o=1", PropagationStatus.BadTraceId)]
    [InlineData("00000000000000000000000000000000/1;o=1", PropagationStatus.ZeroTraceId)]
    [InlineData(Trace + "/18446744073709551616;o=1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "/123456789012345678901", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "/ab;o=1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "/-1;o=1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "/;o=1", PropagationStatus.BadSpanId)]
    [InlineData(Trace + "/0;o=1", PropagationStatus.ZeroSpanId)]
    [InlineData(Trace + "/1;o=2", PropagationStatus.BadSampling)]
    [InlineData(Trace + "/1;", PropagationStatus.BadSampling)]
    [InlineData(Trace + "/1;o=1;x", PropagationStatus.BadSampling)]
    [InlineData(Trace + "/1;sampled", PropagationStatus.BadSampling)]
    public void Refuses_a_malformed_header(string value, PropagationStatus status) =>
        Refused(Gcp, status, "x-cloud-trace-context", ("X-Cloud-Trace-Context", value));

    [Fact]
    public void Writes_trace_decimal_span_and_decision()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, $"00-{Trace}-b7ad6b7169203331-01");
        var spanDecimal = span.Context.SpanId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([("x-cloud-trace-context", $"{Trace}/{spanDecimal};o=1")], Inject(span, Gcp));
        var unsampled = ChildOf(t, $"00-{Trace}-b7ad6b7169203331-00");
        Assert.Equal($";o=0", Inject(unsampled, Gcp)[0].Value[^4..]);
    }
}
