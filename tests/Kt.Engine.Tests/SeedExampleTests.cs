using Kt.Export;

namespace Kt.Tests;

/// <summary>Every code example of the seed (tracing-api.md), in C#, behaves as the seed says.</summary>
public class SeedExampleTests
{
    [Fact]
    public void New_tracer_with_sampling_rate()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("custom-tracer", new TracerOptions { SamplingRate = 0.1 });
        Assert.Equal(0.1, tracer.Sampler.Rate);
        Assert.Equal("custom-tracer", tracer.Name);
    }

    [Fact]
    public void Default_sampling_rate_samples_everything()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("custom-tracer");
        for (int i = 0; i < 100; i++)
        {
            var span = tracer.StartSpan(null, "s", default);
            Assert.True(span.IsRecording);
            span.Finish();
        }
        Assert.Equal(100, t.Flush().Count);
    }

    [Fact]
    public void Start_span_with_properties_and_finish()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        long start = Timing.Clock.UnixNanosecondsNow() - 1_000_000;
        var span = tracer.StartSpan(null, "my-span", new SpanOptions
        {
            StartTimeUnixNanoseconds = start,
            Kind = SpanKind.Server,
            ShouldSample = true,
        });
        span.Finish();
        var exported = t.Single("my-span");
        Assert.Equal(start, exported.StartUnixNanoseconds);
        Assert.Equal(SpanKind.Server, exported.Kind);
        Assert.True(exported.EndUnixNanoseconds >= start);
        Assert.Equal("kt", exported.Scope);
    }

    [Fact]
    public void Should_sample_true_ignores_a_zero_rate()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 0 });
        var ignored = tracer.StartSpan(null, "sampled-out", default);
        var forced = tracer.StartSpan(null, "forced", new SpanOptions { ShouldSample = true });
        Assert.False(ignored.IsRecording);
        Assert.True(forced.IsRecording);
        ignored.Finish();
        forced.Finish();
        Assert.Equal(["forced"], t.Flush().Select(s => s.Name));
    }

    [Fact]
    public void Set_and_get_the_active_span()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        var span = tracer.StartSpan(context, "my-span", default);
        Assert.Equal(KtStatus.Ok, tracer.SetActiveSpan(span, context));
        var active = tracer.ActiveSpan(context);
        Assert.Equal(span.Token, active.Token);
    }

    [Fact]
    public void Finishing_the_active_span_makes_its_parent_active()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        var parent = tracer.StartSpan(context, "parent", default);
        tracer.SetActiveSpan(parent, context);
        var child = tracer.StartSpan(context, "child", default);
        tracer.SetActiveSpan(child, context);
        Assert.Equal(child.Token, tracer.ActiveSpan(context).Token);
        child.Finish();
        Assert.Equal(parent.Token, tracer.ActiveSpan(context).Token);
        parent.Finish();
        Assert.True(tracer.ActiveSpan(context).IsNoop);
    }

    [Fact]
    public void Scope_global_active_span_as_parent_of_another_tracers_span()
    {
        using var t = new TestEngine();
        var global = t.Engine.CreateTracer("kt");
        var tracer = t.Engine.CreateTracer("custom-tracer");
        var context = new TraceContext();
        var root = global.StartSpan(context, "root", default);
        global.SetActiveSpan(root, context);

        // Each namespace keeps its own active span.
        Assert.True(tracer.ActiveSpan(context).IsNoop);
        var rootSpan = global.ActiveSpan(context);
        var span = tracer.StartSpan(context, "my-span", new SpanOptions { Parent = rootSpan });
        span.Finish();
        root.Finish();
        var spans = t.Flush();
        var exportedRoot = spans.Single(s => s.Name == "root");
        var child = spans.Single(s => s.Name == "my-span");
        Assert.Equal(exportedRoot.SpanId, child.ParentSpanId);
        Assert.Equal(exportedRoot.TraceId, child.TraceId);
        Assert.Equal("custom-tracer", child.Scope);
    }

    [Fact]
    public void Set_attribute()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "my-span", default);
        Assert.Equal(KtStatus.Ok, span.SetAttribute("key", "value"));
        span.Finish();
        Assert.Equal("value", t.Single("my-span").Attributes["key"]);
    }

    [Fact]
    public void Add_event_with_attributes()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "my-span", default);
        Assert.Equal(KtStatus.Ok, span.AddEvent("my-event", [new SpanAttribute("key", "value")]));
        span.Finish();
        var e = Assert.Single(t.Single("my-span").Events);
        Assert.Equal("my-event", e.Name);
        Assert.Equal("value", e.Attributes["key"]);
    }

    [Fact]
    public void Record_error_is_the_same_as_an_exception_event()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var a = tracer.StartSpan(null, "a", default);
        a.RecordError("my-error-message");
        a.Finish();
        var b = tracer.StartSpan(null, "b", default);
        b.AddEvent("exception", [new SpanAttribute("exception.message", "my-error-message")]);
        b.Finish();
        var spans = t.Flush();
        var ea = Assert.Single(spans.Single(s => s.Name == "a").Events);
        var eb = Assert.Single(spans.Single(s => s.Name == "b").Events);
        Assert.Equal(eb.Name, ea.Name);
        Assert.Equal(eb.Attributes, ea.Attributes);
    }

    [Theory]
    [InlineData(StatusCode.Unset)]
    [InlineData(StatusCode.Ok)]
    [InlineData(StatusCode.Error)]
    public void Set_status(StatusCode code)
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "my-span", default);
        Assert.Equal(KtStatus.Ok, span.SetStatus(code));
        span.Finish();
        Assert.Equal(code, t.Single("my-span").Status);
    }

    [Fact]
    public void Release_returns_the_slot_and_exports_nothing()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "my-span", default);
        Assert.Equal(1, t.Engine.ReadCounters().SlotsInUse);
        Assert.Equal(KtStatus.Ok, span.Release());
        Assert.Empty(t.Flush());
        var counters = t.Engine.ReadCounters();
        Assert.Equal(0, counters.SlotsInUse);
        Assert.Equal(1, counters.SpansReleased);
    }

    [Fact]
    public void Spans_are_released_when_the_request_context_ends()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        var a = tracer.StartSpan(context, "a", default);
        tracer.SetActiveSpan(a, context);
        var b = tracer.StartSpan(context, "b", default);
        var c = tracer.StartSpan(context, "c", default);
        c.Finish();
        Assert.Equal(["c"], t.Flush().Select(s => s.Name));
        Assert.Equal(2, t.Engine.ReadCounters().SlotsInUse);
        context.End();
        Assert.Equal(KtStatus.StaleHandle, a.SetAttribute("k", 1L));
        Assert.Equal(KtStatus.StaleHandle, b.Finish());
        Assert.True(tracer.ActiveSpan(context).IsNoop);
        var counters = t.Engine.ReadCounters();
        Assert.Equal(2, counters.SpansReleased);
        Assert.Equal(0, counters.SlotsInUse);
        Assert.Equal(["c"], t.Flush().Select(s => s.Name));
    }
}
