namespace Kt.Tests;

/// <summary>Full means drop, not wait: a no-op span and a counter.</summary>
public class CapacityTests
{
    [Fact]
    public void When_every_slot_is_taken_new_spans_are_noops_and_counted()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 100 });
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        for (int i = 0; i < 100; i++)
            Assert.True(tracer.StartSpan(context, "held", default).IsRecording);
        for (int i = 0; i < 7; i++)
        {
            var dropped = tracer.StartSpan(context, "dropped", default);
            Assert.True(dropped.IsNoop);
            Assert.Equal(KtStatus.Ok, dropped.SetAttribute("k", "v"));
            Assert.Equal(KtStatus.Ok, dropped.Finish());
        }
        var counters = t.Engine.ReadCounters();
        Assert.Equal(100, counters.SpansStarted);
        Assert.Equal(7, counters.DroppedNoSlot);
        Assert.Equal(100, counters.SlotsInUse);

        context.End();
        Assert.Equal(0, t.Engine.ReadCounters().SlotsInUse);
        Assert.True(tracer.StartSpan(context, "after", default).IsRecording);
        context.End();
    }

    [Fact]
    public void When_the_finished_queue_is_full_spans_are_dropped_and_their_slots_freed()
    {
        var options = new EngineOptions
        {
            MaxSpans = 64,
            QueueCapacityPerThread = 4,
            ScheduleDelay = TimeSpan.FromHours(1),
            PollInterval = TimeSpan.FromHours(1),
        };
        using var t = new TestEngine(options);
        var tracer = t.Engine.CreateTracer("kt");
        for (int i = 0; i < 10; i++)
            tracer.StartSpan(null, "s" + i, default).Finish();
        var counters = t.Engine.ReadCounters();
        Assert.Equal(10, counters.SpansFinished);
        Assert.Equal(6, counters.DroppedQueueFull);
        Assert.Equal(4, counters.SlotsInUse);
        Assert.Equal(["s0", "s1", "s2", "s3"], t.Flush().Select(s => s.Name));
        Assert.Equal(4, t.Engine.ReadCounters().SpansExported);
        Assert.Equal(0, t.Engine.ReadCounters().SlotsInUse);
    }

    [Fact]
    public void Without_an_exporter_a_finished_span_frees_its_slot_at_once_and_counts_as_exported()
    {
        // An exporter thread that never wakes: whatever is freed is freed by the finishing call.
        var options = new EngineOptions
        {
            MaxSpans = 8,
            QueueCapacityPerThread = 4,
            ScheduleDelay = TimeSpan.FromHours(1),
            PollInterval = TimeSpan.FromHours(1),
            Exporter = null,
        };
        using var engine = new TraceEngine(options);
        var tracer = engine.CreateTracer("kt");
        var context = new TraceContext();
        for (int i = 0; i < 100; i++)
        {
            var span = tracer.StartSpan(context, "s", default);
            Assert.True(span.IsRecording);
            Assert.Equal(KtStatus.Ok, span.SetAttribute("i", (long)i));
            Assert.Equal(KtStatus.Ok, span.Finish());
            Assert.Equal(KtStatus.StaleHandle, span.Finish());
            var counters = engine.ReadCounters();
            Assert.Equal(0, counters.SlotsInUse);
            Assert.Equal(i + 1, counters.SpansExported);
        }
        var final = engine.ReadCounters();
        Assert.Equal(0, final.DroppedQueueFull + final.DroppedNoSlot);
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        Assert.Equal(100, engine.ReadCounters().SpansExported);
    }

    [Fact]
    public void A_batch_worth_of_finished_spans_wakes_a_sleeping_exporter()
    {
        // A batch's worth here is a quarter of the slots: 16.
        var options = new EngineOptions { MaxSpans = 64, ScheduleDelay = TimeSpan.FromHours(1), PollInterval = TimeSpan.FromHours(1) };
        using var t = new TestEngine(options);
        var tracer = t.Engine.CreateTracer("kt");
        for (int i = 0; i < 15; i++)
            tracer.StartSpan(null, "s", default).Finish();
        Assert.Equal(15, t.Engine.ReadCounters().SlotsInUse);
        tracer.StartSpan(null, "s", default).Finish();

        // Without the wake-up, the spans would leave in an hour.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (t.Engine.ReadCounters().SpansExported < 16 && DateTime.UtcNow < deadline)
            Thread.Sleep(1);
        Assert.Equal(16, t.Engine.ReadCounters().SpansExported);
        Assert.Equal(0, t.Engine.ReadCounters().SlotsInUse);
    }

    [Fact]
    public void After_shutdown_spans_are_noops_and_late_finishes_are_counted()
    {
        var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var before = tracer.StartSpan(null, "before", default);
        var done = tracer.StartSpan(null, "done", default);
        done.Finish();
        Assert.Equal(new FlushResult(KtStatus.Ok, 0), t.Engine.Shutdown(TimeSpan.FromSeconds(10)));
        Assert.True(t.Exporter.IsShutDown);
        Assert.Equal(["done"], t.Exporter.Spans.Select(s => s.Name));
        Assert.True(tracer.StartSpan(null, "after", default).IsNoop);
        Assert.Equal(KtStatus.Ok, before.Finish());
        Assert.Equal(1, t.Engine.ReadCounters().DroppedAfterShutdown);
        Assert.False(t.Engine.ForceFlush(TimeSpan.FromMilliseconds(100)));
    }
}
