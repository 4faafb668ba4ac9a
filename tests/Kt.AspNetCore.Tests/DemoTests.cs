using System.Diagnostics;
using System.Text.Json;

namespace Kt.Tests;

/// <summary>
/// The ASP.NET Core demo as <c>./build.sh demodotnet</c> runs it (Kt.Demo --aspnetcore DIR): the
/// OTLP JSON lines file it leaves, read by the independent decoder, holds each order as a SERVER,
/// CLIENT and SERVER span in one tree, the callers' traces continued.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("kt-demo-aspnetcore-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_output, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task EachOrderIsAServerClientServerTree()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var demo = Path.Combine(OtlpDecoder.RepositoryRoot(), "bindings", "dotnet", "Kt.Demo", "bin", configuration, "net10.0", "Kt.Demo.dll");
        Assert.True(File.Exists(demo), $"no {demo}: build the solution");
        var start = new ProcessStartInfo("dotnet", [demo, "--aspnetcore", _output]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using (var run = Process.Start(start)!)
        {
            var stdout = run.StandardOutput.ReadToEndAsync();
            var stderr = run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, $"the demo exited with {run.ExitCode}:\n{await stdout}\n{await stderr}");
            Assert.Contains("# a caller's W3C traceparent", await stdout);
        }

        var requests = OtlpDecoder.DecodeJsonLines(Path.Combine(_output, "traces.jsonl"));
        var spans = new List<JsonElement>();
        foreach (var request in requests.EnumerateArray())
        {
            foreach (var rs in request.GetProperty("resourceSpans").EnumerateArray())
            {
                var service = OtlpDecoder.Attributes(rs.GetProperty("resource").GetProperty("attributes"))["service.name"].GetProperty("stringValue").GetString();
                Assert.Equal("kt-demo-aspnetcore", service);
                foreach (var ss in rs.GetProperty("scopeSpans").EnumerateArray())
                    spans.AddRange(ss.GetProperty("spans").EnumerateArray());
            }
        }
        string Id(JsonElement s) => s.GetProperty("spanId").GetString()!;
        string? Parent(JsonElement s) => s.TryGetProperty("parentSpanId", out var p) && p.GetString() is { Length: > 0 } id ? id : null;
        string Name(JsonElement s) => s.GetProperty("name").GetString()!;
        var byId = spans.ToDictionary(Id);

        var orders = spans.Where(s => Name(s) == "GET /api/orders/{id}").ToList();
        Assert.Equal(5, orders.Count); // a warm-up request and four in the list
        foreach (var order in orders)
        {
            var call = Assert.Single(spans, s => Parent(s) == Id(order));
            Assert.Equal(3, call.GetProperty("kind").GetInt32());
            var stock = Assert.Single(spans, s => Parent(s) == Id(call));
            Assert.Equal("GET /api/stock/{id}", Name(stock));
            Assert.Equal(2, stock.GetProperty("kind").GetInt32());
            Assert.All(new[] { call, stock }, s => Assert.Equal(order.GetProperty("traceId").GetString(), s.GetProperty("traceId").GetString()));
        }
        // The callers' traces, W3C and B3, are continued; the caller that did not sample left no span.
        var traces = spans.Select(s => s.GetProperty("traceId").GetString()).ToHashSet();
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", traces);
        Assert.Contains("80f198ee56343ba864fe8b2a57d3eff7", traces);
        Assert.DoesNotContain("4bf92f3577b34da6a3ce929d0e0e4736", traces);
        Assert.DoesNotContain(spans, s => Name(s).Contains("health"));
        // The failing stock lookup: an error with its exception.
        var failed = Assert.Single(spans, s => Name(s) == "GET /api/stock/{id}" && s.GetProperty("events").GetArrayLength() > 0);
        Assert.Equal("exception", failed.GetProperty("events")[0].GetProperty("name").GetString());
        Assert.Equal(2, failed.GetProperty("status").GetProperty("code").GetInt32());
    }
}
