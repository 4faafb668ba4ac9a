using Kt.Export;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// Flush and shutdown say whether they succeeded: done in time, and whether spans were lost since the
/// last one that reported (dropped for a full queue, failed to export, rejected by the receiver); a
/// shutdown that runs out of time counts what it could not export, and the counters say so afterwards.
/// </summary>
public class FlushResultTests
{
    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "flush-test")];

    private static void Spans(TraceEngine engine, int count) => OtlpHttpExporterTests.Spans(engine, count);

    /// <summary>An exporter that fails every batch, or holds each until let go.</summary>
    private sealed class ScriptedExporter(bool fail = false) : ISpanExporter
    {
        private readonly ManualResetEventSlim _go = new(true);
        private readonly ManualResetEventSlim _inExport = new(false);
        private int _exported;

        public int Exported => Volatile.Read(ref _exported);

        public void Hold() => _go.Reset();

        public void LetGo() => _go.Set();

        public bool WaitUntilExporting(TimeSpan timeout) => _inExport.Wait(timeout);

        public bool Export(in SpanBatch batch)
        {
            _inExport.Set();
            _go.Wait();
            if (fail)
                return false;
            Interlocked.Add(ref _exported, batch.Count);
            return true;
        }

        public void Shutdown() { }
    }

    [Fact]
    public void A_flush_that_loses_nothing_is_ok()
    {
        using var t = new TestEngine();
        Spans(t.Engine, 3);
        Assert.Equal(new FlushResult(KtStatus.Ok, 0), t.Engine.Flush(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, t.Exporter.Spans.Count);
    }

    [Fact]
    public void Failed_exports_are_reported_by_the_next_flush_and_only_by_it()
    {
        var exporter = new ScriptedExporter(fail: true);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        Spans(engine, 5);
        Assert.Equal(new FlushResult(KtStatus.SpansLost, 5), engine.Flush(TimeSpan.FromSeconds(10)));
        Assert.Equal(new FlushResult(KtStatus.Ok, 0), engine.Flush(TimeSpan.FromSeconds(10)));
        Spans(engine, 2);
        Assert.Equal(new FlushResult(KtStatus.SpansLost, 2), engine.Flush(TimeSpan.FromSeconds(10)));
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)), "ForceFlush still says only whether the exporter was done in time");
    }

    [Fact]
    public void Spans_dropped_for_a_full_queue_are_reported()
    {
        var exporter = new ScriptedExporter();
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 256, QueueCapacityPerThread = 4, Exporter = exporter });
        exporter.Hold();
        Spans(engine, 1);
        // The flush wakes the exporter thread, which takes the span and waits in the exporter.
        engine.ForceFlush(TimeSpan.FromMilliseconds(1));
        Assert.True(exporter.WaitUntilExporting(TimeSpan.FromSeconds(30)), "the exporter thread never took the batch");
        Spans(engine, 20);
        long dropped = engine.ReadCounters().DroppedQueueFull;
        Assert.True(dropped > 0, "the queue of 4 took 20 spans");
        exporter.LetGo();
        var result = engine.Flush(TimeSpan.FromSeconds(30));
        Assert.Equal(new FlushResult(KtStatus.SpansLost, dropped), result);
    }

    [Fact]
    public async Task A_receiver_that_answers_400_makes_the_flush_report_the_spans()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(400);
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions { Endpoint = receiver.Endpoint, Timeout = TimeSpan.FromSeconds(15) }, Resource);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        Spans(engine, 4);
        Assert.Equal(new FlushResult(KtStatus.SpansLost, 4), engine.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, receiver.Attempts);
    }

    [Fact]
    public async Task An_outage_longer_than_the_export_timeout_makes_the_flush_report_the_spans()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(503);
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = receiver.Endpoint,
            Timeout = TimeSpan.FromMilliseconds(500),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        }, Resource);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        Spans(engine, 3);
        Assert.Equal(new FlushResult(KtStatus.SpansLost, 3), engine.Flush(TimeSpan.FromSeconds(30)));
        // whether an attempt reached the receiver within the 500 ms depends on the machine's load
        Assert.Contains(receiver.Endpoint.Authority, exporter.Counters.LastError);
    }

    [Fact]
    public async Task Spans_a_receiver_rejects_are_reported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // ExportTraceServiceResponse { partial_success { rejected_spans: 2, error_message: "too old" } }
        byte[] body = [0x0A, 0x0B, 0x08, 0x02, 0x12, 0x07, .. "too old"u8];
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Body: body);
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions { Endpoint = receiver.Endpoint, Timeout = TimeSpan.FromSeconds(15) }, Resource);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        Spans(engine, 5);
        Assert.Equal(new FlushResult(KtStatus.SpansLost, 2), engine.Flush(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_flush_that_runs_out_of_time_says_so_and_the_next_one_reports_the_losses()
    {
        var exporter = new ScriptedExporter(fail: true);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        exporter.Hold();
        Spans(engine, 3);
        Assert.Equal(new FlushResult(KtStatus.Timeout, 0), engine.Flush(TimeSpan.FromMilliseconds(50)));
        exporter.LetGo();
        Assert.Equal(new FlushResult(KtStatus.SpansLost, 3), engine.Flush(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_shutdown_that_runs_out_of_time_counts_what_it_could_not_export()
    {
        var exporter = new ScriptedExporter();
        var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        exporter.Hold();
        Spans(engine, 2);
        engine.ForceFlush(TimeSpan.FromMilliseconds(1));
        Assert.True(exporter.WaitUntilExporting(TimeSpan.FromSeconds(30)), "the exporter thread never took the batch");
        Spans(engine, 3);

        var result = engine.Shutdown(TimeSpan.FromMilliseconds(100));

        Assert.Equal(new FlushResult(KtStatus.Timeout, 5), result);
        var counters = engine.ReadCounters();
        Assert.Equal(5, counters.DroppedAfterShutdown);
        Assert.Equal(0, counters.SpansExported);
        // The batch on its way when the time ran out is not counted again when it completes.
        exporter.LetGo();
        Assert.True(SpinWait.SpinUntil(() => exporter.Exported > 0, TimeSpan.FromSeconds(30)));
        Thread.Sleep(100);
        var after = engine.ReadCounters();
        Assert.Equal(5, after.DroppedAfterShutdown);
        Assert.Equal(0, after.SpansExported);
        Assert.Equal(0, after.ExportFailedSpans);
        Assert.Equal(new FlushResult(KtStatus.Ok, 0), engine.Shutdown(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_shutdown_that_loses_spans_says_how_many()
    {
        var exporter = new ScriptedExporter(fail: true);
        var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        Spans(engine, 4);
        Assert.Equal(new FlushResult(KtStatus.SpansLost, 4), engine.Shutdown(TimeSpan.FromSeconds(30)));
        Assert.Equal(4, engine.ReadCounters().ExportFailedSpans);
        Assert.Equal(new FlushResult(KtStatus.NotInitialized, 0), engine.Flush(TimeSpan.FromSeconds(1)));
    }
}

/// <summary>Tracing.Flush and Tracing.Shutdown, which share the process's engine with the other global tests.</summary>
[Collection(GlobalTracingCollection.Name)]
public class GlobalFlushResultTests
{
    private sealed class FailingExporter : ISpanExporter
    {
        public bool Export(in SpanBatch batch) => false;

        public void Shutdown() { }
    }

    [Fact]
    public void The_global_flush_and_shutdown_say_the_same()
    {
        var exporter = new FailingExporter();
        Assert.Equal(new FlushResult(KtStatus.NotInitialized, 0), Tracing.Flush(TimeSpan.FromSeconds(1)));
        Tracing.Initialize(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        try
        {
            Tracing.Global.StartSpan(null, "lost", default).Finish();
            Assert.Equal(new FlushResult(KtStatus.SpansLost, 1), Tracing.Flush(TimeSpan.FromSeconds(30)));
            Tracing.Global.StartSpan(null, "lost too", default).Finish();
        }
        finally
        {
            Assert.Equal(new FlushResult(KtStatus.SpansLost, 1), Tracing.Shutdown(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(new FlushResult(KtStatus.Ok, 0), Tracing.Shutdown(TimeSpan.FromSeconds(1)));
    }
}
