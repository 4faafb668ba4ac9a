using Kt;
using Kt.Export;
using Kt.Export.Otlp;
using Kt.Timing;

namespace Kt.Demo;

/// <summary>
/// A small service handling three requests, traced the way a Kong plugin would trace them. The
/// spans go to memory (to print them here) and, as OTLP JSON lines, to a file any OpenTelemetry
/// tool reads: the embedded default, no collector needed.
/// </summary>
internal static class InProcessDemo
{
    public static int Run()
    {
        var traces = Path.GetFullPath(Path.Combine("artifacts", "demo-dotnet", "traces.jsonl"));
        Directory.CreateDirectory(Path.GetDirectoryName(traces)!);
        File.Delete(traces);
        var exporter = new InMemoryExporter();
        var file = new OtlpFileExporter(traces, [new("service.name", "kt-demo")]);
        var engine = Tracing.Initialize(new EngineOptions { MaxSpans = 1024, Exporter = new TeeExporter(exporter, file) });
        var plugin = Tracing.New("demo-plugin", new TracerOptions { SamplingRate = 1.0 });

        HandleRequest(plugin, "GET", "/users/42", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", fail: false);
        HandleRequest(plugin, "POST", "/orders", traceparent: null, fail: true);
        HandleRequest(plugin, "GET", "/health", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", fail: false);

        engine.ForceFlush(TimeSpan.FromSeconds(5));
        Console.WriteLine(SpanTree.Render(exporter.Spans));
        var c = engine.ReadCounters();
        Console.WriteLine($"clock: {(Clock.UsesTsc ? "TSC" : "monotonic")}, {Clock.TicksPerSecond / 1e6:0.000} MHz");
        Console.WriteLine($"spans started {c.SpansStarted}, finished {c.SpansFinished}, sampled out {c.SpansSampledOut}, " +
            $"released {c.SpansReleased}, exported {c.SpansExported}, dropped {c.DroppedNoSlot + c.DroppedQueueFull}, slots in use {c.SlotsInUse}");
        Tracing.Shutdown(TimeSpan.FromSeconds(5));
        Console.WriteLine($"OTLP JSON: {traces} ({File.ReadAllLines(traces).Length} request(s), {new FileInfo(traces).Length} bytes)");
        return 0;
    }

    private static void HandleRequest(Tracer plugin, string method, string path, string? traceparent, bool fail)
    {
        var request = new TraceContext();
        if (traceparent is not null)
            request.Extract(traceparent, "kt=demo");

        var tracer = Tracing.Global;
        var server = tracer.StartSpan(request, $"{method} {path}", new SpanOptions
        {
            Kind = SpanKind.Server,
            Attributes = [new("http.request.method", method), new("url.path", path), new("url.scheme", "http")],
        });
        tracer.SetActiveSpan(server, request);

        var auth = plugin.StartSpan(request, "auth", new SpanOptions { Parent = tracer.ActiveSpan(request), Kind = SpanKind.Internal });
        auth.SetAttribute("auth.method", "key-auth");
        Thread.Sleep(1);
        auth.Finish();

        var db = tracer.StartSpan(request, "SELECT users", new SpanOptions { Kind = SpanKind.Client });
        db.SetAttribute("db.system", "postgresql");
        db.SetAttribute("db.response.returned_rows", 1L);
        db.AddEvent("cache.miss", [new("cache.key", path)]);
        Thread.Sleep(2);
        db.Finish();

        var upstream = tracer.StartSpan(request, "upstream", new SpanOptions { Kind = SpanKind.Client });
        tracer.SetActiveSpan(upstream, request);
        Span<byte> header = stackalloc byte[64];
        upstream.TryFormatTraceparent(header, out int written);
        upstream.SetAttribute("http.request.header.traceparent", System.Text.Encoding.ASCII.GetString(header[..written]));
        if (fail)
        {
            upstream.RecordError("connection refused");
            upstream.SetStatus(StatusCode.Error, "upstream unavailable");
        }
        upstream.Finish();

        // A span the handler forgot to finish: ending the request releases it.
        plugin.StartSpan(request, "forgotten", default);

        server.SetAttribute("http.response.status_code", fail ? 502L : 200L);
        if (fail)
            server.SetStatus(StatusCode.Error);
        server.Finish();
        request.End();
    }
}
