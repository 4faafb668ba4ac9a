using System.Net;
using BenchmarkDotNet.Attributes;
using Kt.Export.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kt.Bench;

/// <summary>
/// Spans all the way to an OTLP/HTTP receiver on loopback (Kestrel, reading every body): each
/// invocation starts and finishes 20,000 HTTP server spans with two attributes, then waits until
/// the exporter thread has delivered them. Per span; delivered spans per second is 1e9 / the mean.
/// Both cores are busy: the caller, the exporter thread and the receiver share them.
/// </summary>
[MemoryDiagnoser]
public class EndToEnd
{
    private const int Spans = 20_000;

    private WebApplication _receiver = null!;
    private TraceEngine _engine = null!;
    private OtlpHttpExporter _exporter = null!;
    private Tracer _tracer = null!;
    private TraceContext _context = null!;
    private long _received;

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _receiver = builder.Build();
        _receiver.MapPost("/v1/traces", async (HttpContext http) =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer)) > 0)
                Interlocked.Add(ref _received, read);
            http.Response.StatusCode = 200;
        });
        _receiver.StartAsync().GetAwaiter().GetResult();
        var address = _receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _exporter = new OtlpHttpExporter(new OtlpHttpOptions { Endpoint = new Uri(address + "/v1/traces") }, [new("service.name", "bench")]);
        _engine = new TraceEngine(new EngineOptions
        {
            MaxSpans = 1 << 15,
            QueueCapacityPerThread = 1 << 15,
            MaxExportBatchSize = 512,
            PollInterval = TimeSpan.FromMilliseconds(5),
            Exporter = _exporter,
        });
        _tracer = _engine.CreateTracer("bench.e2e");
        _context = new TraceContext();
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public void Delivered()
    {
        for (int i = 0; i < Spans; i++)
        {
            var span = _tracer.StartSpan(_context, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
            span.SetAttribute("http.request.method", "GET");
            span.SetAttribute("http.response.status_code", 200);
            span.Finish();
        }
        if (!_engine.ForceFlush(TimeSpan.FromSeconds(60)))
            throw new InvalidOperationException("the exporter did not deliver within a minute");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var engine = _engine.ReadCounters();
        var exporter = _exporter.Counters;
        Console.WriteLine($"// kt counters: {engine}");
        Console.WriteLine($"// exporter: {exporter.SpansExported} spans in {exporter.BatchesExported} batches, {exporter.BytesSent} bytes " +
            $"({exporter.BytesSent / (double)Math.Max(1, exporter.SpansExported):0.0} per span), failed {exporter.SpansFailed}, received {Interlocked.Read(ref _received)} bytes");
        _engine.Dispose();
        _receiver.StopAsync().GetAwaiter().GetResult();
    }
}
