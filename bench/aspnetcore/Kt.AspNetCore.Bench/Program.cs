using System.Net;
using Kt;
using Kt.AspNetCore;
using Kt.AspNetCore.Bench;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// Kt.AspNetCore.Bench MODE PORT RECEIVER
//   MODE      none | kt | otel
//   PORT      the loopback port to serve on
//   RECEIVER  the OTLP/HTTP receiver's base URL (http://127.0.0.1:PORT), /v1/traces appended
// GET /hello answers a short text; GET /chain asks /hello of this same service through an
// IHttpClientFactory client (a CLIENT span and a second SERVER span when traced); GET /stats
// gives the bytes the process has allocated, the spans the tracer has made and exported, and the
// methods the JIT has compiled (the benchmark warms the service up until that stops growing).
if (args.Length != 3 || args[0] is not ("none" or "kt" or "otel") || !int.TryParse(args[1], out int port)
    || !Uri.TryCreate(args[2], UriKind.Absolute, out var receiver))
{
    Console.Error.WriteLine("usage: Kt.AspNetCore.Bench none|kt|otel PORT RECEIVER_URL");
    return 2;
}
string mode = args[0];

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
builder.Services.AddHttpClient("self", c => c.BaseAddress = new Uri($"http://127.0.0.1:{port}"));
CountingExporter? otelExported = null;
EndedCounter? otelEnded = null;
if (mode == "kt")
{
    builder.Configuration["Kt:ServiceName"] = "bench-kt";
    builder.Configuration["Kt:Endpoint"] = receiver.ToString();
    builder.Configuration["Kt:Protocol"] = "http/protobuf";
    builder.Services.AddKtTracing();
}
else if (mode == "otel")
{
    otelEnded = new EndedCounter();
    otelExported = new CountingExporter(new OtlpTraceExporter(new OtlpExporterOptions
    {
        Endpoint = new Uri(receiver, "/v1/traces"),
        Protocol = OtlpExportProtocol.HttpProtobuf,
    }));
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(r => r.AddService("bench-otel"))
        .WithTracing(tracing => tracing
            .SetSampler(new AlwaysOnSampler())
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddProcessor(otelEnded)
            .AddProcessor(new BatchActivityExportProcessor(otelExported)));
}

var app = builder.Build();
app.MapGet("/hello", () => "Hello, World!");
app.MapGet("/chain", async (IHttpClientFactory clients) => await clients.CreateClient("self").GetStringAsync("/hello"));
app.MapGet("/stats", () =>
{
    // Spans made (finished, or ended by the SDK) and exported so far; methods the JIT has compiled.
    long made = 0, exported = 0;
    if (mode == "kt" && Tracing.Engine?.ReadCounters() is { } c)
        (made, exported) = (c.SpansFinished, c.SpansExported);
    else if (otelExported is not null)
        (made, exported) = (otelEnded!.Ended, otelExported.Exported);
    return $"allocated {GC.GetTotalAllocatedBytes(precise: true)} made {made} exported {exported} jit {System.Runtime.JitInfo.GetCompiledMethodCount()}\n";
});
app.Run();
return 0;
