using System.Globalization;
using System.Text.Json;
using Kt.Export;

namespace Kt.Tests;

/// <summary>
/// Compares an OTLP request as the independent decoder printed it (<see cref="OtlpDecoder"/>)
/// with the spans the engine held, copied out by <see cref="InMemoryExporter"/>: every field
/// of every span, event, link and attribute. A field the decoder left out counts as its
/// protobuf default (zero, empty, false), as protobuf itself reads it.
/// </summary>
internal static class DecodedRequestAssert
{
    private const uint HasIsRemote = 0x100, IsRemote = 0x200;

    /// <summary>The request holds these resource attributes and exactly these spans, grouped by scope in order of first appearance.</summary>
    public static void Holds(JsonElement request, IReadOnlyList<KeyValuePair<string, string>> resource, IReadOnlyList<ExportedSpan> spans)
    {
        var resourceSpans = Assert.Single(request.GetProperty("resourceSpans").EnumerateArray());
        var resourceAttributes = OtlpDecoder.Attributes(resourceSpans.GetProperty("resource").GetProperty("attributes"));
        Assert.Equal(resource.Count, resourceAttributes.Count);
        foreach (var (key, value) in resource)
            Assert.Equal(value, String(resourceAttributes[key], "stringValue"));

        var scopes = Array(resourceSpans, "scopeSpans");
        var expected = spans.GroupBy(s => s.Scope).ToList();
        Assert.Equal(expected.Select(g => g.Key), scopes.Select(s => String(s.GetProperty("scope"), "name")));
        for (int i = 0; i < expected.Count; i++)
        {
            var decoded = Array(scopes[i], "spans");
            Assert.Equal(expected[i].Count(), decoded.Count);
            foreach (var (span, element) in expected[i].Zip(decoded))
                SpanEqual(span, element);
        }
    }

    private static void SpanEqual(ExportedSpan expected, JsonElement span)
    {
        Assert.Equal(Hex(expected.TraceId), String(span, "traceId"));
        Assert.Equal(Hex(expected.SpanId), String(span, "spanId"));
        Assert.Equal(expected.ParentSpanId.IsValid ? Hex(expected.ParentSpanId) : "", String(span, "parentSpanId"));
        Assert.Equal(expected.TraceState, String(span, "traceState"));
        Assert.Equal(expected.Name, String(span, "name"));
        Assert.Equal((long)expected.Kind, Number(span, "kind"));
        Assert.Equal(expected.StartUnixNanoseconds, Int64(span, "startTimeUnixNano"));
        Assert.Equal(expected.EndUnixNanoseconds, Int64(span, "endTimeUnixNano"));
        if (span.TryGetProperty("flags", out _))
            Assert.Equal(SpanFlags(expected), Number(span, "flags"));
        AttributesEqual(expected.Attributes, span);
        Assert.Equal(expected.DroppedAttributes, Number(span, "droppedAttributesCount"));

        var events = Array(span, "events");
        Assert.Equal(expected.Events.Count, events.Count);
        foreach (var (e, decoded) in expected.Events.Zip(events))
        {
            Assert.Equal(e.Name, String(decoded, "name"));
            Assert.Equal(e.TimeUnixNanoseconds, Int64(decoded, "timeUnixNano"));
            AttributesEqual(e.Attributes, decoded);
            Assert.Equal(e.DroppedAttributes, Number(decoded, "droppedAttributesCount"));
        }
        Assert.Equal(expected.DroppedEvents, Number(span, "droppedEventsCount"));

        var links = Array(span, "links");
        Assert.Equal(expected.Links.Count, links.Count);
        foreach (var (l, decoded) in expected.Links.Zip(links))
        {
            Assert.Equal(Hex(l.Context.TraceId), String(decoded, "traceId"));
            Assert.Equal(Hex(l.Context.SpanId), String(decoded, "spanId"));
            if (decoded.TryGetProperty("flags", out _))
                Assert.Equal((long)l.Context.Flags, Number(decoded, "flags"));
            AttributesEqual(l.Attributes, decoded);
            Assert.Equal(l.DroppedAttributes, Number(decoded, "droppedAttributesCount"));
        }
        Assert.Equal(expected.DroppedLinks, Number(span, "droppedLinksCount"));

        var status = span.TryGetProperty("status", out var s) ? s : default;
        Assert.Equal((long)expected.Status, status.ValueKind == JsonValueKind.Object ? Number(status, "code") : 0);
        Assert.Equal(expected.StatusMessage, status.ValueKind == JsonValueKind.Object ? String(status, "message") : "");
    }

