using System.Text.Json;
using Kt.Export;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// Every OTLP protocol and the OTLP file take spans encoded as they finish: every span arrives
/// once, under its own scope, from every thread, decoded with the official schema; a finished
/// span's slot is free at once; a full ring drops and counts.
/// </summary>
public class OtlpRecordExportTests
{
    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "records")];

    private static OtlpHttpExporter Exporter(OtlpReceiver receiver, OtlpHttpProtocol protocol) => new(new OtlpHttpOptions
    {
        Endpoint = protocol == OtlpHttpProtocol.Grpc ? new Uri(receiver.Endpoint, OtlpHttpExporter.GrpcMethod) : receiver.Endpoint,
        Protocol = protocol,
        Timeout = TimeSpan.FromSeconds(15),
    }, Resource);

    [Theory]
    [InlineData(OtlpHttpProtocol.Protobuf)]
    [InlineData(OtlpHttpProtocol.Grpc)]
    [InlineData(OtlpHttpProtocol.Json)]
    public void A_finished_span_leaves_its_slot_at_once_for_every_protocol(OtlpHttpProtocol protocol)
    {
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions { Endpoint = new Uri("http://127.0.0.1:9/v1/traces"), Protocol = protocol }, Resource);
        Assert.True(exporter.TakesRecords);
        AssertSlotsFreeAtFinish(exporter);
    }

    [Fact]
    public void A_finished_span_leaves_its_slot_at_once_for_the_otlp_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            var exporter = new OtlpFileExporter(path, Resource);
            Assert.True(exporter.TakesRecords);
            AssertSlotsFreeAtFinish(exporter);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // With an exporter thread that sleeps through the test, the finishing call alone must have
    // freed the slot: a span queued as a slot would hold it until the exporter woke.
    private static void AssertSlotsFreeAtFinish(ISpanExporter exporter)
    {
        using var engine = new TraceEngine(new EngineOptions
        {
            MaxSpans = 16,
            ScheduleDelay = TimeSpan.FromHours(1),
            PollInterval = TimeSpan.FromHours(1),
            Exporter = exporter,
        });
        var tracer = engine.CreateTracer("slots");
        for (int i = 0; i < 3; i++)
        {
            var span = tracer.StartSpan(null, "finished", default);
            span.SetAttribute("i", (long)i);
            Assert.Equal(KtStatus.Ok, span.Finish());
            Assert.Equal(0, engine.ReadCounters().SlotsInUse);
        }
        Assert.Equal(0, engine.ReadCounters().DroppedQueueFull);
    }

    [Theory]
    [InlineData(OtlpHttpProtocol.Protobuf)]
    [InlineData(OtlpHttpProtocol.Grpc)]
    [InlineData(OtlpHttpProtocol.Json)]
    public async Task Spans_of_three_tracers_on_two_threads_arrive_once_each_under_their_scope(OtlpHttpProtocol protocol)
    {
        bool grpc = protocol == OtlpHttpProtocol.Grpc;
        await using var receiver = grpc ? await OtlpReceiver.StartGrpcAsync() : await OtlpReceiver.StartAsync();
        SpansOfThreeTracersOnTwoThreads(Exporter(receiver, protocol));
        AssertEachSpanOnceUnderItsScope(receiver.Requests.Select(r => r.Body), protocol == OtlpHttpProtocol.Json, 2 * PerThread);
    }

    private const int PerThread = 1500;

    // Each thread's spans take turns among the tracers, so every batch holds several scopes.
    private static void SpansOfThreeTracersOnTwoThreads(ISpanExporter exporter)
    {
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 1024, MaxExportBatchSize = 256, Exporter = exporter });
        Tracer[] tracers = [engine.CreateTracer("alpha"), engine.CreateTracer("beta"), engine.CreateTracer("gamma")];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                var tracer = tracers[(i + t) % 3];
                var span = tracer.StartSpan(null, $"t{t}", new SpanOptions { Kind = SpanKind.Client });
                span.SetAttribute("i", (long)i);
                span.SetAttribute("tracer", tracer.Name);
                span.AddEvent("step");
                span.Finish();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        var counters = engine.ReadCounters();
        Assert.Equal(2 * PerThread, counters.SpansExported);
        Assert.Equal(0, counters.DroppedQueueFull + counters.DroppedNoSlot + counters.ExportFailedSpans);
    }

    [Fact]
    public void Spans_of_three_tracers_on_two_threads_arrive_once_each_under_their_scope_in_the_otlp_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            SpansOfThreeTracersOnTwoThreads(new OtlpFileExporter(path, Resource));
            var lines = File.ReadAllText(path).Split('\n')[..^1];
            Assert.True(lines.Length > 1, "the spans went out in more than one batch");
            AssertEachSpanOnceUnderItsScope(lines.Select(System.Text.Encoding.UTF8.GetBytes), json: true, 2 * PerThread);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertEachSpanOnceUnderItsScope(IEnumerable<byte[]> requests, bool json, int expected)
    {
        var seen = new HashSet<(string Thread, long I)>();
        foreach (var body in requests)
        {
            // (the gRPC receiver hands over the message without its 5-byte prefix)
            var resource = Assert.Single(OtlpDecoder.Decode(body, json).GetProperty("resourceSpans").EnumerateArray());
            Assert.Equal("records", resource.GetProperty("resource").GetProperty("attributes")[0].GetProperty("value").GetProperty("stringValue").GetString());
            var scopes = resource.GetProperty("scopeSpans").EnumerateArray().ToList();
            Assert.Equal(scopes.Count, scopes.Select(s => s.GetProperty("scope").GetProperty("name").GetString()).Distinct().Count());
            foreach (var scope in scopes)
            {
                string name = scope.GetProperty("scope").GetProperty("name").GetString()!;
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    var attributes = span.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value"));
                    Assert.Equal(name, attributes["tracer"].GetProperty("stringValue").GetString());
                    Assert.Equal("step", Assert.Single(span.GetProperty("events").EnumerateArray()).GetProperty("name").GetString());
                    long i = Int(attributes["i"].GetProperty("intValue"));
                    Assert.True(seen.Add((span.GetProperty("name").GetString()!, i)), $"span {i} arrived twice");
                }
            }
        }
        Assert.Equal(expected, seen.Count);
    }

    private static long Int(JsonElement value) => value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!) : value.GetInt64();

    [Fact]
    public async Task A_full_ring_drops_and_counts_and_never_waits()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var release = new ManualResetEventSlim();
        receiver.Behaviour = _ =>
        {
            release.Wait(TimeSpan.FromSeconds(30));
            return new OtlpReceiver.Answer(200);
        };
        var exporter = Exporter(receiver, OtlpHttpProtocol.Protobuf);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, QueueCapacityPerThread = 16, MaxExportBatchSize = 8, Exporter = exporter });
        var tracer = engine.CreateTracer("full");
        // The exporter takes a first batch and waits on the receiver; the ring fills behind it.
        for (int i = 0; i < 200; i++)
            tracer.StartSpan(null, "queued", default).Finish();
        var counters = engine.ReadCounters();
        Assert.True(counters.DroppedQueueFull > 0, "a ring of 16 records took 200 spans");
        Assert.Equal(200, counters.SpansFinished);
        Assert.Equal(0, counters.SlotsInUse);
        release.Set();
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        counters = engine.ReadCounters();
        Assert.Equal(200, counters.SpansExported + counters.DroppedQueueFull);
    }
}
