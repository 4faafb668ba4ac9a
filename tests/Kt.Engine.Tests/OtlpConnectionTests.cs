using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// The exporter's own connections, against a real receiver on loopback: kept alive across
/// batches, reopened when the receiver closes them, answers chunked or with Connection: close,
/// HTTP/2 flow control, time limits, and gRPC statuses in trailers and in trailers-only answers.
/// </summary>
public class OtlpConnectionTests
{
    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "connection-test")];

    private static (TraceEngine Engine, OtlpHttpExporter Exporter) Start(OtlpReceiver receiver, OtlpHttpProtocol protocol, TimeSpan? timeout = null)
    {
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = protocol == OtlpHttpProtocol.Grpc ? new Uri(receiver.Endpoint, OtlpHttpExporter.GrpcMethod) : receiver.Endpoint,
            Protocol = protocol,
            Timeout = timeout ?? TimeSpan.FromSeconds(15),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
        }, Resource);
        // A thread wakes the exporter when a batch's worth waits (a quarter of the slots, at most
        // a batch): with these sizes, that is 2048 spans, more than any test here finishes
        // between flushes, so each flush sends what was finished before it as one batch.
        return (new TraceEngine(new EngineOptions { MaxSpans = 16384, MaxExportBatchSize = 2048, Exporter = exporter }), exporter);
    }

    private static void Batches(TraceEngine engine, int batches, int spans = 3)
    {
        for (int i = 0; i < batches; i++)
        {
            OtlpHttpExporterTests.Spans(engine, spans);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(20)));
        }
    }

    [Theory]
    [InlineData(OtlpHttpProtocol.Protobuf)]
    [InlineData(OtlpHttpProtocol.Json)]
    [InlineData(OtlpHttpProtocol.Grpc)]
    public async Task One_connection_carries_every_batch(OtlpHttpProtocol protocol)
    {
        await using var receiver = protocol == OtlpHttpProtocol.Grpc ? await OtlpReceiver.StartGrpcAsync() : await OtlpReceiver.StartAsync();
        var (engine, exporter) = Start(receiver, protocol);
        using (engine)
            Batches(engine, 5);
        Assert.Equal(5, receiver.Requests.Count);
        Assert.Equal(1, receiver.Connections);
        Assert.Equal(15, exporter.Counters.SpansExported);
    }

    [Fact]
    public async Task An_answer_with_connection_close_is_read_and_the_next_batch_opens_a_new_connection()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, CloseConnection: true);
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Protobuf);
        using (engine)
            Batches(engine, 4);
        var counters = exporter.Counters;
        Assert.Equal(4, receiver.Requests.Count);
        Assert.Equal(4, receiver.Connections);
        Assert.Equal(12, counters.SpansExported);
        Assert.Equal(0, counters.Retries);
    }

    [Fact]
    public async Task A_kept_alive_connection_the_receiver_closed_while_idle_is_reopened_without_a_failure()
    {
        await using var receiver = await OtlpReceiver.StartAsync(keepAliveTimeout: TimeSpan.FromMilliseconds(100));
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Protobuf);
        using (engine)
        {
            for (int i = 0; i < 3; i++)
            {
                Batches(engine, 1);
                // Kestrel closes idle connections on its once-a-second heartbeat.
                Thread.Sleep(2200);
            }
        }
        var counters = exporter.Counters;
        Assert.Equal(3, receiver.Requests.Count);
        // Kestrel closes idle connections on its heartbeat, which a loaded machine can delay.
        Assert.True(receiver.Connections >= 2, $"the receiver never closed the idle connection ({receiver.Connections})");
        Assert.Equal(9, counters.SpansExported);
        Assert.Equal(0, counters.SpansFailed);
        Assert.Equal(0, counters.Retries);
        Assert.Null(counters.LastError);
    }

    [Fact]
    public async Task A_grpc_connection_the_receiver_leaves_with_goaway_is_reopened_without_a_failure()
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, CloseConnection: true);
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Grpc);
        using (engine)
            Batches(engine, 3);
        var counters = exporter.Counters;
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Equal(3, receiver.Connections);
        Assert.Equal(9, counters.SpansExported);
        Assert.Equal(0, counters.Retries);
        Assert.Null(counters.LastError);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_partial_success_is_read_from_a_chunked_or_a_sized_answer_and_the_connection_kept(bool contentLength)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        byte[] body = [0x0A, 0x0B, 0x08, 0x01, 0x12, 0x07, .. "too old"u8];
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Body: body, ContentLength: contentLength);
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Protobuf);
        using (engine)
            Batches(engine, 3);
        Assert.Equal(3, exporter.Counters.SpansRejected);
        Assert.Equal(6, exporter.Counters.SpansExported);
        Assert.Equal(1, receiver.Connections);
    }

    [Theory]
    [InlineData("{\"partialSuccess\":{\"rejectedSpans\":\"2\",\"errorMessage\":\"too old\"}}")]
    [InlineData("{\"partialSuccess\":{\"errorMessage\":\"too old\",\"rejectedSpans\":2}}")]
    public async Task A_partial_success_in_json_is_read(string answer)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Body: System.Text.Encoding.UTF8.GetBytes(answer));
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Json);
        using (engine)
            Batches(engine, 2);
        Assert.Equal(4, exporter.Counters.SpansRejected);
        Assert.Equal(2, exporter.Counters.SpansExported);
    }

    [Fact]
    public async Task A_grpc_batch_larger_than_the_window_and_the_frame_size_waits_for_window_updates()
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync(smallWindows: true);
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Grpc);
        using (engine)
        {
            var tracer = engine.CreateTracer("large");
            for (int batch = 0; batch < 2; batch++)
            {
                for (int i = 0; i < 2000; i++)
                {
                    var span = tracer.StartSpan(null, "large", default);
                    span.SetAttribute("payload", new string('x', 100) + i);
                    span.Finish();
                }
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(20)));
            }
        }
        Assert.Equal(4000, exporter.Counters.SpansExported);
        Assert.Equal(0, exporter.Counters.Retries);
        int largest = receiver.Requests.Max(r => r.Body.Length);
        Assert.True(largest > 4 * 65535, $"the largest batch, {largest} bytes, does not test the window");
        Assert.Equal(4000, receiver.Requests.Sum(r => OtlpDecoder.Decode(r.Body).GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans").GetArrayLength()));
        Assert.Equal(1, receiver.Connections);
    }

    [Fact]
    public async Task A_grpc_receiver_that_never_answers_times_out_without_slowing_the_caller()
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Hang: true);
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Grpc, TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        using (engine)
        {
            OtlpHttpExporterTests.Spans(engine, 2);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the time limit was not kept: {clock.Elapsed}");
        }
        Assert.Equal(2, exporter.Counters.SpansFailed);
        Assert.Contains("no answer within 300 ms", exporter.Counters.LastError);
    }

    [Theory]
    [InlineData(OtlpHttpProtocol.Protobuf)]
    [InlineData(OtlpHttpProtocol.Grpc)]
    public void A_port_where_nothing_listens_is_retried_until_the_time_limit(OtlpHttpProtocol protocol)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{port}" + (protocol == OtlpHttpProtocol.Grpc ? OtlpHttpExporter.GrpcMethod : "/v1/traces")),
            Protocol = protocol,
            Timeout = TimeSpan.FromMilliseconds(400),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        }, Resource);
        using (var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter }))
        {
            OtlpHttpExporterTests.Spans(engine, 3);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        Assert.True(exporter.Counters.Retries >= 2, $"retries: {exporter.Counters.Retries}");
        Assert.Equal(3, exporter.Counters.SpansFailed);
        Assert.Contains($"127.0.0.1:{port}", exporter.Counters.LastError);
        Assert.Contains("retried until the 400 ms limit", exporter.Counters.LastError);
    }

    [Fact]
    public async Task A_grpc_status_in_a_trailers_only_answer_is_read_and_retried()
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        receiver.Behaviour = attempt => attempt == 1 ? new OtlpReceiver.Answer(200, GrpcStatus: 14, TrailersOnly: true) : new OtlpReceiver.Answer(200);
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Grpc);
        using (engine)
            Batches(engine, 1);
        Assert.Equal(1, exporter.Counters.Retries);
        Assert.Equal(3, exporter.Counters.SpansExported);
        Assert.Equal(1, receiver.Connections);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_grpc_error_is_read_with_its_message_from_trailers_or_a_trailers_only_answer(bool trailersOnly)
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, GrpcStatus: 3, TrailersOnly: trailersOnly, GrpcMessage: "bad span%21");
        var (engine, exporter) = Start(receiver, OtlpHttpProtocol.Grpc);
        using (engine)
            Batches(engine, 2);
        Assert.Equal(2, receiver.Attempts);
        Assert.Equal(6, exporter.Counters.SpansFailed);
        Assert.Contains("gRPC status 3 bad span! (not retried)", exporter.Counters.LastError);
        Assert.Equal(1, receiver.Connections);
    }

    [Theory]
    [InlineData("x-tenant", "a\r\nx-injected: b")]
    [InlineData("x tenant", "a")]
    public void A_header_that_would_break_the_request_is_refused_naming_it(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = new Uri("http://127.0.0.1:4318/v1/traces"),
            Headers = new Dictionary<string, string> { [name] = value },
        }, Resource));
        Assert.Contains(name, e.Message);
    }
}
