using System.Text;
using Kt.Export;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// The edges of the OTLP encoders' shortcuts, each request decoded by the decoder generated
/// from the official schema (tests/otlp) and compared field by field with the engine's own
/// copy of the spans: lengths on both sides of one, two and three varint bytes (a span's
/// length is reserved as two bytes, an event's or a link's as one, a short KeyValue's lengths
/// as one each), every kind of attribute value, text JSON must escape, a batch that outgrows
/// the encoders' buffers with its tracers interleaved, and room left before a request.
/// </summary>
public class OtlpEncodingEdgeTests
{
    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "edge \"svc\"\\\n"), new("host.name", "żółw 🐢")];

    // Lengths around 56 (a short key or value), 128 and 16384 (one, two, three varint bytes).
    private static readonly int[] Lengths = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 55, 56, 57, 63, 64, 120, 126, 127, 128, 129, 16383, 16384, 16385, 20000];

    /// <summary>Each batch encoded both ways, beside the engine's copy of its spans.</summary>
    private sealed class RecordingExporter(int headroom = 0) : ISpanExporter
    {
        private readonly OtlpTraceEncoder _protobuf = new(Resource);
        private readonly OtlpJsonEncoder _json = new(Resource);
        private readonly InMemoryExporter _copies = new();

        public List<(byte[] Protobuf, byte[] Json, ExportedSpan[] Spans)> Batches { get; } = [];

        public List<string> Failures { get; } = [];

        public bool Export(in SpanBatch batch)
        {
            var protobuf = _protobuf.Encode(batch).ToArray();
            var json = _json.Encode(batch).ToArray();
            if (headroom > 0)
            {
                var room = _protobuf.EncodeToMemory(batch, headroom);
                if (room.Length != headroom + protobuf.Length || !room.Span[headroom..].SequenceEqual(protobuf))
                    Failures.Add($"protobuf after {headroom} bytes of headroom differs");
                var jsonRoom = _json.EncodeToMemory(batch, headroom);
                if (jsonRoom.Length != headroom + json.Length || !jsonRoom.Span[headroom..].SequenceEqual(json))
                    Failures.Add($"JSON after {headroom} bytes of headroom differs");
            }
            _copies.Export(batch);
            Batches.Add((protobuf, json, [.. _copies.Spans]));
            _copies.Clear();
            return true;
        }

        public void Shutdown()
        {
        }
    }

    private static void AssertEveryBatchDecodesEqual(RecordingExporter exporter, int spans)
    {
        Assert.Empty(exporter.Failures);
        Assert.Equal(spans, exporter.Batches.Sum(b => b.Spans.Length));
        foreach (var (protobuf, json, copies) in exporter.Batches)
        {
            DecodedRequestAssert.Holds(OtlpDecoder.Decode(protobuf), Resource, copies);
            DecodedRequestAssert.Holds(OtlpDecoder.Decode(json, json: true), Resource, copies);
            DecodedRequestAssert.JsonFlagsEqual(json, copies);
        }
    }

    // Text whose every byte depends on where it is, so a body moved by a byte shows.
    private static string Text(int length, int seed)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-";
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
            text.Append(alphabet[(i * 7 + seed) % alphabet.Length]);
        return text.ToString();
    }

    private static TraceEngine Engine(RecordingExporter exporter, int maxSpans, int bytesPerSpan) => new(new EngineOptions
    {
        MaxSpans = maxSpans,
        QueueCapacityPerThread = maxSpans,
        MaxExportBatchSize = maxSpans,
        BytesPerSpan = bytesPerSpan,
        AttributesPerSpan = 64,
        EventAndLinkAttributesPerSpan = 64,
        PollInterval = TimeSpan.FromHours(1),
        ScheduleDelay = TimeSpan.FromHours(1),
        Exporter = exporter,
    });

    [Fact]
    public void Lengths_on_both_sides_of_one_two_and_three_varint_bytes_decode_equal()
    {
        var exporter = new RecordingExporter();
        int spans = 0;
        using (var engine = Engine(exporter, 256, 256 * 1024))
        {
            var tracer = engine.CreateTracer("lengths");
            foreach (int length in Lengths)
            {
                var span = tracer.StartSpan(null, Text(Math.Min(length, 300), 1), new SpanOptions { Kind = SpanKind.Server });
                Assert.Equal(KtStatus.Ok, span.SetAttribute("value", Text(length, 2)));
                if (length > 0)
                {
                    Assert.Equal(KtStatus.Ok, span.SetAttribute(Text(length, 3), (long)length));
                    Assert.Equal(KtStatus.Ok, span.SetAttribute(Text(length, 12), Text(length, 13)));
                    Assert.Equal(KtStatus.Ok, span.SetAttribute(Text(length, 14) + "+", Text(length, 15)));
                }
                Assert.Equal(KtStatus.Ok, span.SetAttribute("k" + length, (ReadOnlySpan<string>)[Text(length, 4), ""]));
                Assert.Equal(KtStatus.Ok, span.AddEvent(Text(Math.Min(length, 200), 5), [new("e", Text(length, 6))]));
                Assert.Equal(KtStatus.Ok, span.AddLink(new SpanContext(new TraceId(7, (ulong)length), new SpanId(9), TraceFlags.Sampled), [new("l", Text(length, 7))]));
                Assert.Equal(KtStatus.Ok, span.SetStatus(StatusCode.Error, Text(length, 8)));
                span.Finish();
                spans++;
            }
            // Events and links without attributes around 128 bytes, and spans of nothing but a
            // name around 128 and 16384 bytes, whose lengths take fewer or more bytes than reserved.
            for (int length = 80; length < 125; length++)
            {
                var span = tracer.StartSpan(null, "e", default);
                Assert.Equal(KtStatus.Ok, span.AddEvent(Text(length, 9)));
                span.AddLink(new SpanContext(new TraceId(1, 2), new SpanId(3), TraceFlags.None), [new("l", Text(length - 40, 10))]);
                span.Finish();
                spans++;
            }
            foreach (int length in (int[])[0, 1, 40, 50, 55, 60, 61, 62, 63, 64, 65, 66, 70, 80, 16300, 16310, 16315, 16318, 16320, 16322, 16324, 16326, 16330, 16340, 16400])
            {
                var span = tracer.StartSpan(null, Text(length, 11), new SpanOptions { Kind = (SpanKind)(length % 6) });
                span.Finish();
                spans++;
            }
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        }
        AssertEveryBatchDecodesEqual(exporter, spans);
    }

    [Fact]
    public void Every_attribute_type_empty_text_and_text_json_must_escape_decode_equal()
    {
        var exporter = new RecordingExporter();
        string control = string.Concat(Enumerable.Range(0, 32).Select(c => (char)c));
        string[] texts = ["", "plain", "\"quoted\"", "back\\slash", "line\nfeed\r\ttab\b\f", control, "del\u007f", "żółw", "€ 100", "🐢 turtle", "mixed \"ż\" \\ 🐢\n", new string('x', 40) + "\"" + new string('y', 40)];
        int spans = 0;
        using (var engine = Engine(exporter, 64, 64 * 1024))
        {
            var tracer = engine.CreateTracer("types \"ż\"");
            var context = new TraceContext();
            context.Extract("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"u8);
            foreach (var text in texts)
            {
                var span = tracer.StartSpan(context, text, new SpanOptions { Kind = SpanKind.Client });
                Assert.Equal(KtStatus.Ok, span.SetAttribute("text", text));
                Assert.Equal(KtStatus.Ok, span.SetAttribute(text.Length == 0 ? "empty key?" : text, "key " + text));
                span.AddEvent(text, [new(text.Length == 0 ? "e" : text, text)]);
                span.SetStatus(StatusCode.Error, text);
                span.Finish();
                spans++;
            }

            var typed = tracer.StartSpan(context, "typed", new SpanOptions { Kind = SpanKind.Internal });
            typed.SetAttribute("int.zero", 0L);
            typed.SetAttribute("int.one", 1L);
            typed.SetAttribute("int.127", 127L);
            typed.SetAttribute("int.128", 128L);
            typed.SetAttribute("int.minus.one", -1L);
            typed.SetAttribute("int.max", long.MaxValue);
            typed.SetAttribute("int.min", long.MinValue);
            typed.SetAttribute("double.quarter", 0.25);
            typed.SetAttribute("double.tenth", 0.1);
            typed.SetAttribute("double.big", 1e300);
            typed.SetAttribute("double.tiny", double.Epsilon);
            typed.SetAttribute("double.negative.zero", -0.0);
            typed.SetAttribute("double.nan", double.NaN);
            typed.SetAttribute("double.infinity", double.PositiveInfinity);
            typed.SetAttribute("double.minus.infinity", double.NegativeInfinity);
            typed.SetAttribute("bool.true", true);
            typed.SetAttribute("bool.false", false);
            typed.SetAttribute("strings", (ReadOnlySpan<string>)texts);
            typed.SetAttribute("strings.empty", (ReadOnlySpan<string>)[]);
            typed.SetAttribute("ints", (ReadOnlySpan<long>)[0, 1, -1, 127, 128, long.MaxValue, long.MinValue]);
            typed.SetAttribute("ints.empty", (ReadOnlySpan<long>)[]);
            typed.SetAttribute("doubles", (ReadOnlySpan<double>)[0.5, -2.5e-300, 1e300, 0.0, double.NaN, double.NegativeInfinity]);
            typed.SetAttribute("doubles.empty", (ReadOnlySpan<double>)[]);
            typed.SetAttribute("bools", (ReadOnlySpan<bool>)[true, false, true]);
            typed.SetAttribute("bools.empty", (ReadOnlySpan<bool>)[]);
            typed.AddEvent("typed.event", [new("i", -5L), new("d", 2.5), new("b", true), new("s", ""), new("sa", new[] { "a", "\"b\"" }), new("ia", new long[] { 3, -4 }), new("da", new[] { 0.5 }), new("ba", new[] { false })]);
            typed.AddLink(new SpanContext(new TraceId(0x1111, 0x2222), new SpanId(0x3333), TraceFlags.Sampled), [new("link.kind", "follows"), new("n", 42L)]);
            typed.AddLink(new SpanContext(new TraceId(ulong.MaxValue, 1), new SpanId(ulong.MaxValue), TraceFlags.None));
            typed.SetStatus(StatusCode.Ok);
            typed.Finish();
            spans++;

            var unset = tracer.StartSpan(null, "", default);
            unset.Finish();
            spans++;
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        }
        AssertEveryBatchDecodesEqual(exporter, spans);
    }

    [Fact]
    public void A_batch_that_outgrows_the_buffers_with_its_tracers_interleaved_decodes_equal()
    {
        // 64 KiB to start with; a few thousand spans of a few hundred bytes grow it several
        // times, and the second flush encodes into the grown buffer.
        var exporter = new RecordingExporter();
        const int Spans = 3000;
        // 8192 slots: a thread wakes the exporter only when a quarter of them (more than a
        // round's spans) wait, so each round is one batch, encoded at the flush.
        using (var engine = Engine(exporter, 8192, 2048))
        {
            var tracers = new[] { engine.CreateTracer("a"), engine.CreateTracer("b"), engine.CreateTracer("c") };
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < Spans / 2; i++)
                {
                    var tracer = tracers[(i * i + round) % 3];
                    var span = tracer.StartSpan(null, "GET /users/{id}", new SpanOptions
                    {
                        Kind = SpanKind.Server,
                        Attributes = [new("http.request.method", "GET"), new("url.path", "/users/" + i), new("http.response.status_code", 200L + i % 300)],
                    });
                    span.AddEvent("cache.miss", [new("cache.key", "users:" + i)]);
                    span.SetStatus(i % 2 == 0 ? StatusCode.Ok : StatusCode.Error, i % 2 == 0 ? "" : "failed " + i);
                    span.Finish();
                }
                Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
            }
        }
        Assert.Equal(2, exporter.Batches.Count);
        Assert.All(exporter.Batches, b => Assert.True(b.Protobuf.Length > 128 * 1024));
        AssertEveryBatchDecodesEqual(exporter, Spans);
    }

    [Fact]
    public void Headroom_leaves_free_bytes_before_the_same_request()
    {
        var exporter = new RecordingExporter(headroom: 5);
        using (var engine = Engine(exporter, 64, 2048))
        {
            var span = engine.CreateTracer("headroom").StartSpan(null, "span", new SpanOptions { Attributes = [new("a", "b")] });
            span.Finish();
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(30)));
        }
        AssertEveryBatchDecodesEqual(exporter, 1);

        var protobuf = new OtlpTraceEncoder(Resource);
        var json = new OtlpJsonEncoder(Resource);
        Assert.Throws<ArgumentOutOfRangeException>(() => protobuf.EncodeToMemory(default(SpanBatch), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => protobuf.EncodeToMemory(default(SpanRecordBatch), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => json.EncodeToMemory(default(SpanBatch), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => json.EncodeToMemory(default(SpanRecordBatch), -1));
        // An empty batch is a request with the resource and no scopes, after the headroom too.
        var empty = protobuf.Encode(default).ToArray();
        Assert.Equal(empty, protobuf.EncodeToMemory(default(SpanBatch), 16).Span[16..].ToArray());
        Assert.Equal(empty, protobuf.EncodeToMemory(default(SpanRecordBatch), 16).Span[16..].ToArray());
        DecodedRequestAssert.Holds(OtlpDecoder.Decode(empty), Resource, []);
        var emptyJson = json.Encode(default).ToArray();
        Assert.Equal(emptyJson, json.EncodeToMemory(default(SpanBatch), 16).Span[16..].ToArray());
        Assert.Equal(emptyJson, json.EncodeToMemory(default(SpanRecordBatch), 16).Span[16..].ToArray());
        Assert.Equal([.. emptyJson, (byte)'\n'], json.EncodeLine(default(SpanRecordBatch)).ToArray());
        DecodedRequestAssert.Holds(OtlpDecoder.Decode(emptyJson, json: true), Resource, []);
    }
}
