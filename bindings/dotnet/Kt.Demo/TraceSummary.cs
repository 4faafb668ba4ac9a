using Kt.Export;

namespace Kt.Demo;

/// <summary>
/// What an OTLP JSON lines file holds, read back: how many traces and spans of each kind,
/// the spans with an error status, and the traces a caller marked (a <c>demo.case</c> attribute
/// on the root, which the Nginx demo sets from a request header) printed as trees.
/// </summary>
internal static class TraceSummary
{
    private const string CaseKey = "demo.case";

    private static readonly HashSet<string> KeyAttributes =
    [
        "url.path", "url.query", "http.response.status_code", "server.address", "server.port",
        "error.type", "nginx.upstream.response_time_ms",
    ];

    /// <summary>Prints the summary; 0 when the file held spans and only valid lines.</summary>
    /// <param name="moreAttributes">Attributes to print in the trees beside the usual ones.</param>
    public static int Print(string path, TextWriter output, IEnumerable<string>? moreAttributes = null)
    {
        var keys = new HashSet<string>(KeyAttributes);
        keys.UnionWith(moreAttributes ?? []);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"no {path}");
            return 1;
        }
        var file = OtlpJsonLines.Read(path);
        var spans = file.Spans;
        var traces = spans.GroupBy(s => s.TraceId).ToList();
        var service = file.Resource.TryGetValue("service.name", out var name) ? name : "(no service.name)";

        output.WriteLine();
        output.WriteLine($"{path}: {file.Lines} lines (export batches), {file.InvalidLines} invalid; service {service}");
        output.WriteLine($"{traces.Count} traces, {spans.Count} spans: " +
            string.Join(", ", spans.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));

        var errors = spans.Where(s => s.Status == StatusCode.Error).OrderBy(s => s.StartUnixNanoseconds).ToList();
        output.WriteLine($"{errors.Count} spans with an error status:");
        foreach (var group in errors.GroupBy(e => (e.Name, e.Kind, Status: Attribute(e, "http.response.status_code"), Path: Attribute(e, "url.path"))))
            output.WriteLine($"  {group.Count(),3} x {group.Key.Name} [{group.Key.Kind.ToString().ToLowerInvariant()}] status {group.Key.Status}{(group.Key.Path.Length > 0 ? " " + group.Key.Path : "")}");

        var marked = traces
            .Select(t => (Trace: t.ToList(), Root: t.OrderBy(s => s.StartUnixNanoseconds).First()))
            .Where(t => Attribute(t.Root, CaseKey).Length > 0)
            .OrderBy(t => t.Root.StartUnixNanoseconds)
            .ToList();
        if (marked.Count == 0)
            marked = traces.Take(3).Select(t => (Trace: t.ToList(), Root: t.OrderBy(s => s.StartUnixNanoseconds).First())).ToList();
        output.WriteLine();
        output.WriteLine($"{marked.Count} traces as trees (attributes: {string.Join(", ", keys)}):");
        foreach (var (trace, root) in marked)
        {
            output.WriteLine();
            var label = Attribute(root, CaseKey);
            if (label.Length > 0)
                output.WriteLine($"# {label}");
            output.Write(SpanTree.Render(trace, keys));
        }

        if (file.InvalidLines > 0 || spans.Count == 0)
        {
            Console.Error.WriteLine(spans.Count == 0 ? $"{path} holds no span" : $"{path} has {file.InvalidLines} invalid lines");
            return 1;
        }
        return 0;
    }

    private static string Attribute(ExportedSpan span, string key) =>
        span.Attributes.TryGetValue(key, out var value) ? SpanTree.Format(value).Trim('"') : "";
}