    /// <summary>
    /// The flags of every span and link in kt's OTLP JSON, read by System.Text.Json: the
    /// schema tests/otlp generates from predates Span.flags and Link.flags, so the decoder
    /// skips them in both encodings.
    /// </summary>
    public static void JsonFlagsEqual(byte[] json, IReadOnlyList<ExportedSpan> spans)
    {
        using var document = JsonDocument.Parse(json);
        var decoded = document.RootElement.GetProperty("resourceSpans")[0].GetProperty("scopeSpans").EnumerateArray()
            .SelectMany(scope => scope.GetProperty("spans").EnumerateArray()).ToList();
        var expected = spans.GroupBy(s => s.Scope).SelectMany(g => g).ToList();
        Assert.Equal(expected.Count, decoded.Count);
        foreach (var (span, element) in expected.Zip(decoded))
        {
            Assert.Equal(SpanFlags(span), element.GetProperty("flags").GetInt64());
            Assert.Equal(span.Links.Select(l => (long)l.Context.Flags), Array(element, "links").Select(l => l.GetProperty("flags").GetInt64()));
        }
    }

    // W3C flags in the low byte; bit 8 says whether bit 9 (the parent is remote) is known.
    private static long SpanFlags(ExportedSpan span) => (uint)span.Flags | HasIsRemote | (span.ParentIsRemote ? IsRemote : 0);

    private static void AttributesEqual(IReadOnlyDictionary<string, object> expected, JsonElement owner)
    {
        var list = Array(owner, "attributes");
        Assert.Equal(expected.Count, list.Count);
        var decoded = list.ToDictionary(kv => String(kv, "key"), kv => kv.GetProperty("value"));
        Assert.Equal(expected.Count, decoded.Count);
        foreach (var (key, value) in expected)
            ValueEqual(value, decoded[key]);
    }

    // One AnyValue: only the expected kind of value is set, and it is equal.
    private static void ValueEqual(object expected, JsonElement any)
    {
        string kind = expected switch
        {
            string => "stringValue",
            long => "intValue",
            double => "doubleValue",
            bool => "boolValue",
            _ => "arrayValue",
        };
        Assert.All(any.EnumerateObject(), p => Assert.Equal(kind, p.Name));
        switch (expected)
        {
            case string text:
                Assert.Equal(text, String(any, kind));
                break;
            case long number:
                Assert.Equal(number, Int64(any, kind));
                break;
            case double number:
                DoubleEqual(number, any);
                break;
            case bool flag:
                Assert.Equal(flag, any.TryGetProperty(kind, out var b) && b.GetBoolean());
                break;
            default:
                var values = any.TryGetProperty(kind, out var array) ? Array(array, "values") : [];
                var elements = ((System.Collections.IEnumerable)expected).Cast<object>().ToList();
                Assert.Equal(elements.Count, values.Count);
                foreach (var (element, value) in elements.Zip(values))
                    ValueEqual(element, value);
                break;
        }
    }

    // The decoder prints NaN and the infinities as JSON null, having nothing else to print them as.
    private static void DoubleEqual(double expected, JsonElement any)
    {
        if (!any.TryGetProperty("doubleValue", out var value))
        {
            Assert.Equal(0.0, expected);
            return;
        }
        if (double.IsFinite(expected))
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected == 0 ? 0.0 : expected), BitConverter.DoubleToInt64Bits(value.GetDouble() == 0 ? 0.0 : value.GetDouble()));
        else
            Assert.Equal(JsonValueKind.Null, value.ValueKind);
    }

    private static List<JsonElement> Array(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var array) ? array.EnumerateArray().ToList() : [];

    private static string String(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) ? value.GetString()! : "";

    private static long Number(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) ? value.GetInt64() : 0;

    private static long Int64(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : 0;

    private static string Hex(TraceId id) => $"{id.High:x16}{id.Low:x16}";

    private static string Hex(SpanId id) => $"{id.Value:x16}";
}
