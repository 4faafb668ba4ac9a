using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Kt.Export;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// OTLP protobuf from the encoder, decoded by the code OpenTelemetry's JavaScript project
/// generates from the official schema (tests/otlp, installed by ./build.sh setup): every
/// field the engine records comes back equal.
/// </summary>
public class OtlpEncoderTests
{
    private sealed class CapturingExporter(OtlpTraceEncoder encoder, OtlpJsonEncoder json) : ISpanExporter
    {
        public List<byte[]> Requests { get; } = [];

        public List<byte[]> JsonRequests { get; } = [];

        public bool Export(in SpanBatch batch)
        {
            Requests.Add(encoder.Encode(batch).ToArray());
            JsonRequests.Add(json.Encode(batch).ToArray());
            return true;
        }

        public void Shutdown()
        {
        }
    }

    /// <summary>Encodes nothing it keeps: what the exporter thread pays to encode.</summary>
    private sealed class DiscardingExporter(OtlpTraceEncoder encoder, OtlpJsonEncoder json) : ISpanExporter
    {
        public long Bytes;

        public bool Export(in SpanBatch batch)
        {
            Bytes += encoder.Encode(batch).Length;
            Bytes += json.Encode(batch).Length;
            return true;
        }

        public void Shutdown()
        {
        }
    }

    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "checkout"), new("host.name", "kt-test")];

    [Fact]
    public void Every_recorded_field_decodes_equal_with_the_official_schema()
    {
        var exporter = new CapturingExporter(new OtlpTraceEncoder(Resource), new OtlpJsonEncoder(Resource));
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter, Limits = new SpanLimits { AttributeCountLimit = 9 } });
        var http = engine.CreateTracer("http");
        var db = engine.CreateTracer("db");
        var context = new TraceContext();
        context.Extract("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8, "congo=t61rcWkgMzE"u8);

        var server = http.StartSpan(context, "GET /users/{id}", new SpanOptions
        {
            Kind = SpanKind.Server,
            StartTimeUnixNanoseconds = 1_700_000_000_123_456_789,
            Attributes = [new("http.request.method", "GET"), new("http.response.status_code", 503L)],
        });
        http.SetActiveSpan(server, context);
        server.SetAttribute("ratio", 0.25);
        server.SetAttribute("cached", true);
        server.SetAttribute("tags", (ReadOnlySpan<string>)["a", "żółw"]);
        server.SetAttribute("ports", (ReadOnlySpan<long>)[80, -443]);
        server.SetAttribute("weights", (ReadOnlySpan<double>)[0.5, 1e300]);
        server.SetAttribute("flags", (ReadOnlySpan<bool>)[true, false]);
        server.AddEvent("cache.miss", [new("cache.key", "users:42")], 1_700_000_000_200_000_000);
        server.RecordError("upstream timed out");
        server.AddLink(new SpanContext(new TraceId(0x1111, 0x2222), new SpanId(0x3333), TraceFlags.Sampled), [new("link.kind", "follows")]);
        server.SetStatus(StatusCode.Error, "upstream unavailable");
        for (int i = 0; i < 3; i++)
            server.SetAttribute("extra." + i, (long)i);

        var query = db.StartSpan(context, "SELECT users", new SpanOptions { Kind = SpanKind.Client, Parent = http.ActiveSpan(context) });
        query.SetAttribute("db.system", "postgresql");
        query.Finish();
        server.Finish(1_700_000_000_987_654_321);
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));

        var decoded = OtlpDecoder.Decode(Assert.Single(exporter.Requests));
        // The JSON encoding of the same batch, read through the same schema, says the same.
        var fromJson = OtlpDecoder.Decode(Assert.Single(exporter.JsonRequests), json: true);
        Assert.Equal(decoded.GetRawText(), fromJson.GetRawText());
        var resourceSpans = Assert.Single(decoded.GetProperty("resourceSpans").EnumerateArray());
        var resource = OtlpDecoder.Attributes(resourceSpans.GetProperty("resource").GetProperty("attributes"));
        Assert.Equal("checkout", resource["service.name"].GetProperty("stringValue").GetString());
        Assert.Equal("kt-test", resource["host.name"].GetProperty("stringValue").GetString());

        var scopes = resourceSpans.GetProperty("scopeSpans").EnumerateArray().ToDictionary(s => s.GetProperty("scope").GetProperty("name").GetString()!);
        Assert.Equal(["db", "http"], scopes.Keys.Order());
        var s = Assert.Single(scopes["http"].GetProperty("spans").EnumerateArray());
        var q = Assert.Single(scopes["db"].GetProperty("spans").EnumerateArray());

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", s.GetProperty("traceId").GetString());
        Assert.Equal("b7ad6b7169203331", s.GetProperty("parentSpanId").GetString());
        Assert.Equal(s.GetProperty("spanId").GetString(), q.GetProperty("parentSpanId").GetString());
        Assert.Equal("congo=t61rcWkgMzE", s.GetProperty("traceState").GetString());
        Assert.Equal("GET /users/{id}", s.GetProperty("name").GetString());
        Assert.Equal(2, s.GetProperty("kind").GetInt32());
        Assert.Equal(3, q.GetProperty("kind").GetInt32());
        Assert.Equal("1700000000123456789", s.GetProperty("startTimeUnixNano").GetString());
        Assert.Equal("1700000000987654321", s.GetProperty("endTimeUnixNano").GetString());

        var a = OtlpDecoder.Attributes(s.GetProperty("attributes"));
        Assert.Equal("GET", a["http.request.method"].GetProperty("stringValue").GetString());
        Assert.Equal("503", a["http.response.status_code"].GetProperty("intValue").GetString());
        Assert.Equal(0.25, a["ratio"].GetProperty("doubleValue").GetDouble());
        Assert.True(a["cached"].GetProperty("boolValue").GetBoolean());
        Assert.Equal(["a", "żółw"], OtlpDecoder.Values(a["tags"]).Select(v => v.GetProperty("stringValue").GetString()));
        Assert.Equal(["80", "-443"], OtlpDecoder.Values(a["ports"]).Select(v => v.GetProperty("intValue").GetString()));
        Assert.Equal([0.5, 1e300], OtlpDecoder.Values(a["weights"]).Select(v => v.GetProperty("doubleValue").GetDouble()));
        Assert.Equal([true, false], OtlpDecoder.Values(a["flags"]).Select(v => v.TryGetProperty("boolValue", out var b) && b.GetBoolean()));
        Assert.Equal(9, a.Count);
        Assert.Equal(2, s.GetProperty("droppedAttributesCount").GetInt32());

        var events = s.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["cache.miss", "exception"], events.Select(e => e.GetProperty("name").GetString()));
        Assert.Equal("1700000000200000000", events[0].GetProperty("timeUnixNano").GetString());
        Assert.Equal("users:42", OtlpDecoder.Attributes(events[0].GetProperty("attributes"))["cache.key"].GetProperty("stringValue").GetString());
        Assert.Equal("upstream timed out", OtlpDecoder.Attributes(events[1].GetProperty("attributes"))["exception.message"].GetProperty("stringValue").GetString());

        var link = Assert.Single(s.GetProperty("links").EnumerateArray());
        Assert.Equal("00000000000011110000000000002222", link.GetProperty("traceId").GetString());
        Assert.Equal("0000000000003333", link.GetProperty("spanId").GetString());
        Assert.Equal("follows", OtlpDecoder.Attributes(link.GetProperty("attributes"))["link.kind"].GetProperty("stringValue").GetString());

        Assert.Equal(2, s.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal("upstream unavailable", s.GetProperty("status").GetProperty("message").GetString());
        Assert.Equal("postgresql", OtlpDecoder.Attributes(q.GetProperty("attributes"))["db.system"].GetProperty("stringValue").GetString());
    }

    [Fact]
    public void Encoding_protobuf_and_json_on_the_exporter_thread_allocates_nothing()
    {
        var exporter = new DiscardingExporter(new OtlpTraceEncoder(Resource), new OtlpJsonEncoder(Resource));
        // Exports happen only on flush, so every batch but the last of a burst is full: the
        // encoder's buffer reaches its largest size during the warm-up and then stays.
        var options = new EngineOptions
        {
            MaxSpans = 1 << 14,
            QueueCapacityPerThread = 1 << 14,
            PollInterval = TimeSpan.FromHours(1),
            ScheduleDelay = TimeSpan.FromHours(1),
            Exporter = exporter,
        };
        using var engine = new TraceEngine(options);
        var tracer = engine.CreateTracer("alloc");
        var context = new TraceContext();
        void Spans(int count)
        {
            for (int done = 0; done < count; done += 5000)
            {
                for (int i = 0; i < 5000; i++)
                {
                    var span = tracer.StartSpan(context, "GET /users/{id}", new SpanOptions { Kind = SpanKind.Server, Attributes = [new("http.request.method", "GET")] });
                    span.SetAttribute("http.response.status_code", 200L);
                    span.AddEvent("cache.miss", [new("cache.key", "users:42")]);
                    span.SetStatus(StatusCode.Error, "failed");
                    span.Finish();
                }
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            }
        }
        Spans(20_000);
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        long before = engine.ExporterAllocatedBytes;
        Spans(100_000);
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, engine.ExporterAllocatedBytes - before);
        Assert.True(exporter.Bytes > 100_000 * 50);
        Assert.Equal(0, engine.ReadCounters().DroppedNoSlot);
    }

    [Fact]
    public void The_file_exporter_appends_one_json_request_per_batch()
    {
        var path = Path.GetTempFileName();
        try
        {
            var options = new EngineOptions { MaxSpans = 64, Exporter = new OtlpFileExporter(path, Resource) };
            using (var engine = new TraceEngine(options))
            {
                var tracer = engine.CreateTracer("file");
                tracer.StartSpan(null, "first", default).Finish();
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
                var second = tracer.StartSpan(null, "second", default);
                second.SetAttribute("nan", double.NaN);
                second.Finish();
            }
            var lines = File.ReadAllLines(path);
            Assert.Equal(2, lines.Length);
            var names = lines.Select(line => OtlpDecoder.Decode(Encoding.UTF8.GetBytes(line), json: true))
                .Select(d => d.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans")[0])
                .ToList();
            Assert.Equal(["first", "second"], names.Select(n => n.GetProperty("name").GetString()));
            // JSON has no NaN: the line spells it "NaN", as the protobuf JSON mapping does, and the
            // schema's reader takes it back as a NaN (which its JSON printer writes as null).
            Assert.Contains("\"doubleValue\":\"NaN\"", lines[1]);
            Assert.Equal(JsonValueKind.Null, OtlpDecoder.Attributes(names[1].GetProperty("attributes"))["nan"].GetProperty("doubleValue").ValueKind);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
