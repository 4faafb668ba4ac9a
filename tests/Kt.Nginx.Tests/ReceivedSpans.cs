using System.Text.Json;

namespace Kt.Tests;

/// <summary>One span as the independent OTLP decoder read it.</summary>
public sealed record DecodedSpan(
    string Name, int Kind, string TraceId, string SpanId, string? ParentSpanId, int StatusCode,
    IReadOnlyDictionary<string, JsonElement> Attributes, string ServiceName)
{
    public const int Server = 2, Client = 3;

    public string? String(string key) => Attributes.TryGetValue(key, out var v) ? v.GetProperty("stringValue").GetString() : null;

    public long? Int(string key) => Attributes.TryGetValue(key, out var v) ? long.Parse(v.GetProperty("intValue").GetString()!) : null;

    public override string ToString() => $"{Name} kind={Kind} {TraceId}/{SpanId} parent={ParentSpanId}";
}

/// <summary>
/// The spans an <see cref="OtlpReceiver"/> got, each request decoded once by the decoder
/// OpenTelemetry's JavaScript project generates from the official schema.
/// </summary>
internal sealed class ReceivedSpans(OtlpReceiver receiver)
{
    private readonly List<DecodedSpan> _spans = [];
    private int _decoded;

    public IReadOnlyList<DecodedSpan> Read()
    {
        var requests = receiver.Requests.ToArray();
        var fresh = requests.Skip(_decoded).ToArray();
        var decoded = new JsonElement[fresh.Length];
        Parallel.For(0, fresh.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            i => decoded[i] = OtlpDecoder.Decode(fresh[i].Body, json: fresh[i].ContentType.Contains("json")));
        foreach (var request in decoded)
            _spans.AddRange(Spans(request));
        _decoded = requests.Length;
        return _spans;
    }

    /// <summary>Waits until the predicate holds for the spans received, or fails after the timeout.</summary>
    public IReadOnlyList<DecodedSpan> WaitFor(Func<IReadOnlyList<DecodedSpan>, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var spans = Read();
            if (done(spans))
                return spans;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting for {what ?? "spans"}; have {spans.Count}:\n" + string.Join("\n", spans.Take(50)));
            Thread.Sleep(100);
        }
    }

    public IReadOnlyList<DecodedSpan> WaitForCount(int count, Func<DecodedSpan, bool>? which = null, TimeSpan? timeout = null) =>
        WaitFor(s => s.Count(which ?? (_ => true)) >= count, timeout, $"{count} spans");

    /// <summary>The spans of one decoded request.</summary>
    public static IEnumerable<DecodedSpan> Spans(JsonElement request)
    {
        if (!request.TryGetProperty("resourceSpans", out var resourceSpans))
            yield break;
        foreach (var rs in resourceSpans.EnumerateArray())
        {
            var resource = rs.TryGetProperty("resource", out var r) && r.TryGetProperty("attributes", out var ra)
                ? OtlpDecoder.Attributes(ra) : new Dictionary<string, JsonElement>();
            var service = resource.TryGetValue("service.name", out var sn) ? sn.GetProperty("stringValue").GetString()! : "";
            foreach (var ss in rs.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in ss.GetProperty("spans").EnumerateArray())
                {
                    yield return new DecodedSpan(
                        span.GetProperty("name").GetString()!,
                        span.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0,
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } p ? p : null,
                        span.TryGetProperty("status", out var status) && status.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
                        span.TryGetProperty("attributes", out var attributes) ? OtlpDecoder.Attributes(attributes) : new Dictionary<string, JsonElement>(),
                        service);
                }
            }
        }
    }
}
