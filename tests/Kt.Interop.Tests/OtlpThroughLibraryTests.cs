using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Kt.Interop.Tests;

/// <summary>
/// Spans made through libkt.so leave as OTLP that the decoder generated from the official
/// schema (tests/otlp) reads back field for field.
/// </summary>
[Collection(NativeEngineCollection.Name)]
public class OtlpThroughLibraryTests
{
    [Fact]
    public void Spans_made_through_the_library_decode_with_the_official_schema()
    {
        var root = NativeEngineFixture.FindRepoRoot();
        var file = Path.Combine(Path.GetTempPath(), $"kt-interop-{Environment.ProcessId}.jsonl");
        File.Delete(file);
        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            KtSetting[] settings = [new("max_spans", "64"), new("exporter", "otlp"), new("file", file), new("service_name", "from-c-abi")];
            Assert.Equal(KtResult.Ok, KtNative.Init(settings));
            Assert.Equal(KtResult.Ok, NativeTracer.Create("interop", out var tracer));
            Assert.Equal(KtResult.Ok, tracer.StartSpan(NativeContext.None, "GET /"u8, new NativeSpanOptions { Kind = NativeSpanKind.Server }, out var span));
            Assert.Equal(KtResult.Ok, span.SetAttribute("http.request.method"u8, "GET"u8));
            Assert.Equal(KtResult.Ok, span.SetAttribute("http.response.status_code"u8, 200));
            Assert.Equal(KtResult.Ok, span.RecordError("boom"));
            Assert.Equal(KtResult.Ok, span.Finish());
            Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));

            var decoded = Decode(root, file);
            var resourceSpans = decoded.GetProperty("resourceSpans")[0];
            Assert.Contains("from-c-abi", resourceSpans.GetProperty("resource").GetRawText());
            var scope = resourceSpans.GetProperty("scopeSpans")[0];
            Assert.Equal("interop", scope.GetProperty("scope").GetProperty("name").GetString());
            var s = scope.GetProperty("spans")[0];
            Assert.Equal("GET /", s.GetProperty("name").GetString());
            Assert.Equal(2, s.GetProperty("kind").GetInt32());
            var attributes = s.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value"));
            Assert.Equal("GET", attributes["http.request.method"].GetProperty("stringValue").GetString());
            Assert.Equal("200", attributes["http.response.status_code"].GetProperty("intValue").GetString());
            Assert.Equal("exception", s.GetProperty("events")[0].GetProperty("name").GetString());
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
            File.Delete(file);
        }
    }

    [Fact]
    public void A_failing_endpoint_is_counted_and_named_through_the_library()
    {
        // A port nothing listens on: every attempt is refused at once.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var endpoint = $"http://127.0.0.1:{port}/v1/traces";
        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            KtSetting[] settings = [new("max_spans", "64"), new("exporter", "otlp"), new("endpoint", endpoint), new("timeout_ms", "200")];
            Assert.Equal(KtResult.Ok, KtNative.Init(settings));
            Assert.Equal("", KtNative.ExporterLastError);
            Assert.Equal(KtResult.Ok, NativeTracer.Global.StartSpan(NativeContext.None, "lost"u8, default, out var span));
            Assert.Equal(KtResult.Ok, span.Finish());
            Assert.Equal(KtResult.Ok, KtNative.Flush(TimeSpan.FromSeconds(10)));
            Assert.Equal(KtResult.Ok, KtNative.ExporterCounters(out var counters));
            Assert.Equal(1UL, counters.SpansFailed);
            Assert.Contains(endpoint, KtNative.ExporterLastError);
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
        }
    }

    private static JsonElement Decode(string root, string file)
    {
        var decoder = Path.Combine(root, "tests", "otlp", "decode.js");
        Assert.True(Directory.Exists(Path.Combine(root, "tests", "otlp", "node_modules", "@opentelemetry", "otlp-transformer")),
            "the OTLP decoder is not installed in tests/otlp: run ./build.sh setup (or ./build.sh test)");
        var line = File.ReadAllLines(file).Single();
        var request = Path.GetTempFileName();
        try
        {
            File.WriteAllText(request, line, new UTF8Encoding(false));
            using var node = Process.Start(new ProcessStartInfo("node", [decoder, "--json", request]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = node.StandardOutput.ReadToEndAsync();
            var error = node.StandardError.ReadToEndAsync();
            Assert.True(node.WaitForExit(60_000), "node did not finish decoding in a minute");
            Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}: {error.Result}");
            return JsonDocument.Parse(output.Result).RootElement.Clone();
        }
        finally
        {
            File.Delete(request);
        }
    }
}
