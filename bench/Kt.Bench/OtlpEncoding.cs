using BenchmarkDotNet.Attributes;
using Kt.Export;
using Kt.Export.Otlp;

namespace Kt.Bench;

/// <summary>
/// OTLP encoding of one full batch (512 typical HTTP server spans: 6 attributes, an event,
/// a status) read in place from the slots, per span. Spans per second is 1e9 / the mean.
/// </summary>
[MemoryDiagnoser]
public class OtlpEncoding
{
    private const int Spans = 512;

    private TraceEngine _engine = null!;
    private int[] _slots = null!;
    private OtlpTraceEncoder _protobuf = null!;
    private OtlpJsonEncoder _json = null!;
    private OtlpSpanRecordWriter _record = null!;
    private OtlpJsonSpanRecordWriter _jsonRecord = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new TraceEngine(new EngineOptions
        {
            MaxSpans = 8 * Spans,
            QueueCapacityPerThread = 1024,
            // The batch stays in the thread's queue: the benchmark reads it, the exporter never
            // does (a thread wakes the exporter only when a batch larger than this one waits).
            MaxExportBatchSize = 4 * Spans,
            PollInterval = TimeSpan.FromHours(1),
            ScheduleDelay = TimeSpan.FromHours(1),
            // An exporter that takes slots, so that finished spans wait in the queue as slots.
            Exporter = new InMemoryExporter(),
        });
        var tracer = _engine.CreateTracer("bench.http");
        var context = new TraceContext();
        for (int i = 0; i < Spans; i++)
        {
            var span = tracer.StartSpan(context, "GET /users/{id}", new SpanOptions
            {
                Kind = SpanKind.Server,
                Attributes = [new("http.request.method", "GET"), new("url.path", "/users/42"), new("url.scheme", "http")],
            });
            span.SetAttribute("http.response.status_code", 200L);
            span.SetAttribute("server.port", 8080L);
            span.SetAttribute("user_agent.original", "curl/8.5.0");
            span.AddEvent("cache.miss", [new("cache.key", "users:42")]);
            span.SetStatus(StatusCode.Ok);
            span.Finish();
        }
        _slots = new int[Spans];
        var queue = _engine.Threads.Single(t => ReferenceEquals(t.Owner, Thread.CurrentThread)).Finished;
        if (queue.Dequeue(_slots) != Spans)
            throw new InvalidOperationException("the batch did not stay queued");
        KeyValuePair<string, string>[] resource = [new("service.name", "bench"), new("host.name", "bench-host")];
        _protobuf = new OtlpTraceEncoder(resource);
        _json = new OtlpJsonEncoder(resource);
        _record = new OtlpSpanRecordWriter();
        _jsonRecord = new OtlpJsonSpanRecordWriter();
        Console.WriteLine($"// bytes per span: protobuf {_protobuf.Encode(new SpanBatch(_engine, _slots)).Length / (double)Spans:0.0}, " +
            $"json {_json.Encode(new SpanBatch(_engine, _slots)).Length / (double)Spans:0.0}");
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public int Protobuf() => _protobuf.Encode(new SpanBatch(_engine, _slots)).Length;

    [Benchmark(OperationsPerInvoke = Spans)]
    public int Json() => _json.Encode(new SpanBatch(_engine, _slots)).Length;

    // What a finishing thread pays when the exporter takes records: one span at a time into
    // its writer (then copied into its ring), the same 512 spans.
    [Benchmark(OperationsPerInvoke = Spans)]
    public int ProtobufRecordPerSpan()
    {
        int bytes = 0;
        foreach (int slot in _slots)
            bytes += _record.Encode(new SpanView(_engine, slot)).Length;
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public int JsonRecordPerSpan()
    {
        int bytes = 0;
        foreach (int slot in _slots)
            bytes += _jsonRecord.Encode(new SpanView(_engine, slot)).Length;
        return bytes;
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();
}
