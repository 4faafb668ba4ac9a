using System.Text;

namespace Kt.Tests;

/// <summary>
/// Spans started in a context that extracted headers of any format continue the caller's trace
/// exactly as after a W3C extraction: the first becomes the remote parent's child, its children
/// follow it, and the caller's decision is honoured (or, left open, the sampler's taken).
/// </summary>
public class PropagationContinuationTests
{
    private const string Trace = "463ac35c9f6413ad48485a3953bb6124";
    private const string Span = "a2fb4a1d1a96d312";

    public static TheoryData<PropagationFormat, string[]> SampledParents => new()
    {
        { PropagationFormat.W3C, ["traceparent", $"00-{Trace}-{Span}-01"] },
        { PropagationFormat.B3, ["X-B3-TraceId", Trace, "X-B3-SpanId", Span, "X-B3-Sampled", "1"] },
        { PropagationFormat.B3Single, ["b3", $"{Trace}-{Span}-1"] },
        { PropagationFormat.Jaeger, ["uber-trace-id", $"{Trace}:{Span}:0:1"] },
        { PropagationFormat.OT, ["ot-tracer-traceid", Trace, "ot-tracer-spanid", Span, "ot-tracer-sampled", "true"] },
        { PropagationFormat.Datadog, ["x-datadog-trace-id", "5208512171318403364", "x-datadog-parent-id", "11744061942159299346", "x-datadog-sampling-priority", "1", "x-datadog-tags", "_dd.p.tid=463ac35c9f6413ad"] },
        { PropagationFormat.Aws, ["X-Amzn-Trace-Id", $"Root=1-463ac35c-9f6413ad48485a3953bb6124;Parent={Span};Sampled=1"] },
        { PropagationFormat.Gcp, ["X-Cloud-Trace-Context", $"{Trace}/11744061942159299346;o=1"] },
    };

    private static StringHeaderList Headers(string[] flat) =>
        new(Enumerable.Range(0, flat.Length / 2).Select(i => new KeyValuePair<string, string>(flat[2 * i], flat[(2 * i) + 1])).ToArray());

