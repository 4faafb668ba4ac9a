using System.Text.Json;

namespace Kt.TraceViewer;

/// <summary>
/// Reads OTLP JSON lines: one <c>ExportTraceServiceRequest</c> a line, as kt's file exporter
/// and the OpenTelemetry Collector's file exporter write them. A line that cannot be read is
/// reported with its number and what was wrong, and the other lines are read all the same; a
/// span whose ids or times are unusable is left out and reported; a bad attribute, kind or
/// status is reported and the span kept. A file that is one JSON document over several lines
/// (a request printed with indentation) is read as that document.
/// </summary>
internal sealed class OtlpJsonReader
{
    private static readonly string[] KindNames =
        ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];

    private static readonly string[] StatusNames = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

    // Span and link flags: bit 8 says whether bit 9 (the parent or linked span is remote) is known.
    private const uint HasIsRemote = 0x100, IsRemote = 0x200;

    private readonly List<TraceSpan> _spans = [];
    private readonly List<LineProblem> _problems = [];
    private readonly Dictionary<string, TraceResource> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TraceScope> _scopes = new(StringComparer.Ordinal);
    private int _line, _lines, _unreadable, _leftOut;

    /// <summary>Reads the file at <paramref name="path"/>; IO errors (no such file, no permission) are the caller's to report.</summary>
    public static TraceFile ReadFile(string path)
    {
        TraceFile lines;
        using (var text = new StreamReader(path, detectEncodingFromByteOrderMarks: true))
            lines = Read(text);
        if (lines.Lines > 1 && lines.UnreadableLines == lines.Lines && !lines.Spans.Any())
        {
            // No line was a request by itself: perhaps the whole file is one, printed over several lines.
            var document = ReadDocument(path);
            if (document is not null)
                return document;
        }
        return lines;
    }

    /// <summary>Reads OTLP JSON lines from <paramref name="text"/>.</summary>
    public static TraceFile Read(TextReader text)
    {
        var reader = new OtlpJsonReader();
        while (text.ReadLine() is { } line)
        {
            reader._line++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            reader._lines++;
            reader.ReadLine(line);
        }
        return reader.Result();
    }

    private static TraceFile? ReadDocument(string path)
    {
        var reader = new OtlpJsonReader();
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            reader._lines = 1;
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var request in document.RootElement.EnumerateArray())
                    reader.ReadRequest(request);
            }
            else
            {
                reader.ReadRequest(document.RootElement);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
        return reader._spans.Count > 0 ? reader.Result() : null;
    }

    private TraceFile Result() => new() { Spans = _spans, Problems = _problems, Lines = _lines, UnreadableLines = _unreadable, SpansLeftOut = _leftOut };

    private void ReadLine(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            ReadRequest(document.RootElement);
        }
        catch (JsonException e)
        {
            Unreadable($"not JSON at byte {e.BytePositionInLine + 1}: {MessageOf(e)}");
        }
        catch (InvalidOperationException e)
        {
            // Text the JSON reader took but .NET cannot hold as a string (a lone surrogate escaped as \ud800).
            Unreadable($"unreadable text: {e.Message}");
        }
    }

    private void ReadRequest(JsonElement request)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            Unreadable($"a line is an OTLP ExportTraceServiceRequest, a JSON object; this is {OtlpJson.Describe(request)}");
            return;
        }
        if (!OtlpJson.TryField(request, "resourceSpans", "resource_spans", out var resourceSpans))
        {
            var other = new[] { "resourceLogs", "resourceMetrics", "resourceProfiles" }.FirstOrDefault(name => request.TryGetProperty(name, out _));
            Unreadable(other is not null
                ? $"an OTLP request of another signal ({other}), not of traces"
                : "no resourceSpans: not an OTLP traces request");
            return;
        }
        if (resourceSpans.ValueKind != JsonValueKind.Array)
        {
            Unreadable($"resourceSpans is {OtlpJson.Describe(resourceSpans)}, not an array");
            return;
        }
        int r = 0;
        foreach (var rs in resourceSpans.EnumerateArray())
            ReadResourceSpans(rs, $"resourceSpans[{r++}]");
    }

    private void ReadResourceSpans(JsonElement rs, string where)
    {
        var attributes = OtlpJson.TryField(rs, "resource", out var resource) && OtlpJson.TryField(resource, "attributes", out var list)
            ? AnyValueReader.Attributes(list, where + ".resource.attributes", Problem)
            : [];
        var traceResource = Intern(_resources, new TraceResource(attributes), Key(attributes));

        bool legacy = false;
        if (!OtlpJson.TryField(rs, "scopeSpans", "scope_spans", out var scopeSpans))
            legacy = OtlpJson.TryField(rs, "instrumentationLibrarySpans", "instrumentation_library_spans", out scopeSpans);
        if (scopeSpans.ValueKind == JsonValueKind.Undefined)
            return;
        if (scopeSpans.ValueKind != JsonValueKind.Array)
        {
            Problem($"{where}.scopeSpans is {OtlpJson.Describe(scopeSpans)}, not an array");
            return;
        }
        int s = 0;
        foreach (var ss in scopeSpans.EnumerateArray())
        {
            var at = $"{where}.scopeSpans[{s++}]";
            var scope = ReadScope(ss, legacy, at);
            if (!OtlpJson.TryField(ss, "spans", out var spans))
                continue;
            if (spans.ValueKind != JsonValueKind.Array)
            {
                Problem($"{at}.spans is {OtlpJson.Describe(spans)}, not an array");
                continue;
            }
            int i = 0;
            foreach (var span in spans.EnumerateArray())
            {
                if (ReadSpan(span, traceResource, scope, $"{at}.spans[{i++}]") is { } read)
                    _spans.Add(read);
                else
                    _leftOut++;
            }
        }
    }

    private TraceScope ReadScope(JsonElement ss, bool legacy, string where)
    {
        string name = "", version = "";
        IReadOnlyList<KeyValue> attributes = [];
        if (OtlpJson.TryField(ss, legacy ? "instrumentationLibrary" : "scope", legacy ? "instrumentation_library" : "scope", out var scope))
        {
            name = Text(scope, "name", "name", where + ".scope");
            version = Text(scope, "version", "version", where + ".scope");
            if (OtlpJson.TryField(scope, "attributes", out var list))
                attributes = AnyValueReader.Attributes(list, where + ".scope.attributes", Problem);
        }
        return Intern(_scopes, new TraceScope(name, version, attributes), name + "\u0001" + version + "\u0001" + Key(attributes));
    }

    private TraceSpan? ReadSpan(JsonElement span, TraceResource resource, TraceScope scope, string where)
    {
        if (span.ValueKind != JsonValueKind.Object)
        {
            Problem($"{where} is {OtlpJson.Describe(span)}, not a span object");
            return null;
        }
        var name = OtlpJson.TryField(span, "name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
        var at = name is null ? where : $"{where} \"{name}\"";
        if (name is null)
            Problem($"{where} has no name");

        var traceId = RequiredId(span, "traceId", "trace_id", 16, at);
        var spanId = RequiredId(span, "spanId", "span_id", 8, at);
        string parentId = "";
        if (OtlpJson.TryField(span, "parentSpanId", "parent_span_id", out var parent) && !(parent.ValueKind == JsonValueKind.String && parent.GetString() == ""))
        {
            parentId = OtlpJson.Id(parent, 8, out var wrong) ?? "";
            if (wrong is not null)
            {
                Problem($"{at} left out: parentSpanId {wrong}");
                return null;
            }
        }
        var start = RequiredTime(span, "startTimeUnixNano", "start_time_unix_nano", at);
        var end = RequiredTime(span, "endTimeUnixNano", "end_time_unix_nano", at);
        if (traceId is null || spanId is null || start is null || end is null)
            return null;
        if (end < start)
        {
            Problem($"{at}: ends {Nanoseconds(start.Value - end.Value)} before it starts; shown as ending where it starts");
            end = start;
        }

        int kind = 0;
        if (OtlpJson.TryField(span, "kind", out var k) && !OtlpJson.TryEnum(k, KindNames, out kind))
            Problem($"{at}: kind {OtlpJson.Describe(k)} is not a span kind (0 to 5 or SPAN_KIND_*); shown as unspecified");

        int statusCode = 0;
        string statusMessage = "";
        if (OtlpJson.TryField(span, "status", out var status))
        {
            if (OtlpJson.TryField(status, "code", out var code) && !OtlpJson.TryEnum(code, StatusNames, out statusCode))
                Problem($"{at}: status code {OtlpJson.Describe(code)} is not 0, 1, 2 or STATUS_CODE_*; shown as unset");
            statusMessage = Text(status, "message", "message", at + " status");
        }

        bool? parentIsRemote = null;
        if (OtlpJson.TryField(span, "flags", out var f))
        {
            if (OtlpJson.TryUInt32(f, out uint flags))
                parentIsRemote = (flags & HasIsRemote) != 0 ? (flags & IsRemote) != 0 : null;
            else
                Problem($"{at}: flags {OtlpJson.Describe(f)} is not a 32-bit unsigned integer");
        }

        return new TraceSpan
        {
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parentId,
            ParentIsRemote = parentId.Length > 0 ? parentIsRemote : null,
            Name = name ?? "",
            Kind = kind,
            StartUnixNano = start.Value,
            EndUnixNano = end.Value,
            StatusCode = statusCode,
            StatusMessage = statusMessage,
            TraceState = Text(span, "traceState", "trace_state", at),
            Attributes = OtlpJson.TryField(span, "attributes", out var attributes) ? AnyValueReader.Attributes(attributes, at + " attributes", Problem) : [],
            Events = OtlpJson.TryField(span, "events", out var events) ? ReadEvents(events, at + " events") : [],
            Links = OtlpJson.TryField(span, "links", out var links) ? ReadLinks(links, at + " links") : [],
            DroppedAttributesCount = Count(span, "droppedAttributesCount", "dropped_attributes_count", at),
            DroppedEventsCount = Count(span, "droppedEventsCount", "dropped_events_count", at),
            DroppedLinksCount = Count(span, "droppedLinksCount", "dropped_links_count", at),
            Resource = resource,
            Scope = scope,
            Line = _line,
        };
    }

    private List<SpanEvent> ReadEvents(JsonElement events, string where)
    {
        var result = new List<SpanEvent>();
        if (events.ValueKind != JsonValueKind.Array)
        {
            Problem($"{where} is {OtlpJson.Describe(events)}, not an array");
            return result;
        }
        int i = 0;
        foreach (var e in events.EnumerateArray())
        {
            var at = $"{where}[{i++}]";
            var time = RequiredTime(e, "timeUnixNano", "time_unix_nano", at);
            if (time is null)
                continue;
            result.Add(new SpanEvent(
                Text(e, "name", "name", at),
                time.Value,
                OtlpJson.TryField(e, "attributes", out var a) ? AnyValueReader.Attributes(a, at + " attributes", Problem) : [],
                Count(e, "droppedAttributesCount", "dropped_attributes_count", at)));
        }
        return result;
    }

    private List<SpanLink> ReadLinks(JsonElement links, string where)
    {
        var result = new List<SpanLink>();
        if (links.ValueKind != JsonValueKind.Array)
        {
            Problem($"{where} is {OtlpJson.Describe(links)}, not an array");
            return result;
        }
        int i = 0;
        foreach (var l in links.EnumerateArray())
        {
            var at = $"{where}[{i++}]";
            var traceId = RequiredId(l, "traceId", "trace_id", 16, at);
            var spanId = RequiredId(l, "spanId", "span_id", 8, at);
            if (traceId is null || spanId is null)
                continue;
            bool? remote = OtlpJson.TryField(l, "flags", out var f) && OtlpJson.TryUInt32(f, out uint flags) && (flags & HasIsRemote) != 0
                ? (flags & IsRemote) != 0 : null;
            result.Add(new SpanLink(
                traceId,
                spanId,
                Text(l, "traceState", "trace_state", at),
                OtlpJson.TryField(l, "attributes", out var a) ? AnyValueReader.Attributes(a, at + " attributes", Problem) : [],
                Count(l, "droppedAttributesCount", "dropped_attributes_count", at),
                remote));
        }
        return result;
    }

    private string? RequiredId(JsonElement obj, string camel, string snake, int bytes, string where)
    {
        if (!OtlpJson.TryField(obj, camel, snake, out var value))
        {
            Problem($"{where} left out: no {camel}");
            return null;
        }
        var id = OtlpJson.Id(value, bytes, out var wrong);
        if (wrong is not null)
            Problem($"{where} left out: {camel} {wrong}");
        return id;
    }

    private ulong? RequiredTime(JsonElement obj, string camel, string snake, string where)
    {
        if (!OtlpJson.TryField(obj, camel, snake, out var value))
        {
            Problem($"{where} left out: no {camel}");
            return null;
        }
        if (!OtlpJson.TryUInt64(value, out ulong time))
        {
            Problem($"{where} left out: {camel} {OtlpJson.Describe(value)} is not an unsigned 64-bit integer of nanoseconds");
            return null;
        }
        return time;
    }

    private string Text(JsonElement obj, string camel, string snake, string where)
    {
        if (!OtlpJson.TryField(obj, camel, snake, out var value))
            return "";
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString()!;
        Problem($"{where}: {camel} is {OtlpJson.Describe(value)}, not a string");
        return "";
    }

    private uint Count(JsonElement obj, string camel, string snake, string where)
    {
        if (!OtlpJson.TryField(obj, camel, snake, out var value))
            return 0;
        if (OtlpJson.TryUInt32(value, out uint count))
            return count;
        Problem($"{where}: {camel} {OtlpJson.Describe(value)} is not a 32-bit unsigned integer");
        return 0;
    }

    private static string Nanoseconds(ulong ns) => ns < 1_000 ? $"{ns} ns" : ns < 1_000_000 ? $"{ns / 1e3:0.###} µs" : ns < 1_000_000_000 ? $"{ns / 1e6:0.###} ms" : $"{ns / 1e9:0.###} s";

    private void Problem(string message) => _problems.Add(new LineProblem(_line, message));

    // A problem with the line as a whole: nothing of it is shown.
    private void Unreadable(string message)
    {
        _unreadable++;
        Problem(message);
    }

    private static T Intern<T>(Dictionary<string, T> table, T value, string key) =>
        table.TryGetValue(key, out var known) ? known : table[key] = value;

    private static string Key(IReadOnlyList<KeyValue> attributes) =>
        string.Join("\u0001", attributes.Select(a => a.Key + "\u0002" + a.Value.TypeName + "\u0002" + a.Value.Display()));

    // JsonException's message ends with where it happened, which the problem says already.
    private static string MessageOf(JsonException e)
    {
        var message = e.Message;
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }
}
