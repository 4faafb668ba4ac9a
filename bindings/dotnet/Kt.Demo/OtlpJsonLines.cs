using System.Globalization;
using System.Text;
using System.Text.Json;
using Kt.Export;

namespace Kt.Demo;

/// <summary>
/// Reads an OTLP JSON lines file (kt's file exporter, the Collector's file exporter) back into
/// spans: one <c>ExportTraceServiceRequest</c> a line, ids as hex, 64-bit integers as strings.
/// </summary>
internal sealed class OtlpJsonLines
{
    public required IReadOnlyList<ExportedSpan> Spans { get; init; }

    public required int Lines { get; init; }

    /// <summary>Lines that are not a JSON request: 0 unless writers interleaved.</summary>
    public required int InvalidLines { get; init; }

    public required IReadOnlyDictionary<string, string> Resource { get; init; }

    public static OtlpJsonLines Read(string path)
    {
        var spans = new List<ExportedSpan>();
        var resource = new Dictionary<string, string>();
        int lines = 0, invalid = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
                continue;
            lines++;
            try
            {
                using var request = JsonDocument.Parse(line);
                foreach (var rs in request.RootElement.GetProperty("resourceSpans").EnumerateArray())
                {
                    if (rs.TryGetProperty("resource", out var r) && r.TryGetProperty("attributes", out var ra))
                        foreach (var (key, value) in Attributes(ra))
                            resource[key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                    foreach (var ss in rs.GetProperty("scopeSpans").EnumerateArray())
                    {
                        var scope = ss.TryGetProperty("scope", out var sc) && sc.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                        foreach (var span in ss.GetProperty("spans").EnumerateArray())
                            spans.Add(Span(span, scope));
                    }
                }
            }
            catch (JsonException)
            {
                invalid++;
            }
        }
        return new OtlpJsonLines { Spans = spans, Lines = lines, InvalidLines = invalid, Resource = resource };
    }

    private static ExportedSpan Span(JsonElement span, string scope)
    {
        const uint HasIsRemote = 0x100, IsRemote = 0x200;
        uint flags = span.TryGetProperty("flags", out var f) ? f.GetUInt32() : 0;
        var status = span.TryGetProperty("status", out var s) ? s : default;
        return new ExportedSpan
        {
            Scope = scope,
            Name = span.GetProperty("name").GetString() ?? "",
            TraceId = TraceId.TryParseHex(Hex(span, "traceId"), out var t) ? t : default,
            SpanId = SpanId.TryParseHex(Hex(span, "spanId"), out var id) ? id : default,
            ParentSpanId = SpanId.TryParseHex(Hex(span, "parentSpanId"), out var p) ? p : default,
            ParentIsRemote = (flags & (HasIsRemote | IsRemote)) == (HasIsRemote | IsRemote),
            TraceState = span.TryGetProperty("traceState", out var ts) ? ts.GetString() ?? "" : "",
            Kind = span.TryGetProperty("kind", out var k) ? (SpanKind)k.GetInt32() : SpanKind.Unspecified,
            StartUnixNanoseconds = long.Parse(span.GetProperty("startTimeUnixNano").GetString()!, CultureInfo.InvariantCulture),
            EndUnixNanoseconds = long.Parse(span.GetProperty("endTimeUnixNano").GetString()!, CultureInfo.InvariantCulture),
            Status = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("code", out var c) ? (StatusCode)c.GetInt32() : StatusCode.Unset,
            StatusMessage = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "",
            Attributes = span.TryGetProperty("attributes", out var a) ? Attributes(a) : new Dictionary<string, object>(),
            Events = span.TryGetProperty("events", out var events)
                ? events.EnumerateArray().Select(e => new ExportedEvent(
                    e.GetProperty("name").GetString() ?? "",
                    long.Parse(e.GetProperty("timeUnixNano").GetString()!, CultureInfo.InvariantCulture),
                    e.TryGetProperty("attributes", out var ea) ? Attributes(ea) : new Dictionary<string, object>(), 0)).ToList()
                : [],
            Links = [],
        };
    }

    private static byte[] Hex(JsonElement span, string field) =>
        span.TryGetProperty(field, out var v) && v.GetString() is { } hex ? Encoding.ASCII.GetBytes(hex) : [];

    private static Dictionary<string, object> Attributes(JsonElement attributes)
    {
        var result = new Dictionary<string, object>();
        foreach (var a in attributes.EnumerateArray())
            result[a.GetProperty("key").GetString()!] = Value(a.GetProperty("value"));
        return result;
    }

    private static object Value(JsonElement value)
    {
        foreach (var p in value.EnumerateObject())
        {
            return p.Name switch
            {
                "stringValue" => p.Value.GetString() ?? "",
                "intValue" => long.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture),
                "doubleValue" => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : double.NaN,
                "boolValue" => p.Value.GetBoolean(),
                "arrayValue" => p.Value.TryGetProperty("values", out var values) ? values.EnumerateArray().Select(Value).ToArray() : Array.Empty<object>(),
                _ => p.Value.ToString(),
            };
        }
        return "";
    }
}