    [Theory]
    [MemberData(nameof(SampledParents))]
    public void The_first_span_is_the_remote_parents_child_and_its_children_follow(PropagationFormat format, string[] headers)
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 0 });
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, context.Extract(format, Headers(headers)).Status);
        var server = tracer.StartSpan(context, "server", new SpanOptions { Kind = SpanKind.Server });
        tracer.SetActiveSpan(server, context);
        var child = tracer.StartSpan(context, "child", default);
        Assert.True(server.IsRecording, "the caller's decision to sample overrides a sampler that keeps nothing");
        child.Finish();
        server.Finish();
        var spans = t.Flush();
        var s = spans.Single(x => x.Name == "server");
        Assert.Equal(Trace, s.TraceId.ToString());
        Assert.Equal(Span, s.ParentSpanId.ToString());
        Assert.True(s.ParentIsRemote);
        Assert.Equal(TraceFlags.Sampled, s.Flags & TraceFlags.Sampled);
        var c = spans.Single(x => x.Name == "child");
        Assert.Equal(s.TraceId, c.TraceId);
        Assert.Equal(s.SpanId, c.ParentSpanId);
        Assert.False(c.ParentIsRemote);
    }

    [Theory]
    [InlineData(PropagationFormat.B3, "X-B3-Sampled", "0")]
    [InlineData(PropagationFormat.OT, "ot-tracer-sampled", "false")]
    [InlineData(PropagationFormat.Datadog, "x-datadog-sampling-priority", "-1")]
    public void A_decision_not_to_sample_is_honoured(PropagationFormat format, string header, string value)
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 1 });
        var context = new TraceContext();
        var headers = format switch
        {
            PropagationFormat.B3 => new[] { "X-B3-TraceId", Trace, "X-B3-SpanId", Span },
            PropagationFormat.OT => ["ot-tracer-traceid", Trace, "ot-tracer-spanid", Span],
            _ => ["x-datadog-trace-id", "1", "x-datadog-parent-id", "2"],
        };
        Assert.Equal(PropagationStatus.Ok, context.Extract(format, Headers([.. headers, header, value])).Status);
        var span = tracer.StartSpan(context, "server", default);
        Assert.False(span.IsRecording);
        Assert.False(span.Context.IsSampled);
        Assert.True(span.Context.TraceId.IsValid);
        span.Finish();
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(1.0, true)]
    public void A_decision_left_open_is_the_samplers(double rate, bool sampled)
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = rate });
        var context = new TraceContext();
        context.Extract(PropagationFormat.B3, Headers(["X-B3-TraceId", Trace, "X-B3-SpanId", Span]));
        var server = tracer.StartSpan(context, "server", default);
        Assert.Equal(sampled, server.IsRecording);
        Assert.Equal(Trace, server.Context.TraceId.ToString());
        tracer.SetActiveSpan(server, context);
        var child = tracer.StartSpan(context, "child", default);
        Assert.Equal(sampled, child.IsRecording);
        child.Finish();
        server.Finish();
    }

    [Theory]
    [InlineData("0", 1.0, false)]
    [InlineData("1", 0.0, true)]
    [InlineData("d", 0.0, true)]
    public void A_decision_without_ids_starts_a_new_trace_that_follows_it(string b3, double rate, bool sampled)
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = rate });
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, context.Extract(PropagationFormat.B3Single, Headers(["b3", b3])).Status);
        var root = tracer.StartSpan(context, "server", default);
        Assert.Equal(sampled, root.IsRecording);
        Assert.True(root.Context.TraceId.IsValid);
        root.Finish();
        if (sampled)
        {
            var s = t.Single("server");
            Assert.False(s.ParentSpanId.IsValid);
            Assert.False(s.ParentIsRemote);
        }
    }

    [Fact]
    public void A_trace_without_a_span_is_joined_by_a_root()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 0 });
        var context = new TraceContext();
        var headers = Headers([
            "X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
            "traceparent", "00-5759e988bd862e3fe1be46a994272793-b7ad6b7169203331-01", "tracestate", "rojo=00f067aa0ba902b7",
        ]);
        Assert.Equal(PropagationStatus.Ok, context.Extract(PropagationFormat.Aws, headers).Status);
        var root = tracer.StartSpan(context, "server", default);
        Assert.True(root.IsRecording);
        root.Finish();
        var s = t.Single("server");
        Assert.Equal("5759e988bd862e3fe1be46a994272793", s.TraceId.ToString());
        Assert.False(s.ParentSpanId.IsValid);
        Assert.False(s.ParentIsRemote);
        Assert.Equal("rojo=00f067aa0ba902b7", s.TraceState);
    }

    [Fact]
    public void A_malformed_header_starts_a_new_trace()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.BadSpanId, context.Extract(PropagationFormat.B3, Headers(["X-B3-TraceId", Trace, "X-B3-SpanId", "xyz"])).Status);
        var root = tracer.StartSpan(context, "server", default);
        root.Finish();
        var s = t.Single("server");
        Assert.NotEqual(Trace, s.TraceId.ToString());
        Assert.False(s.ParentSpanId.IsValid);
    }

    [Fact]
    public void A_tracestate_kept_beside_another_format_travels_with_the_spans()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        context.Extract([PropagationFormat.B3, PropagationFormat.W3C],
            Headers(["traceparent", $"00-{Trace}-{Span}-01", "tracestate", "rojo=00f067aa0ba902b7", "X-B3-TraceId", Trace, "X-B3-SpanId", Span, "X-B3-Sampled", "1"]));
        var span = tracer.StartSpan(context, "client", default);
        Assert.Equal("rojo=00f067aa0ba902b7", Encoding.ASCII.GetString(span.TraceState));
        span.Finish();
        Assert.Equal("rojo=00f067aa0ba902b7", t.Single("client").TraceState);
    }

    [Fact]
    public void Ending_the_context_forgets_the_decision()
    {
        var context = new TraceContext();
        context.Extract(PropagationFormat.B3Single, Headers(["b3", "0"]));
        Assert.False(context.RemoteSampled);
        context.End();
        Assert.Null(context.RemoteSampled);
    }
}
