using System.Collections.Concurrent;

namespace Kt.Tests;

/// <summary>Many threads starting and finishing spans lose and duplicate nothing.</summary>
public class ConcurrencyTests
{
    [Fact]
    public void Eight_threads_lose_and_duplicate_no_span()
    {
        const int threads = 8, perThread = 20_000;
        var options = new EngineOptions { MaxSpans = 1 << 16, QueueCapacityPerThread = 1 << 15, PollInterval = TimeSpan.FromMilliseconds(1) };
        using var t = new TestEngine(options);
        var tracer = t.Engine.CreateTracer("kt");
        var workers = Enumerable.Range(0, threads).Select(n => new Thread(() =>
        {
            var context = new TraceContext();
            for (int i = 0; i < perThread; i++)
            {
                var root = tracer.StartSpan(context, "root", default);
                tracer.SetActiveSpan(root, context);
                var child = tracer.StartSpan(context, "child", default);
                child.SetAttribute("thread", (long)n);
                child.Finish();
                root.Finish();
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var spans = t.Flush();
        var counters = t.Engine.ReadCounters();
        // The in-memory exporter is slow, so some starts find no free slot: those are no-ops,
        // and every span is still accounted for exactly once.
        Assert.Equal(threads * perThread * 2, counters.SpansStarted + counters.DroppedNoSlot);
        Assert.Equal(counters.SpansStarted, counters.SpansFinished);
        Assert.Equal(counters.SpansFinished - counters.DroppedQueueFull, counters.SpansExported);
        Assert.Equal(counters.SpansExported, spans.Count);
        Assert.Equal(spans.Count, spans.Select(s => s.SpanId).Distinct().Count());
        Assert.Equal(0, counters.SlotsInUse);

        // Every exported child's parent was exported too, unless it was dropped at the queue.
        var byId = spans.ToDictionary(s => s.SpanId);
        var children = spans.Where(s => s.Name == "child").ToList();
        Assert.All(children, c => Assert.True(!byId.TryGetValue(c.ParentSpanId, out var p) || p.TraceId == c.TraceId));
        if (counters.DroppedQueueFull == 0)
            Assert.All(children.Where(c => c.ParentSpanId.IsValid), c => Assert.Equal("root", byId[c.ParentSpanId].Name));
    }

    [Fact]
    public void Slots_started_on_one_thread_and_finished_on_another_are_not_lost()
    {
        const int count = 5000;
        using var t = new TestEngine(new EngineOptions { MaxSpans = 256, PollInterval = TimeSpan.FromMilliseconds(1) });
        var tracer = t.Engine.CreateTracer("kt");
        var handoff = new BlockingCollection<long>(boundedCapacity: 64);
        var producer = new Thread(() =>
        {
            for (int i = 0; i < count; i++)
            {
                SpanHandle span;
                while ((span = tracer.StartSpan(null, "s", default)).IsNoop)
                    Thread.Yield();
                handoff.Add(span.Token);
            }
            handoff.CompleteAdding();
        });
        var consumer = new Thread(() =>
        {
            foreach (var token in handoff.GetConsumingEnumerable())
                Assert.Equal(KtStatus.Ok, SpanHandle.FromToken(t.Engine, token).Finish());
        });
        producer.Start();
        consumer.Start();
        Assert.True(producer.Join(TimeSpan.FromSeconds(60)));
        Assert.True(consumer.Join(TimeSpan.FromSeconds(60)));
        var spans = t.Flush();
        var counters = t.Engine.ReadCounters();
        Assert.Equal(count, counters.SpansStarted);
        Assert.Equal(count, counters.SpansFinished);
        Assert.Equal(count - counters.DroppedQueueFull, spans.Count);
        Assert.Equal(0, counters.SlotsInUse);
    }

    [Fact]
    public void Slots_held_by_threads_that_ended_come_back()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 64, PollInterval = TimeSpan.FromMilliseconds(1) });
        var tracer = t.Engine.CreateTracer("kt");
        for (int round = 0; round < 20; round++)
        {
            var worker = new Thread(() => tracer.StartSpan(null, "s", default).Finish());
            worker.Start();
            worker.Join();
        }
        t.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (t.Engine.ReadCounters().SlotsInUse != 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
        Assert.Equal(0, t.Engine.ReadCounters().SlotsInUse);
        Assert.Equal(20, t.Exporter.Spans.Count);
    }
}
