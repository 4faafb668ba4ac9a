using System.Globalization;
using System.Text.Json;

namespace Kt.Tests;

/// <summary>One span as the independent OTLP decoder (tests/otlp) read it.</summary>
internal sealed record DecodedSpan(
    string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind, int StatusCode, ulong Start, ulong End,
    uint Flags, IReadOnlyDictionary<string, JsonElement> Attributes, int Events)
{
    public string? String(string key) => Attributes.TryGetValue(key, out var v) && v.TryGetProperty("stringValue", out var s) ? s.GetString() : null;

    /// <summary>An attribute's value as the viewer should show it (strings as they are, 64-bit integers in full).</summary>
    public string Shown(string key)
    {
        var value = Attributes[key];
        var field = value.EnumerateObject().Single();
        return field.Name switch
        {
            "stringValue" => field.Value.GetString()!,
            "intValue" => field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetInt64().ToString(CultureInfo.InvariantCulture),
            "boolValue" => field.Value.GetBoolean() ? "true" : "false",
            "doubleValue" => field.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"the demo has no {field.Name} attributes; compare them here when it does"),
        };
    }
}

/// <summary>An OTLP JSON lines file read by the independent decoder, not by the viewer's reader.</summary>
internal static class DecodedFile
{
    public static List<DecodedSpan> Read(string path)
    {
        var spans = new List<DecodedSpan>();
        foreach (var request in OtlpDecoder.DecodeJsonLines(path).EnumerateArray())
        {
            foreach (var rs in request.GetProperty("resourceSpans").EnumerateArray())
            {
                foreach (var ss in rs.GetProperty("scopeSpans").EnumerateArray())
                {
                    foreach (var s in ss.GetProperty("spans").EnumerateArray())
                    {
                        spans.Add(new DecodedSpan(
                            s.GetProperty("traceId").GetString()!,
                            s.GetProperty("spanId").GetString()!,
                            s.TryGetProperty("parentSpanId", out var p) && p.GetString() is { Length: > 0 } parent ? parent : null,
                            s.GetProperty("name").GetString()!,
                            s.TryGetProperty("kind", out var k) ? k.GetInt32() : 0,
                            s.TryGetProperty("status", out var st) && st.TryGetProperty("code", out var c) ? c.GetInt32() : 0,
                            ulong.Parse(s.GetProperty("startTimeUnixNano").GetString()!, CultureInfo.InvariantCulture),
                            ulong.Parse(s.GetProperty("endTimeUnixNano").GetString()!, CultureInfo.InvariantCulture),
                            s.TryGetProperty("flags", out var f) ? f.GetUInt32() : 0,
                            s.TryGetProperty("attributes", out var a) ? OtlpDecoder.Attributes(a) : new Dictionary<string, JsonElement>(),
                            s.TryGetProperty("events", out var e) ? e.GetArrayLength() : 0));
                    }
                }
            }
        }
        return spans;
    }
}
