using System.Net;
using BenchmarkDotNet.Attributes;
using Kt.Export.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kt.Bench;

/// <summary>
/// Spans all the way to an OTLP receiver on loopback (Kestrel, reading every body), in each
/// protocol: each invocation starts and finishes 20,000 HTTP server spans with two attributes,
/// then waits until the exporter thread has delivered them. Per span; delivered spans per second
/// is 1e9 / the mean. Both cores are busy: the caller, the exporter thread and the receiver
/// share them. The log also gives the exporter thread's bytes allocated per batch and the
/// thread-pool work items completed per batch, in the whole process (see Cleanup).
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
    private bool _warm;
    private long _allocatedAtWarm, _batchesAtWarm, _workItemsAtWarm, _spansAtWarm;
    private TimeSpan _cpuAtWarm;

    [Params(OtlpHttpProtocol.Protobuf, OtlpHttpProtocol.Json, OtlpHttpProtocol.Grpc)]
    public OtlpHttpProtocol Protocol { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bool grpc = Protocol == OtlpHttpProtocol.Grpc;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Kestrel runs its connections inline on the socket thread, so that the thread-pool count
        // below is, as far as Kestrel allows, the sender's (Kestrel still queues each HTTP/2
        // stream to the thread pool).
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        _receiver = builder.Build();
        _receiver.MapPost(grpc ? OtlpHttpExporter.GrpcMethod : "/v1/traces", async (HttpContext http) =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer)) > 0)
                Interlocked.Add(ref _received, read);
            http.Response.StatusCode = 200;
            if (grpc)
            {
                http.Response.ContentType = "application/grpc";
                await http.Response.Body.WriteAsync(new byte[5]);
                http.Response.AppendTrailer("grpc-status", "0");
            }
        });
        _receiver.StartAsync().GetAwaiter().GetResult();
        var address = _receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var endpoint = new Uri(address + (grpc ? OtlpHttpExporter.GrpcMethod : "/v1/traces"));
        _exporter = new OtlpHttpExporter(new OtlpHttpOptions { Endpoint = endpoint, Protocol = Protocol }, [new("service.name", "bench")]);
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
        if (!_warm)
        {
            // From the end of the first invocation on: the connection is up, the buffers are grown.
            _warm = true;
            _allocatedAtWarm = _engine.ExporterAllocatedBytes;
            _batchesAtWarm = _exporter.Counters.BatchesExported;
            _workItemsAtWarm = ThreadPool.CompletedWorkItemCount;
            _spansAtWarm = _exporter.Counters.SpansExported;
            _cpuAtWarm = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var engine = _engine.ReadCounters();
        var exporter = _exporter.Counters;
        long batches = Math.Max(1, exporter.BatchesExported - _batchesAtWarm);
        Console.WriteLine($"// kt counters: {engine}");
        Console.WriteLine($"// exporter: {exporter.SpansExported} spans in {exporter.BatchesExported} batches, {exporter.BytesSent} bytes " +
            $"({exporter.BytesSent / (double)Math.Max(1, exporter.SpansExported):0.0} per span), failed {exporter.SpansFailed}, received {Interlocked.Read(ref _received)} bytes");
        Console.WriteLine($"// steady state ({Protocol}, {batches} batches): exporter thread allocated {(_engine.ExporterAllocatedBytes - _allocatedAtWarm) / (double)batches:0.0} B per batch; " +
            $"thread-pool work items {(ThreadPool.CompletedWorkItemCount - _workItemsAtWarm) / (double)batches:0.00} per batch (whole process, receiver included); " +
            $"process CPU {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtWarm).TotalNanoseconds / Math.Max(1, exporter.SpansExported - _spansAtWarm):0} ns per delivered span (caller, exporter and receiver)");
        _engine.Dispose();
        _receiver.StopAsync().GetAwaiter().GetResult();
    }
}
