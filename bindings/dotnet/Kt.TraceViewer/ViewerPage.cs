using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Kt.TraceViewer;

/// <summary>
/// Writes the viewer: <c>ViewerPage.html</c> (its style and script inline, no network) with the
/// traces inside it as data. The list of traces is one JSON document, before the page's script,
/// which parses it and draws the list before the browser reads on. Each trace's spans are a JSON
/// document of their own; a few hundred kilobytes of them make a chunk, gzip in base64, after
/// the script, and the page inflates a chunk (with the browser's own DecompressionStream) only
/// when one of its traces is opened. A browser spends its time on a page's bytes: 100,000 spans
/// are 40 MiB of JSON, which took Chromium over 2 s just to parse as HTML on a busy machine, and
/// a page of under 8 MiB this way. The list's JSON has every <c>&lt;</c> escaped and base64 has
/// none, so nothing in a span can end the script element it sits in.
/// </summary>
internal static class ViewerPage
{
    private const string DetailMarker = "/*KT-DETAIL*/", IndexMarker = "/*KT-INDEX*/";
    private const int MaxListedProblems = 1000;
    private const int ChunkBytes = 256 * 1024;

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>Writes the page for the traces of <paramref name="file"/>, titled after <paramref name="source"/>.</summary>
    public static void Write(TraceFile file, IReadOnlyList<Trace> traces, string source, Stream output)
    {
        var template = Template();
        int detailAt = template.IndexOf(DetailMarker, StringComparison.Ordinal);
        int indexAt = template.IndexOf(IndexMarker, StringComparison.Ordinal);

        // Resources and scopes are listed once in the index; spans name them by position.
        var resources = new Dictionary<TraceResource, int>(ReferenceEqualityComparer.Instance);
        var scopes = new Dictionary<TraceScope, int>(ReferenceEqualityComparer.Instance);
        foreach (var row in traces.SelectMany(t => t.Rows))
        {
            resources.TryAdd(row.Span.Resource, resources.Count);
            scopes.TryAdd(row.Span.Scope, scopes.Count);
        }

        // The chunks, compressed as they fill; each trace's chunk and where its bytes lie in it once inflated.
        var places = new (int Chunk, int Offset, int Length)[traces.Count];
        var chunks = new List<MemoryStream>();
        var chunk = new ArrayBufferWriter<byte>(ChunkBytes + 64 * 1024);
        void Close()
        {
            chunks.Add(Gzip(gzip => gzip.Write(chunk.WrittenSpan)));
            chunk.ResetWrittenCount();
        }
        for (int t = 0; t < traces.Count; t++)
        {
            int start = chunk.WrittenCount;
            using (var json = new Utf8JsonWriter(chunk, Options))
                WriteDetail(json, traces[t], resources, scopes);
            places[t] = (chunks.Count, start, chunk.WrittenCount - start);
            if (chunk.WrittenCount >= ChunkBytes)
                Close();
        }
        if (chunk.WrittenCount > 0)
            Close();
        var base64 = new List<(long Offset, long Length)>();
        foreach (var c in chunks)
            base64.Add((base64.Count == 0 ? 0 : base64[^1].Offset + base64[^1].Length, (c.Length + 2) / 3 * 4));

        // The list first, the chunks last: the page shows the list while the browser still parses the chunks.
        output.Write(Encoding.UTF8.GetBytes(template[..indexAt]));
        using (var json = new Utf8JsonWriter(output, Options))
            WriteIndex(json, file, traces, places, base64, source, InOrder(resources), InOrder(scopes));
        output.Write(Encoding.UTF8.GetBytes(template[(indexAt + IndexMarker.Length)..detailAt]));
        foreach (var c in chunks)
            Base64Block.Write(output, c.GetBuffer().AsSpan(0, (int)c.Length));
        output.Write(Encoding.UTF8.GetBytes(template[(detailAt + DetailMarker.Length)..]));
    }

