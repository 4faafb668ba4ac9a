namespace Kt.Tests;

/// <summary>The ambient context flows with async code; explicit contexts are reusable.</summary>
public class ContextTests
{
    [Fact]
    public async Task The_ambient_context_flows_into_awaited_code()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        TraceContext.Current = null;
        var request = TraceContext.Begin();
        var root = tracer.StartSpan("request");
        tracer.SetActiveSpan(root);
        long rootToken = root.Token;

        await Task.Yield();
        await Task.Run(async () =>
        {
            Assert.Same(request, TraceContext.Current);
            await Task.Delay(1);
            var child = tracer.StartSpan("db.query");
            child.Finish();
        });
        Assert.Equal(rootToken, tracer.ActiveSpan().Token);
        SpanHandle.FromToken(t.Engine, rootToken).Finish();
        var spans = t.Flush();
        Assert.Equal(spans.Single(s => s.Name == "request").SpanId, spans.Single(s => s.Name == "db.query").ParentSpanId);
        TraceContext.Current = null;
    }

    [Fact]
    public async Task Separate_flows_have_separate_contexts()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        async Task<(SpanId Root, SpanId ChildParent)> Request(string name)
        {
            await Task.Yield();
            TraceContext.Begin();
            var root = tracer.StartSpan(name);
            tracer.SetActiveSpan(root);
            var rootId = root.Context.SpanId;
            long rootToken = root.Token;
            await Task.Delay(5);
            var child = tracer.StartSpan(name + ".child");
            var parentSeen = tracer.ActiveSpan().Context.SpanId;
            child.Finish();
            SpanHandle.FromToken(t.Engine, rootToken).Finish();
            return (rootId, parentSeen);
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Request("r" + i)));
        Assert.All(results, r => Assert.Equal(r.Root, r.ChildParent));
        var spans = t.Flush();
        Assert.All(spans.Where(s => s.Name.EndsWith(".child")), c =>
            Assert.Equal(c.Name[..^".child".Length], spans.Single(s => s.SpanId == c.ParentSpanId).Name));
    }

    [Fact]
    public void A_context_is_reusable_after_end()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 4 });
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        for (int i = 0; i < 100; i++)
        {
            var a = tracer.StartSpan(context, "a", default);
            tracer.SetActiveSpan(a, context);
            tracer.StartSpan(context, "b", default);
            context.End();
        }
        Assert.Equal(0, t.Engine.ReadCounters().SlotsInUse);
        Assert.Equal(200, t.Engine.ReadCounters().SpansReleased);
    }

    [Fact]
    public void Setting_a_stale_or_foreign_span_active_is_refused()
    {
        using var t = new TestEngine();
        using var other = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        var span = tracer.StartSpan(context, "s", default);
        span.Finish();
        Assert.Equal(KtStatus.StaleHandle, tracer.SetActiveSpan(span, context));
        var foreign = other.Engine.CreateTracer("kt").StartSpan(null, "f", default);
        Assert.Equal(KtStatus.InvalidHandle, tracer.SetActiveSpan(foreign, context));
        Assert.Equal(KtStatus.Ok, tracer.SetActiveSpan(default, context));
        Assert.True(tracer.ActiveSpan(context).IsNoop);
        foreign.Finish();
    }

    [Fact]
    public void A_context_in_use_by_one_engine_is_refused_by_another_without_taking_a_slot()
    {
        using var a = new TestEngine();
        using var b = new TestEngine();
        var context = new TraceContext();
        var held = a.Engine.CreateTracer("kt").StartSpan(context, "a", default);
        var other = b.Engine.CreateTracer("kt");
        Assert.Throws<InvalidOperationException>(() => { other.StartSpan(context, "b", default); });
        Assert.Equal(0, b.Engine.ReadCounters().SlotsInUse);
        Assert.Equal(0, b.Engine.ReadCounters().SpansStarted);
        context.End();
        Assert.False(held.IsAlive);
        Assert.True(other.StartSpan(context, "b", default).IsRecording);
        context.End();
        Assert.Equal(0, b.Engine.ReadCounters().SlotsInUse);
    }

    [Fact]
    public void A_span_started_outside_a_context_is_adopted_when_made_active()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        var span = tracer.StartSpan(null, "loose", default);
        tracer.SetActiveSpan(span, context);
        context.End();
        Assert.Equal(KtStatus.StaleHandle, span.Finish());
        Assert.Equal(1, t.Engine.ReadCounters().SpansReleased);
    }

    [Fact]
    public void An_active_span_that_finished_is_not_returned()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        var parent = tracer.StartSpan(context, "parent", default);
        var child = tracer.StartSpan(context, "child", new SpanOptions { Parent = parent });
        tracer.SetActiveSpan(child, context);
        parent.Finish();
        child.Finish();
        // The child's parent had already finished, so nothing is active.
        Assert.True(tracer.ActiveSpan(context).IsNoop);
    }
}
