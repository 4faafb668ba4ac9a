using System.Diagnostics;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>OTLP/HTTP to a real receiver on loopback: delivery, and each failure the specification names.</summary>
public class OtlpHttpExporterTests
{
    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "http-test")];

    private static (TraceEngine Engine, OtlpHttpExporter Exporter, List<string> Log) Start(OtlpReceiver receiver, Func<OtlpHttpOptions, OtlpHttpOptions>? adjust = null)
    {
        var log = new List<string>();
        var options = new OtlpHttpOptions
        {
            Endpoint = receiver.Endpoint,
            // Generous: a first request on a loaded machine can be slow, and only the tests that
            // are about the time limit set a short one.
            Timeout = TimeSpan.FromSeconds(15),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
            Log = line => { lock (log) log.Add(line); },
        };
        var exporter = new OtlpHttpExporter(adjust?.Invoke(options) ?? options, Resource);
        var engine = new TraceEngine(new EngineOptions { MaxSpans = 256, Exporter = exporter });
        return (engine, exporter, log);
    }

    internal static void Spans(TraceEngine engine, int count, string name = "span")
    {
        var tracer = engine.CreateTracer("http");
        for (int i = 0; i < count; i++)
        {
            var span = tracer.StartSpan(null, name, default);
            span.SetAttribute("i", (long)i);
            span.Finish();
        }
    }

    [Theory]
    [InlineData(OtlpHttpProtocol.Protobuf, false)]
    [InlineData(OtlpHttpProtocol.Json, false)]
    [InlineData(OtlpHttpProtocol.Protobuf, true)]
    public async Task Spans_arrive_and_decode_with_the_official_schema(OtlpHttpProtocol protocol, bool gzip)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var (engine, exporter, log) = Start(receiver, o => o with { Protocol = protocol, Gzip = gzip, Headers = new Dictionary<string, string> { ["x-tenant"] = "a" } });
        using (engine)
        {
            Spans(engine, 3, "delivered");
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(protocol == OtlpHttpProtocol.Protobuf ? "application/x-protobuf" : "application/json", request.ContentType);
        Assert.Equal(gzip ? "gzip" : null, request.ContentEncoding);
        var decoded = OtlpDecoder.Decode(request.Body, json: protocol == OtlpHttpProtocol.Json);
        var spans = decoded.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(3, spans.Count);
        Assert.All(spans, s => Assert.Equal("delivered", s.GetProperty("name").GetString()));
        var counters = exporter.Counters;
        Assert.Equal(1, counters.BatchesExported);
        Assert.Equal(3, counters.SpansExported);
        Assert.Equal(0, counters.SpansFailed);
        Assert.True(counters.BytesSent > 0);
        Assert.Empty(log);
    }

    [Fact]
    public async Task A_503_with_retry_after_is_retried_then_delivered()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = attempt => attempt <= 2 ? new OtlpReceiver.Answer(503, RetryAfterSeconds: 1) : new OtlpReceiver.Answer(200);
        var (engine, exporter, _) = Start(receiver);
        var clock = Stopwatch.StartNew();
        using (engine)
        {
            Spans(engine, 2);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        Assert.Single(receiver.Requests);
        Assert.Equal(3, receiver.Attempts);
        Assert.Equal(2, exporter.Counters.Retries);
        Assert.Equal(2, exporter.Counters.SpansExported);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"Retry-After was not honoured: {clock.Elapsed}");
    }

    [Fact]
    public async Task A_400_is_not_retried_and_is_logged_once()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(400);
        var (engine, exporter, log) = Start(receiver);
        using (engine)
        {
            for (int batch = 0; batch < 3; batch++)
            {
                Spans(engine, 4);
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            }
        }
        Assert.Equal(3, receiver.Attempts);
        Assert.Equal(0, exporter.Counters.Retries);
        Assert.Equal(12, exporter.Counters.SpansFailed);
        var line = Assert.Single(log);
        Assert.Contains(receiver.Endpoint.ToString(), line);
        Assert.Contains("400", line);
        Assert.Equal(12, engine.ReadCounters().ExportFailedSpans);
    }

    [Fact]
    public async Task A_partial_success_counts_the_rejected_spans()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // ExportTraceServiceResponse { partial_success { rejected_spans: 2, error_message: "too old" } }
        byte[] body = [0x0A, 0x0B, 0x08, 0x02, 0x12, 0x07, .. "too old"u8];
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Body: body);
        var (engine, exporter, log) = Start(receiver);
        using (engine)
        {
            Spans(engine, 5);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        Assert.Equal(2, exporter.Counters.SpansRejected);
        Assert.Equal(3, exporter.Counters.SpansExported);
        Assert.Contains("2 span(s) rejected", Assert.Single(log));
    }

    [Fact]
    public async Task A_receiver_that_is_down_is_retried_until_the_time_limit_then_the_spans_are_dropped()
    {
        Uri endpoint;
        await using (var gone = await OtlpReceiver.StartAsync())
            endpoint = gone.Endpoint;
        var log = new List<string>();
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = endpoint,
            Timeout = TimeSpan.FromMilliseconds(500),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
            Log = line => { lock (log) log.Add(line); },
        }, Resource);
        using (var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter }))
        {
            var clock = Stopwatch.StartNew();
            Spans(engine, 3);
            Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(200), "the caller's path waited for the network");
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            Assert.Equal(3, engine.ReadCounters().ExportFailedSpans);
        }
        Assert.True(exporter.Counters.Retries >= 2, $"retries: {exporter.Counters.Retries}");
        Assert.Equal(3, exporter.Counters.SpansFailed);
        Assert.Contains(endpoint.ToString(), Assert.Single(log));
    }

    [Fact]
    public async Task After_an_outage_export_recovers_and_every_span_is_accounted_for()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        bool down = false;
        receiver.Behaviour = _ => Volatile.Read(ref down) ? new OtlpReceiver.Answer(503) : new OtlpReceiver.Answer(200);
        var (engine, exporter, log) = Start(receiver, o => o with { Timeout = TimeSpan.FromSeconds(3) });
        using (engine)
        {
            // Until one batch gets through, so the connection is up before the outage: a first
            // request on a loaded machine can take longer than the time limit.
            for (int tries = 0; tries < 20 && exporter.Counters.BatchesExported == 0; tries++)
            {
                Spans(engine, 1, "warm");
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            }
            Assert.True(exporter.Counters.BatchesExported > 0, "the receiver never took a batch");
            var before = exporter.Counters;
            var engineBefore = engine.ReadCounters();
            int requestsBefore = receiver.Requests.Count;
            int logBefore;
            lock (log)
                logBefore = log.Count;

            Volatile.Write(ref down, true);
            for (int batch = 0; batch < 2; batch++)
            {
                Spans(engine, 5, "during");
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            }
            Volatile.Write(ref down, false);
            for (int batch = 0; batch < 2; batch++)
            {
                Spans(engine, 5, "after");
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            }

            var after = exporter.Counters;
            var engineAfter = engine.ReadCounters();
            Assert.Equal(10, engineAfter.ExportFailedSpans - engineBefore.ExportFailedSpans);
            Assert.Equal(10, engineAfter.SpansExported - engineBefore.SpansExported);
            Assert.Equal(10, after.SpansFailed - before.SpansFailed);
            Assert.Equal(10, after.SpansExported - before.SpansExported);
            Assert.True(after.Retries > before.Retries);
            var received = receiver.Requests.Skip(requestsBefore).ToList();
            Assert.Equal(2, received.Count);
            Assert.DoesNotContain(received, r => System.Text.Encoding.UTF8.GetString(r.Body).Contains("during"));
            List<string> outage;
            lock (log)
                outage = log.Skip(logBefore).ToList();
            Assert.True(outage.Count == 2, "one line per change of status (failing, delivering again), got:\n" + string.Join("\n", outage));
            Assert.Contains("503", outage[0]);
            Assert.Contains("delivers again; 10 span(s) failed while it could not", outage[1]);
        }
    }

    [Fact]
    public async Task A_receiver_that_never_answers_times_out_without_slowing_the_caller()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Hang: true);
        var (engine, exporter, _) = Start(receiver, o => o with { Timeout = TimeSpan.FromMilliseconds(300) });
        using (engine)
        {
            Spans(engine, 2);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            var clock = Stopwatch.StartNew();
            Spans(engine, 100);
            Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(200), "the caller's path waited for the exporter");
        }
        Assert.True(exporter.Counters.SpansFailed >= 2);
        Assert.Contains("no answer within 300 ms", exporter.Counters.LastError);
    }

    [Theory]
    [InlineData("ftp://collector/v1/traces", "Endpoint")]
    [InlineData("relative/path", "Endpoint")]
    public void A_bad_endpoint_is_refused_naming_it(string endpoint, string setting)
    {
        var e = Assert.Throws<ArgumentException>(() => new OtlpHttpExporter(new OtlpHttpOptions { Endpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute) }, Resource));
        Assert.Contains(setting, e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Grpc_delivers_over_http2_and_retries_unavailable(bool gzip)
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        receiver.Behaviour = attempt => attempt == 1 ? new OtlpReceiver.Answer(200, GrpcStatus: 14) : new OtlpReceiver.Answer(200);
        var environment = OtelEnvironment.Read(name => name switch
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => receiver.Endpoint.ToString(),
            "OTEL_EXPORTER_OTLP_PROTOCOL" => "grpc",
            "OTEL_EXPORTER_OTLP_COMPRESSION" => gzip ? "gzip" : null,
            _ => null,
        });
        Assert.EndsWith(OtlpHttpExporter.GrpcMethod, environment.Http!.Endpoint.ToString());
        var exporter = new OtlpHttpExporter(environment.Http with { InitialBackoff = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromSeconds(15) }, environment.Resource);
        using (var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter }))
        {
            Spans(engine, 4, "grpc");
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(20)));
        }
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("application/grpc", request.ContentType);
        var decoded = OtlpDecoder.Decode(request.Body);
        Assert.Equal(4, decoded.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans").GetArrayLength());
        Assert.Equal(1, exporter.Counters.Retries);
        Assert.Equal(4, exporter.Counters.SpansExported);
    }

    [Fact]
    public async Task A_grpc_status_that_is_not_retryable_drops_the_batch()
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, GrpcStatus: 3);
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = new Uri(receiver.Endpoint, OtlpHttpExporter.GrpcMethod),
            Protocol = OtlpHttpProtocol.Grpc,
            Timeout = TimeSpan.FromSeconds(15),
        }, Resource);
        using (var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter }))
        {
            Spans(engine, 3);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(20)));
        }
        Assert.True(receiver.Attempts == 1, $"attempts {receiver.Attempts}: {exporter.Counters.LastError}");
        Assert.Equal(3, exporter.Counters.SpansFailed);
        Assert.Contains("gRPC status 3", exporter.Counters.LastError);
    }
}