    private static MemoryStream Gzip(Action<Stream> write)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            write(gzip);
        return compressed;
    }

    private static string Template()
    {
        using var stream = typeof(ViewerPage).Assembly.GetManifestResourceStream("Kt.TraceViewer.ViewerPage.html")
            ?? throw new InvalidOperationException("the page template is not in the assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // The list: one array per trace (the page names the positions), names and services as indexes into one table of strings.
    private static void WriteIndex(Utf8JsonWriter json, TraceFile file, IReadOnlyList<Trace> traces, (int Chunk, int Offset, int Length)[] places,
        List<(long Offset, long Length)> chunks, string source, IEnumerable<TraceResource> resources, IEnumerable<TraceScope> scopes)
    {
        var strings = new StringTable();
        json.WriteStartObject();
        json.WriteNumber("version", 1);
        json.WriteString("file", source);
        json.WriteNumber("lines", file.Lines);
        json.WriteNumber("unreadableLines", file.UnreadableLines);
        json.WriteNumber("spansLeftOut", file.SpansLeftOut);
        json.WriteNumber("spanCount", file.Spans.Count);
        json.WriteNumber("problemCount", file.Problems.Count);
        json.WriteStartArray("problems");
        foreach (var problem in file.Problems.Take(MaxListedProblems))
        {
            json.WriteStartArray();
            json.WriteNumberValue(problem.Line);
            json.WriteStringValue(problem.Message);
            json.WriteEndArray();
        }
        json.WriteEndArray();

        json.WriteStartArray("resources");
        foreach (var resource in resources)
        {
            json.WriteStartObject();
            json.WriteString("service", resource.ServiceName);
            WriteAttributes(json, "attributes", resource.Attributes);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("scopes");
        foreach (var scope in scopes)
        {
            json.WriteStartObject();
            json.WriteString("name", scope.Name);
            json.WriteString("version", scope.Version);
            WriteAttributes(json, "attributes", scope.Attributes);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        // [id, root name, [services], start, duration ns, spans, errors, [names], chunk, offset, length, has root]
        json.WriteStartArray("traces");
        for (int t = 0; t < traces.Count; t++)
        {
            var trace = traces[t];
            json.WriteStartArray();
            json.WriteStringValue(trace.TraceId);
            json.WriteNumberValue(strings.Index(trace.Root.Name));
            json.WriteStartArray();
            foreach (var service in trace.Services)
                json.WriteNumberValue(strings.Index(service));
            json.WriteEndArray();
            json.WriteNumberValue(trace.StartUnixNano / 1000); // microseconds: exact in a double until the year 2255
            json.WriteNumberValue(trace.EndUnixNano - trace.StartUnixNano);
            json.WriteNumberValue(trace.Rows.Count);
            json.WriteNumberValue(trace.ErrorCount);
            json.WriteStartArray();
            foreach (var name in trace.Names)
                json.WriteNumberValue(strings.Index(name));
            json.WriteEndArray();
            json.WriteNumberValue(places[t].Chunk);
            json.WriteNumberValue(places[t].Offset);
            json.WriteNumberValue(places[t].Length);
            json.WriteNumberValue(trace.HasRoot ? 1 : 0);
            json.WriteEndArray();
        }
        json.WriteEndArray();

        // Each chunk's place in the block of chunks: [offset, length] in base64 characters.
        json.WriteStartArray("chunks");
        foreach (var (offset, length) in chunks)
        {
            json.WriteStartArray();
            json.WriteNumberValue(offset);
            json.WriteNumberValue(length);
            json.WriteEndArray();
        }
        json.WriteEndArray();

        json.WriteStartArray("strings");
        foreach (var text in strings.Texts)
            json.WriteStringValue(text);
        json.WriteEndArray();

        json.WriteEndObject();
    }

    // One trace's spans: rows in waterfall order, times as nanoseconds after the trace's start.
    private static void WriteDetail(Utf8JsonWriter json, Trace trace, Dictionary<TraceResource, int> resources, Dictionary<TraceScope, int> scopes)
    {
        json.WriteStartObject();
        json.WriteString("start", trace.StartUnixNano.ToString(CultureInfo.InvariantCulture));
        json.WriteStartArray("spans");
        foreach (var row in trace.Rows)
        {
            var span = row.Span;
            json.WriteStartObject();
            json.WriteString("id", span.SpanId);
            json.WriteNumber("p", row.Parent);
            json.WriteNumber("depth", row.Depth);
            if (span.ParentSpanId.Length > 0)
            {
                json.WriteString("parent", span.ParentSpanId);
                if (row.ParentMissing)
                    json.WriteBoolean("missing", true);
                if (span.ParentIsRemote is { } remote)
                    json.WriteBoolean("remote", remote);
            }
            json.WriteString("name", span.Name);
            json.WriteNumber("kind", span.Kind);
            json.WriteNumber("o", span.StartUnixNano - trace.StartUnixNano);
            json.WriteNumber("d", span.EndUnixNano - span.StartUnixNano);
            if (span.StatusCode != 0)
                json.WriteNumber("status", span.StatusCode);
            if (span.StatusMessage.Length > 0)
                json.WriteString("message", span.StatusMessage);
            if (span.TraceState.Length > 0)
                json.WriteString("state", span.TraceState);
            json.WriteNumber("r", resources[span.Resource]);
            json.WriteNumber("c", scopes[span.Scope]);
            WriteAttributes(json, "a", span.Attributes);
            if (span.Events.Count > 0)
            {
                json.WriteStartArray("events");
                foreach (var e in span.Events)
                {
                    json.WriteStartObject();
                    json.WriteString("name", e.Name);
                    json.WriteNumber("o", unchecked((long)(e.TimeUnixNano - span.StartUnixNano)));
                    WriteAttributes(json, "a", e.Attributes);
                    if (e.DroppedAttributesCount > 0)
                        json.WriteNumber("dropped", e.DroppedAttributesCount);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (span.Links.Count > 0)
            {
                json.WriteStartArray("links");
                foreach (var link in span.Links)
                {
                    json.WriteStartObject();
                    json.WriteString("trace", link.TraceId);
                    json.WriteString("span", link.SpanId);
                    if (link.TraceState.Length > 0)
                        json.WriteString("state", link.TraceState);
                    if (link.IsRemote is { } remote)
                        json.WriteBoolean("remote", remote);
                    WriteAttributes(json, "a", link.Attributes);
                    if (link.DroppedAttributesCount > 0)
                        json.WriteNumber("dropped", link.DroppedAttributesCount);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (span.DroppedAttributesCount + span.DroppedEventsCount + span.DroppedLinksCount > 0)
            {
                json.WriteStartArray("dropped");
                json.WriteNumberValue(span.DroppedAttributesCount);
                json.WriteNumberValue(span.DroppedEventsCount);
                json.WriteNumberValue(span.DroppedLinksCount);
                json.WriteEndArray();
            }
            json.WriteNumber("line", span.Line);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static IEnumerable<T> InOrder<T>(Dictionary<T, int> numbered) where T : notnull =>
        numbered.OrderBy(kv => kv.Value).Select(kv => kv.Key);

    // [[key, type, shown], ...]
    private static void WriteAttributes(Utf8JsonWriter json, string name, IReadOnlyList<KeyValue> attributes)
    {
        json.WriteStartArray(name);
        foreach (var a in attributes)
        {
            json.WriteStartArray();
            json.WriteStringValue(a.Key);
            json.WriteStringValue(a.Value.TypeName);
            json.WriteStringValue(a.Value.Display());
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    private sealed class StringTable
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public List<string> Texts { get; } = [];

        public int Index(string text)
        {
            if (!_index.TryGetValue(text, out int i))
            {
                i = Texts.Count;
                _index.Add(text, i);
                Texts.Add(text);
            }
            return i;
        }
    }
}
