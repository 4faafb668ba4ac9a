using System.Text;

namespace Kt.Tests;

/// <summary>Extracting into a context continues a trace; injecting writes the span's traceparent.</summary>
public class PropagationEngineTests
{
    private const string Parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void An_extracted_parent_is_continued_with_its_tracestate()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, context.Extract(Encoding.ASCII.GetBytes(Parent), "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"u8));
        var server = tracer.StartSpan(context, "server", new SpanOptions { Kind = SpanKind.Server });
        tracer.SetActiveSpan(server, context);
        var child = tracer.StartSpan(context, "child", default);
        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", Encoding.ASCII.GetString(child.TraceState));
        child.Finish();
        server.Finish();
        var spans = t.Flush();
        var s = spans.Single(x => x.Name == "server");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", s.TraceId.ToString());
        Assert.Equal("b7ad6b7169203331", s.ParentSpanId.ToString());
        Assert.True(s.ParentIsRemote);
        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", s.TraceState);
        var c = spans.Single(x => x.Name == "child");
        Assert.Equal(s.SpanId, c.ParentSpanId);
        Assert.False(c.ParentIsRemote);
        Assert.Equal(s.TraceState, c.TraceState);
    }

    [Fact]
    public void An_invalid_traceparent_is_ignored_and_a_new_trace_starts()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        Assert.NotEqual(PropagationStatus.Ok, context.Extract("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", "a=b"));
        var span = tracer.StartSpan(context, "server", default);
        span.Finish();
        var s = t.Single("server");
        Assert.NotEqual("0af7651916cd43dd8448eb211c80319c", s.TraceId.ToString());
        Assert.False(s.ParentSpanId.IsValid);
        Assert.Equal("", s.TraceState);
    }

    [Fact]
    public void An_invalid_tracestate_is_dropped_but_the_parent_kept()
    {
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, context.Extract(Parent, "a=1,b=="));
        Assert.True(context.RemoteParent.IsValid);
        Assert.True(context.TraceState.IsEmpty);
    }

    [Fact]
    public void Inject_writes_the_spans_own_traceparent()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        context.Extract(Parent);
        var client = tracer.StartSpan(context, "client", new SpanOptions { Kind = SpanKind.Client });
        Span<byte> buffer = stackalloc byte[64];
        Assert.Equal(KtStatus.Ok, client.TryFormatTraceparent(buffer, out int written));
        var header = Encoding.ASCII.GetString(buffer[..written]);
        Assert.Equal($"00-0af7651916cd43dd8448eb211c80319c-{client.Context.SpanId}-01", header);
        Assert.Equal(KtStatus.BufferTooSmall, client.TryFormatTraceparent(buffer[..54], out written));
        Assert.Equal(0, written);
        client.Finish();
        Assert.Equal(KtStatus.StaleHandle, client.TryFormatTraceparent(buffer, out _));
    }

    [Fact]
    public void Ending_the_context_forgets_the_remote_parent()
    {
        var context = new TraceContext();
        context.Extract(Parent, "a=b");
        context.End();
        Assert.False(context.RemoteParent.IsValid);
        Assert.True(context.TraceState.IsEmpty);
    }
}
