using System.Text.Json;

namespace Kt.Tests;

/// <summary>One span as the independent OTLP decoder read it from what the receiver got.</summary>
internal sealed record ExportedSpan(
    string Name, int Kind, string TraceId, string SpanId, string? ParentSpanId, int StatusCode, string? StatusMessage,
    string Scope, string Service, IReadOnlyDictionary<string, JsonElement> Attributes, IReadOnlyList<ExportedEvent> Events)
{
    public const int Server = 2, Client = 3, Internal = 1;
    public const int Unset = 0, Error = 2;

    public string? String(string key) => Attributes.TryGetValue(key, out var v) ? v.GetProperty("stringValue").GetString() : null;

    public long? Int(string key) => Attributes.TryGetValue(key, out var v) ? long.Parse(v.GetProperty("intValue").GetString()!) : null;

    public override string ToString() => $"{Name} kind={Kind} {TraceId}/{SpanId} parent={ParentSpanId} status={StatusCode}";

    /// <summary>Every span the receiver got, each request decoded by the decoder generated from the official schema.</summary>
    public static IReadOnlyList<ExportedSpan> From(OtlpReceiver receiver)
    {
        var spans = new List<ExportedSpan>();
        foreach (var request in receiver.Requests.ToArray())
        {
            var decoded = OtlpDecoder.Decode(request.Body, json: request.ContentType.Contains("json"));
            if (!decoded.TryGetProperty("resourceSpans", out var resourceSpans))
                continue;
            foreach (var rs in resourceSpans.EnumerateArray())
            {
                var resource = rs.TryGetProperty("resource", out var r) && r.TryGetProperty("attributes", out var ra)
                    ? OtlpDecoder.Attributes(ra) : new Dictionary<string, JsonElement>();
                var service = resource.TryGetValue("service.name", out var sn) ? sn.GetProperty("stringValue").GetString()! : "";
                foreach (var ss in rs.GetProperty("scopeSpans").EnumerateArray())
                {
                    var scope = ss.TryGetProperty("scope", out var sc) && sc.TryGetProperty("name", out var n) ? n.GetString()! : "";
                    foreach (var span in ss.GetProperty("spans").EnumerateArray())
                        spans.Add(Read(span, scope, service));
                }
            }
        }
        return spans;
    }

    private static ExportedSpan Read(JsonElement span, string scope, string service)
    {
        var events = new List<ExportedEvent>();
        if (span.TryGetProperty("events", out var list))
        {
            foreach (var e in list.EnumerateArray())
                events.Add(new ExportedEvent(e.GetProperty("name").GetString()!,
                    e.TryGetProperty("attributes", out var ea) ? OtlpDecoder.Attributes(ea) : new Dictionary<string, JsonElement>()));
        }
        var hasStatus = span.TryGetProperty("status", out var status);
        return new ExportedSpan(
            span.GetProperty("name").GetString()!,
            span.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0,
            span.GetProperty("traceId").GetString()!,
            span.GetProperty("spanId").GetString()!,
            span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } p ? p : null,
            hasStatus && status.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
            hasStatus && status.TryGetProperty("message", out var message) ? message.GetString() : null,
            scope,
            service,
            span.TryGetProperty("attributes", out var attributes) ? OtlpDecoder.Attributes(attributes) : new Dictionary<string, JsonElement>(),
            events);
    }
}

/// <summary>A span's event as the decoder read it.</summary>
internal sealed record ExportedEvent(string Name, IReadOnlyDictionary<string, JsonElement> Attributes)
{
    public string? String(string key) => Attributes.TryGetValue(key, out var v) ? v.GetProperty("stringValue").GetString() : null;
}
