using System.Diagnostics;

namespace Kt.Tests;

/// <summary>
/// The README's demo (bindings/nginx/demo/run.sh, its nginx.conf) as ./build.sh demo runs it:
/// both workers append to one OTLP JSON lines file, which the independent decoder reads whole,
/// and every traced request is a front SERVER span, a CLIENT span per upstream try and the
/// app's SERVER span under it.
/// </summary>
[Collection("nginx")]
public sealed class NginxDemoTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("kt-demo-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_output, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task The_demo_leaves_valid_otlp_json_lines_with_server_and_client_spans()
    {
        var script = Path.Combine(OtlpDecoder.RepositoryRoot(), "bindings", "nginx", "demo", "run.sh");
        var start = new ProcessStartInfo("bash", [script, _output]) { RedirectStandardOutput = true, RedirectStandardError = true };
        int sent;
        using (var run = Process.Start(start)!)
        {
            var stdoutTask = run.StandardOutput.ReadToEndAsync();
            var stderrTask = run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            string stdout = await stdoutTask, stderr = await stderrTask;
            Assert.True(run.ExitCode == 0, $"run.sh exited with {run.ExitCode}:\n{stdout}\n{stderr}");
            var count = System.Text.RegularExpressions.Regex.Match(stdout, @"sent (\d+) requests");
            Assert.True(count.Success, stdout);
            sent = int.Parse(count.Groups[1].Value);
        }

        var file = Path.Combine(_output, "traces.jsonl");
        var requests = OtlpDecoder.DecodeJsonLines(file);
        var spans = requests.EnumerateArray().SelectMany(ReceivedSpans.Spans).ToList();
        Assert.Equal(File.ReadAllLines(file).Count(l => l.Length > 0), requests.GetArrayLength());

        var servers = spans.Where(s => s.Kind == DecodedSpan.Server).ToList();
        var clients = spans.Where(s => s.Kind == DecodedSpan.Client).ToList();
        Assert.All(spans, s => Assert.Equal("kt-demo-nginx", s.ServiceName));
        // /health is not traced and one caller did not sample; every other request is a trace
        // whose front SERVER span is its root or continues the caller's.
        var byId = spans.ToDictionary(s => s.SpanId);
        var fronts = servers.Where(s => s.ParentSpanId is null || !byId.ContainsKey(s.ParentSpanId)).ToList();
        Assert.Equal(sent - 2, fronts.Count);
        Assert.Equal(sent - 2, spans.Select(s => s.TraceId).Distinct().Count());
        Assert.DoesNotContain(spans, s => s.String("url.path") == "/health");
        Assert.DoesNotContain(spans, s => s.TraceId == "4bf92f3577b34da6a3ce929d0e0e4736");

        // Every CLIENT span is a front's upstream try, and the app continued it.
        Assert.NotEmpty(clients);
        foreach (var client in clients)
        {
            Assert.Equal(DecodedSpan.Server, byId[client.ParentSpanId!].Kind);
            var app = Assert.Single(servers, s => s.ParentSpanId == client.SpanId);
            Assert.Equal(client.TraceId, app.TraceId);
        }

        var continued = Assert.Single(fronts, s => s.TraceId == "0af7651916cd43dd8448eb211c80319c");
        Assert.Equal("b7ad6b7169203331", continued.ParentSpanId);
        var failed = fronts.Where(s => s.String("url.path") == "/api/fail").ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, s => Assert.Equal(2, s.StatusCode));
        var admin = Assert.Single(fronts, s => s.String("url.path") == "/admin/7" && s.Int("http.response.status_code") == 200);
        Assert.Equal(2, clients.Count(c => c.ParentSpanId == admin.SpanId)); // the auth_request subrequest and the proxy
        var disk = Assert.Single(fronts, s => s.String("url.path") == "/assets/logo.txt");
        Assert.DoesNotContain(clients, c => c.ParentSpanId == disk.SpanId);

        var log = File.ReadAllText(Path.Combine(_output, "logs", "error.log"));
        Assert.DoesNotContain("[alert]", log);
        Assert.DoesNotContain("exited on signal", log);
        Assert.Equal(spans.Count, WorkerExitCounts(log).Sum());
    }

    // "kt: worker exit: spans exported: N, ..." from each worker's exit.
    private static IEnumerable<long> WorkerExitCounts(string log) =>
        System.Text.RegularExpressions.Regex.Matches(log, @"kt: worker exit: spans exported: (\d+)").Select(m => long.Parse(m.Groups[1].Value));
}
