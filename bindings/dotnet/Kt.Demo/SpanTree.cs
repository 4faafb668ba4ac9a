using System.Text;
using Kt.Export;

namespace Kt.Demo;

/// <summary>
/// Prints exported spans as indented trees, one per trace, children in start order; with
/// <c>keys</c>, only those attributes.
/// </summary>
internal static class SpanTree
{
    public static string Render(IReadOnlyList<ExportedSpan> spans, IReadOnlySet<string>? keys = null)
    {
        var text = new StringBuilder();
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans.Where(s => ids.Contains(s.ParentSpanId)).ToLookup(s => s.ParentSpanId);
        foreach (var root in spans.Where(s => !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartUnixNanoseconds))
        {
            text.Append("trace ").Append(root.TraceId);
            if (root.ParentIsRemote)
                text.Append(" (continued from remote parent ").Append(root.ParentSpanId).Append(')');
            text.AppendLine();
            Write(text, root, children, keys, depth: 1);
        }
        return text.ToString();
    }

    private static void Write(StringBuilder text, ExportedSpan span, ILookup<SpanId, ExportedSpan> children, IReadOnlySet<string>? keys, int depth)
    {
        var indent = new string(' ', depth * 2);
        double ms = (span.EndUnixNanoseconds - span.StartUnixNanoseconds) / 1e6;
        text.Append(indent).Append(span.Name)
            .Append("  [").Append(span.Kind.ToString().ToLowerInvariant()).Append(", ").Append(ms.ToString("0.000")).Append(" ms");
        if (span.Status != StatusCode.Unset)
            text.Append(", ").Append(span.Status.ToString().ToLowerInvariant());
        if (span.StatusMessage.Length > 0)
            text.Append(": ").Append(span.StatusMessage);
        text.Append(", scope ").Append(span.Scope).AppendLine("]");
        foreach (var (key, value) in span.Attributes.Where(a => keys is null || keys.Contains(a.Key)).OrderBy(a => a.Key, StringComparer.Ordinal))
            text.Append(indent).Append("  · ").Append(key).Append(" = ").AppendLine(Format(value));
        foreach (var e in span.Events)
        {
            text.Append(indent).Append("  ! ").Append(e.Name);
            foreach (var (key, value) in e.Attributes)
                text.Append(' ').Append(key).Append('=').Append(FirstLine(Format(value)));
            text.AppendLine();
        }
        foreach (var child in children[span.SpanId].OrderBy(s => s.StartUnixNanoseconds))
            Write(text, child, children, keys, depth + 1);
    }

    // A stack trace shows its first line.
    private static string FirstLine(string text) => text.IndexOf('\n') is int end and >= 0 ? text[..end].TrimEnd('\r') + " …\"" : text;

    internal static string Format(object value) => value switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        Array a => "[" + string.Join(", ", a.Cast<object>().Select(Format)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
