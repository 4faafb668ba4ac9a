using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kt.Export.Otlp;
using Kt.Tests;
using Kt.TraceViewer;

namespace Kt.Bench;

/// <summary>
/// How the trace viewer copes with a large file, in Debian's headless Chromium:
/// `dotnet run -c Release --project bench/Kt.Bench -- viewer [RESULTS.md]`. kt's engine writes
/// 100,000 spans as OTLP JSON lines (33,000 requests of a SERVER span, its CLIENT span and the
/// upstream's SERVER span, with the attributes the nginx module sets, and one trace of 1,000
/// spans); Kt.TraceViewer makes the page; Chromium loads it 5 times, each time in a new tab. The
/// page's own clock (performance.now(), from the start of navigation) gives when the list was
/// drawn and when the first frame after it was done; then the 1,000-span trace is opened by
/// typing its id into the filter and clicking its row, timed from the click's handler to the
/// frame after it, and a name filter is typed over every trace.
/// </summary>
internal static class ViewerLoad
{
    private const int Requests = 33_000, BigTrace = 1_000, Rounds = 5;

    public static async Task<int> Run(string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("kt-viewer-bench-").FullName;
        try
        {
            var jsonl = Path.Combine(dir, "traces.jsonl");
            var bigTrace = Generate(jsonl);
            var html = Path.Combine(dir, "traces.html");
            var build = Stopwatch.StartNew();
            int exit = TraceViewerCommand.Run([jsonl, html], Console.Out, Console.Error);
            var built = build.Elapsed;
            if (exit != 0)
                throw new InvalidOperationException($"Kt.TraceViewer exited with {exit}");

            var rounds = new List<Round>();
            await using (var browser = await HeadlessChromium.StartAsync())
            {
                for (int r = 0; r < Rounds; r++)
                    rounds.Add(await Measure(browser, html, bigTrace));
            }

            var report = Report(rounds, new FileInfo(jsonl).Length, new FileInfo(html).Length, built);
            Console.WriteLine(report);
            if (args.Length > 1)
                File.WriteAllText(args[1], report);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Writes the file through the engine's OTLP JSON file exporter; returns the id of the 1,000-span trace.
    private static string Generate(string path)
    {
        var engine = Tracing.Initialize(new EngineOptions
        {
            MaxSpans = 16_384,
            QueueCapacityPerThread = 16_384,
            Exporter = new OtlpFileExporter(path, [new("service.name", "kt-bench"), new("deployment.environment", "bench")]),
        });
        var tracer = Tracing.Global;
        string[] paths = ["/api/users/42", "/api/orders", "/api/nothing", "/api/fail", "/assets/app.css"];
        for (int i = 0; i < Requests; i++)
        {
            var request = new TraceContext();
            var route = paths[i % paths.Length];
            long status = route == "/api/fail" ? 500 : route == "/api/nothing" ? 404 : 200;
            var front = tracer.StartSpan(request, "GET /api/", new SpanOptions
            {
                Kind = SpanKind.Server,
                Attributes = [new("http.request.method", "GET"), new("url.path", route), new("url.scheme", "http"), new("http.route", "/api/"),
                    new("server.address", "demo.local"), new("server.port", 8080L), new("client.address", "127.0.0.1"), new("user_agent.original", "bench/1.0")],
            });
            var client = tracer.StartSpan(request, "GET", new SpanOptions
            {
                Kind = SpanKind.Client,
                Parent = front,
                Attributes = [new("http.request.method", "GET"), new("server.address", "127.0.0.1"), new("server.port", 8081L)],
            });
            var app = tracer.StartSpan(request, "GET " + route, new SpanOptions
            {
                Kind = SpanKind.Server,
                Parent = client,
                Attributes = [new("http.request.method", "GET"), new("url.path", route), new("server.address", "app"), new("server.port", 8081L)],
            });
            Respond(app, status);
            Respond(client, status);
            Respond(front, status);
            app.Finish();
            client.Finish();
            front.Finish();
            request.End();
            if (i % 2_000 == 1_999)
                engine.ForceFlush(TimeSpan.FromSeconds(30));
        }

        var big = new TraceContext();
        var root = tracer.StartSpan(big, "batch import", new SpanOptions { Kind = SpanKind.Internal });
        for (int i = 1; i < BigTrace; i++)
        {
            var step = tracer.StartSpan(big, $"row {i}", new SpanOptions { Kind = i % 10 == 0 ? SpanKind.Client : SpanKind.Internal, Parent = root });
            step.SetAttribute("row", (long)i);
            if (i % 100 == 0)
                step.AddEvent("checkpoint");
            step.Finish();
        }
        var bigTrace = root.Context.TraceId.ToString();
        root.Finish();
        big.End();
        engine.ForceFlush(TimeSpan.FromSeconds(30));
        var counters = engine.ReadCounters();
        Tracing.Shutdown(TimeSpan.FromSeconds(30));
        long expected = Requests * 3L + BigTrace;
        if (counters.SpansExported != expected)
            throw new InvalidOperationException($"the engine exported {counters.SpansExported} spans of {expected} (dropped: {counters.DroppedNoSlot} for want of a slot, {counters.DroppedQueueFull} of queue space)");
        return bigTrace;
    }

    private static void Respond(SpanHandle span, long status)
    {
        span.SetAttribute("http.response.status_code", status);
        if (status >= 500)
            span.SetStatus(StatusCode.Error);
    }

    private sealed record Round(double Start, double Parsed, double Listed, double Painted, double OpenScript, double OpenFrame, double Filter);

    private static async Task<Round> Measure(HeadlessChromium browser, string html, string bigTrace)
    {
        await using var page = await browser.NewPageAsync(1280, 800);
        await page.NavigateAsync(new Uri(html).AbsoluteUri);
        await page.WaitForAsync("document.body.dataset.ready === 'true' && window.ktViewer.timings.painted > 0", "the page ready");
        var load = await page.EvaluateAsync("window.ktViewer.timings");

        await page.TypeAsync("#f-name", bigTrace);
        await page.WaitForAsync("document.getElementById('trace-count').dataset.shown === '1'", "the big trace alone in the list");
        await page.ClickAsync($".trace-row[data-trace='{bigTrace}']");
        await page.WaitForAsync($"window.ktViewer.timings.open.trace === '{bigTrace}' && window.ktViewer.timings.open.frame > 0", "the big trace open");
        var open = await page.EvaluateAsync("window.ktViewer.timings.open");

        var filter = await page.EvaluateAsync("""
            (() => {
              const f = document.getElementById('f-name'), started = performance.now();
              f.value = 'fail';
              f.dispatchEvent(new Event('input', { bubbles: true }));
              return performance.now() - started;
            })()
            """);
        if (page.ScriptErrors().Count > 0)
            throw new InvalidOperationException("the page raised errors: " + string.Join('\n', page.ScriptErrors()));
        return new Round(
            load.GetProperty("start").GetDouble(), load.GetProperty("parsed").GetDouble(), load.GetProperty("listed").GetDouble(), load.GetProperty("painted").GetDouble(),
            open.GetProperty("script").GetDouble(), open.GetProperty("frame").GetDouble(), filter.GetDouble());
    }

    private static string Report(List<Round> rounds, long jsonlBytes, long htmlBytes, TimeSpan built)
    {
        static string Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2].ToString("0", CultureInfo.InvariantCulture) + " ms";
        }
        static string All(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0", CultureInfo.InvariantCulture)));
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        var chromium = Process.Start(new ProcessStartInfo("chromium", "--version") { RedirectStandardOutput = true })!;
        var version = chromium.StandardOutput.ReadToEnd().Trim();
        chromium.WaitForExit();
        return string.Join('\n',
            "# The trace viewer with 100,000 spans",
            "",
            $"{Requests * 3 + BigTrace:N0} spans ({Requests:N0} traces of 3 spans and one of {BigTrace:N0}) written by kt's OTLP JSON file exporter: " +
            $"{jsonlBytes / 1048576.0:0.0} MiB of JSON lines, a page of {htmlBytes / 1048576.0:0.0} MiB made by Kt.TraceViewer in {built.TotalSeconds:0.0} s (the machine's load included).",
            $"{version}, headless, 1280x800, {Rounds} loads each in a new tab; load average {string.Join(' ', load)} when the report was written.",
            "",
            "| what (the page's clock) | median | every run |",
            "|---|---:|---|",
            $"| the page's script starts (the browser has read the page and the list of traces up to it), from the start of navigation | {Median(rounds.Select(r => r.Start))} | {All(rounds.Select(r => r.Start))} |",
            $"| the list of traces parsed | {Median(rounds.Select(r => r.Parsed))} | {All(rounds.Select(r => r.Parsed))} |",
            $"| the list drawn | {Median(rounds.Select(r => r.Listed))} | {All(rounds.Select(r => r.Listed))} |",
            $"| the newest trace open and drawn (its chunk inflated once the page is read), to the frame after it | {Median(rounds.Select(r => r.Painted))} | {All(rounds.Select(r => r.Painted))} |",
            $"| the 1,000-span trace opened: click handler | {Median(rounds.Select(r => r.OpenScript))} | {All(rounds.Select(r => r.OpenScript))} |",
            $"| the same, to the frame after it | {Median(rounds.Select(r => r.OpenFrame))} | {All(rounds.Select(r => r.OpenFrame))} |",
            $"| a name typed into the filter, over every trace | {Median(rounds.Select(r => r.Filter))} | {All(rounds.Select(r => r.Filter))} |",
            "");
    }
}
