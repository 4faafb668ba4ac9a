using static Kt.Tests.RequestHeaders;

namespace Kt.Tests;

/// <summary>aws: X-Ray's <c>X-Amzn-Trace-Id</c>, read and written.</summary>
public class AwsPropagationTests
{
    private const PropagationFormat Aws = PropagationFormat.Aws;
    private const string Root = "1-5759e988-bd862e3fe1be46a994272793";
    private const string Trace = "5759e988bd862e3fe1be46a994272793";
    private const string Parent = "53995c3f42cd8ad8";

    [Theory]
    [InlineData("Root=" + Root + ";Parent=" + Parent + ";Sampled=1", true)]
    [InlineData("Sampled=0;Parent=" + Parent + ";Root=" + Root, false)]
    [InlineData("Parent=" + Parent + "; Root=" + Root + " ;Sampled=1;", true)]
    [InlineData("Root=" + Root + ";Parent=" + Parent + ";Sampled=1;Lineage=12326a9d:0;Self=1-67891233-abcdef012345678912345678", true)]
    [InlineData("Root=" + Root + ";Parent=" + Parent + ";Sampled=?", null)]
    [InlineData("Root=" + Root + ";Parent=" + Parent, null)]
    public void Reads_root_parent_and_decision_in_any_order(string value, bool? sampled) =>
        Parent(Aws, Trace, Parent, sampled, ("X-Amzn-Trace-Id", value));

    [Fact]
    public void Matches_the_name_in_any_case() =>
        Parent(Aws, Trace, Parent, true, ("x-amzn-trace-id", $"Root={Root};Parent={Parent};Sampled=1"));

    [Fact]
    public void A_root_without_a_parent_is_a_trace_to_join()
    {
        var (result, context) = Extract(Aws, ("X-Amzn-Trace-Id", $"Root={Root};Sampled=1"));
        Assert.Equal(new ExtractionResult(Aws, PropagationStatus.Ok, null), result);
        Assert.Equal(Trace, context.RemoteParent.TraceId.ToString());
        Assert.False(context.RemoteParent.SpanId.IsValid);
        Assert.False(context.RemoteParent.IsValid);
        Assert.True(context.RemoteSampled);
    }

    [Theory]
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793", PropagationStatus.BadTraceId)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279", PropagationStatus.BadTraceId)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a9942727931", PropagationStatus.BadTraceId)]
    [InlineData("Root=1-5759e98-8bd862e3fe1be46a994272793", PropagationStatus.BadTraceId)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279x", PropagationStatus.BadTraceId)]
    [InlineData("Root=1_5759e988_bd862e3fe1be46a994272793", PropagationStatus.BadTraceId)]
    [InlineData("Root=", PropagationStatus.BadTraceId)]
    [InlineData("Root=1-00000000-000000000000000000000000", PropagationStatus.ZeroTraceId)]
    [InlineData("Root=" + Root + ";Parent=53995c3f42cd8ad", PropagationStatus.BadSpanId)]
    [InlineData("Root=" + Root + ";Parent=53995c3f42cd8adz", PropagationStatus.BadSpanId)]
    [InlineData("Root=" + Root + ";Parent=0000000000000000", PropagationStatus.ZeroSpanId)]
    [InlineData("Root=" + Root + ";Sampled=2", PropagationStatus.BadSampling)]
    [InlineData("Root=" + Root + ";Sampled=", PropagationStatus.BadSampling)]
    [InlineData("Root=" + Root + ";Sampled=true", PropagationStatus.BadSampling)]
    [InlineData("Root=" + Root + ";Root=" + Root, PropagationStatus.BadFormat)]
    [InlineData("Root=" + Root + ";Parent=" + Parent + ";Parent=" + Parent, PropagationStatus.BadFormat)]
    [InlineData("Root=" + Root + ";Sampled=1;Sampled=1", PropagationStatus.BadFormat)]
    [InlineData("Root=" + Root + ";garbage", PropagationStatus.BadFormat)]
    [InlineData("Parent=" + Parent + ";Sampled=1", PropagationStatus.Missing)]
    [InlineData("root=" + Root + ";Parent=" + Parent, PropagationStatus.Missing)]
    [InlineData("Self=1-67891233-abcdef012345678912345678", PropagationStatus.Missing)]
    public void Refuses_a_malformed_header(string value, PropagationStatus status) =>
        Refused(Aws, status, "x-amzn-trace-id", ("X-Amzn-Trace-Id", value));

    [Fact]
    public void Writes_root_parent_and_decision()
    {
        using var t = new TestEngine();
        var span = ChildOf(t, $"00-{Trace}-b7ad6b7169203331-01");
        Assert.Equal([("x-amzn-trace-id", $"Root={Root};Parent={span.Context.SpanId};Sampled=1")], Inject(span, Aws));
        var unsampled = ChildOf(t, $"00-{Trace}-b7ad6b7169203331-00");
        Assert.Equal([("x-amzn-trace-id", $"Root={Root};Parent={unsampled.Context.SpanId};Sampled=0")], Inject(unsampled, Aws));
    }
}
