namespace Kt.TraceViewer;

/// <summary>
/// The spans of one trace as rows of a waterfall: each span after its parent, children in the
/// order they started, depth-first. Spans whose parent is not in the file start their own
/// subtree at depth 0, so every span of the file shows under its trace.
/// </summary>
internal sealed class Trace
{
    private Trace(string traceId, List<TraceRow> rows)
    {
        TraceId = traceId;
        Rows = rows;
        StartUnixNano = rows.Min(r => r.Span.StartUnixNano);
        EndUnixNano = rows.Max(r => r.Span.EndUnixNano);
        var root = rows.FindIndex(r => r.Span.ParentSpanId.Length == 0);
        HasRoot = root >= 0;
        Root = rows[Math.Max(root, 0)].Span;
        ErrorCount = rows.Count(r => r.Span.IsError);
        Services = rows.Select(r => r.Span.Resource.ServiceName).Prepend(Root.Resource.ServiceName).Distinct().ToList();
        Names = rows.Select(r => r.Span.Name).Distinct().ToList();
    }

    public string TraceId { get; }

    public IReadOnlyList<TraceRow> Rows { get; }

    public ulong StartUnixNano { get; }

    public ulong EndUnixNano { get; }

    /// <summary>The span without a parent (the earliest, if several); without one, the first row.</summary>
    public TraceSpan Root { get; }

    /// <summary>Whether the file holds the trace's root span, rather than only spans whose parent is elsewhere.</summary>
    public bool HasRoot { get; }

    public int ErrorCount { get; }

    /// <summary>The services whose spans the trace holds, the root's first.</summary>
    public IReadOnlyList<string> Services { get; }

    /// <summary>The distinct names of its spans.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The spans grouped by trace, newest trace first.</summary>
    public static IReadOnlyList<Trace> Group(IEnumerable<TraceSpan> spans) =>
        spans.GroupBy(s => s.TraceId, StringComparer.Ordinal)
            .Select(g => new Trace(g.Key, LayOut(g.ToList())))
            .OrderByDescending(t => t.StartUnixNano)
            .ThenBy(t => t.TraceId, StringComparer.Ordinal)
            .ToList();

    private static List<TraceRow> LayOut(List<TraceSpan> spans)
    {
        // Input order breaks ties in start time, so the same file always gives the same rows.
        var order = Enumerable.Range(0, spans.Count).OrderBy(i => spans[i].StartUnixNano).ThenBy(i => i).ToArray();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int i in order)
            byId.TryAdd(spans[i].SpanId, i);
        var children = new List<int>?[spans.Count];
        var roots = new List<int>();
        foreach (int i in order)
        {
            var parent = spans[i].ParentSpanId;
            if (parent.Length > 0 && byId.TryGetValue(parent, out int p) && p != i)
                (children[p] ??= []).Add(i);
            else
                roots.Add(i);
        }

        var rows = new List<TraceRow>(spans.Count);
        var placed = new bool[spans.Count];
        var stack = new Stack<(int Span, int ParentRow, int Depth)>();
        void Place(int start)
        {
            stack.Push((start, -1, 0));
            while (stack.TryPop(out var next))
            {
                if (placed[next.Span])
                    continue;
                placed[next.Span] = true;
                int row = rows.Count;
                var span = spans[next.Span];
                bool parentMissing = span.ParentSpanId.Length > 0 && (!byId.TryGetValue(span.ParentSpanId, out int p) || p == next.Span);
                rows.Add(new TraceRow(span, next.ParentRow, next.Depth, parentMissing));
                if (children[next.Span] is { } kids)
                {
                    for (int k = kids.Count - 1; k >= 0; k--)
                        stack.Push((kids[k], row, next.Depth + 1));
                }
            }
        }
        foreach (int root in roots)
            Place(root);
        // Spans that are each other's ancestors reach no root; each such loop starts where it starts earliest.
        foreach (int i in order)
        {
            if (!placed[i])
                Place(i);
        }
        return rows;
    }
}
