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
            Assert.Equal(KtResult.SpansLost, KtNative.Flush(TimeSpan.FromSeconds(10)));
            Assert.Contains("1 span lost", KtNative.LastError);
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

    [Fact]
    public void Spans_reach_an_http_receiver_through_the_library_on_one_connection()
    {
        // A minimal HTTP/1.1 receiver on its own thread: answers 200 to every request, keeping the connection.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        int connections = 0, requests = 0;
        string? contentType = null;
        var receiver = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    using var client = listener.AcceptTcpClient();
                    Interlocked.Increment(ref connections);
                    var stream = client.GetStream();
                    var reader = new BinaryReader(stream);
                    while (true)
                    {
                        var head = new StringBuilder();
                        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                            head.Append((char)reader.ReadByte());
                        var lines = head.ToString().Split("\r\n");
                        contentType ??= lines.First(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))[13..].Trim();
                        int length = int.Parse(lines.First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
                        reader.ReadBytes(length);
                        Interlocked.Increment(ref requests);
                        stream.Write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8);
                    }
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The exporter closed its connection, or the test stopped the listener.
            }
        }) { IsBackground = true };
        receiver.Start();
        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            KtSetting[] settings = [new("max_spans", "64"), new("exporter", "otlp"), new("endpoint", $"http://127.0.0.1:{port}/v1/traces")];
            Assert.Equal(KtResult.Ok, KtNative.Init(settings));
            for (int batch = 0; batch < 3; batch++)
            {
                Assert.Equal(KtResult.Ok, NativeTracer.Global.StartSpan(NativeContext.None, "delivered"u8, default, out var span));
                Assert.Equal(KtResult.Ok, span.Finish());
                Assert.Equal(KtResult.Ok, KtNative.Flush(TimeSpan.FromSeconds(10)));
            }
            Assert.Equal(KtResult.Ok, KtNative.ExporterCounters(out var counters));
            Assert.Equal(3UL, counters.SpansExported);
            Assert.Equal(0UL, counters.SpansFailed);
            Assert.Equal(3, Volatile.Read(ref requests));
            Assert.Equal(1, Volatile.Read(ref connections));
            Assert.Equal("application/x-protobuf", contentType);
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
            listener.Stop();
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
