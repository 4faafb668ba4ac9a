namespace Kt.Tests;

/// <summary>
/// The hot path allocates nothing: 100,000 spans with start options, 4 attributes, an event,
/// a status and finish, sampled and unsampled, on the caller's thread and on the exporter's.
/// A control that must allocate proves the measurement can fail.
/// </summary>
public class AllocationTests
{
    private const int Spans = 100_000;

    // A request of KeptRequest makes two spans; the queue holds 1 << 14.
    private const int SpansPerChunk = 5_000;

    private static void OneSpan(Tracer tracer, TraceContext context, int i)
    {
        var span = tracer.StartSpan(context, "GET /users/{id}", new SpanOptions
        {
            Kind = SpanKind.Server,
            Attributes = [new("http.request.method", "GET"), new("url.path", "/users/42")],
        });
        tracer.SetActiveSpan(span, context);
        span.SetAttribute("http.response.status_code", 200L);
        span.SetAttribute("server.port", (long)(8000 + (i & 7)));
        span.AddEvent("cache.miss", [new("cache.key", "users:42")]);
        span.SetStatus(StatusCode.Error, "upstream failed");
        span.Finish();
    }

    private static (long Caller, long Exporter, EngineCounters Counters) Measure(double rate, Action<Tracer, TraceContext, int> body, Export.ISpanExporter? spanExporter = null)
    {
        var options = new EngineOptions { MaxSpans = 1 << 14, QueueCapacityPerThread = 1 << 14, PollInterval = TimeSpan.FromMilliseconds(1), Exporter = spanExporter };
        using var engine = new TraceEngine(options);
        var tracer = engine.CreateTracer("alloc", new TracerOptions { SamplingRate = rate });
        var context = new TraceContext();
        for (int chunk = 0; chunk < 20_000; chunk += SpansPerChunk)
        {
            for (int i = chunk; i < chunk + SpansPerChunk; i++)
                body(tracer, context, i);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        }
        GC.Collect();
        GC.Collect();
        long exporterBefore = engine.ExporterAllocatedBytes;
        long caller = 0;
        // In chunks that fit the thread's ring, each drained before the next: an exporter thread
        // that gets no core for a while (a busy machine) would otherwise see spans dropped.
        for (int chunk = 0; chunk < Spans; chunk += SpansPerChunk)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = chunk; i < chunk + SpansPerChunk; i++)
                body(tracer, context, i);
            caller += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        }
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        long exporter = engine.ExporterAllocatedBytes - exporterBefore;
        return (caller, exporter, engine.ReadCounters());
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void Spans_allocate_nothing(double rate)
    {
        var (caller, exporter, counters) = Measure(rate, OneSpan);
        Assert.Equal(0, counters.DroppedNoSlot);
        Assert.Equal(0, counters.DroppedQueueFull);
        Assert.Equal(0, caller);
        Assert.Equal(0, exporter);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void Spans_encoded_as_they_finish_allocate_nothing(double rate)
    {
        var exporter = new ProtobufRecordExporter();
        var (caller, exporterThread, counters) = Measure(rate, OneSpan, exporter);
        Assert.Equal(0, counters.DroppedNoSlot);
        Assert.Equal(0, counters.DroppedQueueFull);
        Assert.Equal(rate > 0 ? Spans + 20_000 : 0, exporter.Spans);
        Assert.Equal(0, caller);
        Assert.Equal(0, exporterThread);
    }

    // A request that keeps its finished spans, as the Lua binding's requests do: they stay in its
    // context, readable, until it ends, and its end exports them.
    private static void KeptRequest(Tracer tracer, TraceContext context, int i)
    {
        context.KeepsFinishedSpans = true;
        OneSpan(tracer, context, i);
        OneSpan(tracer, context, i + 1);
        context.End();
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void Requests_that_keep_their_finished_spans_allocate_nothing(double rate)
    {
        var exporter = new ProtobufRecordExporter();
        var (caller, exporterThread, counters) = Measure(rate, KeptRequest, exporter);
        Assert.Equal(0, counters.DroppedNoSlot);
        Assert.Equal(0, counters.DroppedQueueFull);
        Assert.Equal(0, counters.SpansReleased);
        Assert.Equal(0, counters.ExportFailedSpans);
        Assert.Equal(rate > 0 ? 2 * (Spans + 20_000) : 0, counters.SpansFinished - counters.SpansSampledOut);
        Assert.Equal(rate > 0 ? 2 * (Spans + 20_000) : 0, exporter.Spans);
        Assert.Equal(0, caller);
        Assert.Equal(0, exporterThread);
        var (keptCaller, _, keptCounters) = Measure(rate, KeptRequest);
        Assert.Equal(0, keptCounters.DroppedQueueFull);
        Assert.Equal(0, keptCaller);
    }

    [Fact]
    public void A_new_thread_takes_the_state_of_one_that_ended()
    {
        var options = new EngineOptions { MaxSpans = 1024, PollInterval = TimeSpan.FromMilliseconds(1), Exporter = new ProtobufRecordExporter() };
        using var engine = new TraceEngine(options);
        var tracer = engine.CreateTracer("threads");
        for (int i = 0; i < 1000; i++)
            OneSpan(tracer, new TraceContext(), i);

        // The bytes a thread's first span allocates: its state (the rings) unless it takes one that was left.
        long FirstSpanOnNewThread()
        {
            long allocated = 0;
            var thread = new Thread(() =>
            {
                var context = new TraceContext();
                long before = GC.GetAllocatedBytesForCurrentThread();
                OneSpan(tracer, context, 0);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            thread.Start();
            thread.Join();
            return allocated;
        }

        void WaitUntilForgotten()
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (engine.Threads.Any(t => !t.Owner.IsAlive))
            {
                Assert.True(DateTime.UtcNow < deadline, "the exporter did not forget the ended thread in a minute");
                Thread.Sleep(5);
            }
        }

        long first = FirstSpanOnNewThread();
        WaitUntilForgotten();
        long second = FirstSpanOnNewThread();
        WaitUntilForgotten();
        long third = FirstSpanOnNewThread();

        // The first thread's state holds a ring of QueueCapacityPerThread records of 512 bytes.
        Assert.True(first > options.QueueCapacityPerThread * 256L, $"the first thread's state took {first} bytes");
        // The others take it over: what is left is the engine's list of threads.
        Assert.True(second < 1024, $"the second thread allocated {second} bytes");
        Assert.True(third < 1024, $"the third thread allocated {third} bytes");
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        var counters = engine.ReadCounters();
        Assert.Equal(1003, counters.SpansFinished);
        Assert.Equal(1003, counters.SpansExported);
    }

    // Encodes as the OTLP exporters do, without the network.
    private sealed class ProtobufRecordExporter : Export.IEncodedSpanExporter
    {
        private readonly Export.Otlp.OtlpTraceEncoder _encoder = new([new("service.name", "alloc")]);

        public long Spans;

        public bool TakesRecords => true;

        public Export.ISpanRecordWriter CreateRecordWriter() => new Export.Otlp.OtlpSpanRecordWriter();

        public bool Export(in Export.SpanRecordBatch batch)
        {
            Assert.True(_encoder.EncodeToMemory(batch).Length > batch.Count * 100);
            Spans += batch.Count;
            return true;
        }

        public bool Export(in Export.SpanBatch batch) => throw new InvalidOperationException("records were expected");

        public void Shutdown()
        {
        }
    }

    [Fact]
    public void The_measurement_sees_an_allocation_when_there_is_one()
    {
        var (caller, _, _) = Measure(1.0, (tracer, context, i) =>
        {
            var span = tracer.StartSpan(context, "s", default);
            span.SetAttribute("boxed", i.ToString());
            span.Finish();
        });
        Assert.True(caller >= Spans * 20, $"expected the control to allocate, measured {caller} bytes");
    }

    [Fact]
    public void The_exporter_thread_measurement_sees_an_allocating_exporter()
    {
        var (_, exporter, _) = Measure(1.0, OneSpan, new Export.InMemoryExporter());
        Assert.True(exporter >= Spans * 100, $"expected the in-memory exporter to allocate, measured {exporter} bytes");
    }
}
