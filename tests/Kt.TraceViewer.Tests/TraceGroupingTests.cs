using Kt.TraceViewer;
using static Kt.Tests.OtlpJsonReaderTests;

namespace Kt.Tests;

/// <summary>Spans grouped into traces and laid out as waterfall rows: parents above children, missing parents, loops.</summary>
public sealed class TraceGroupingTests
{
    private static IReadOnlyList<Trace> Group(params string[] lines) => Trace.Group(OtlpJsonReader.Read(new StringReader(string.Join("\n", lines))).Spans);

    private static string T(long ns) => $"\"{1700000000000000000 + ns}\"";

    [Fact]
    public void Children_follow_their_parent_in_start_order_whatever_the_order_in_the_file()
    {
        // Children finish first, so they come first in the file; a child in a later line (batch) still nests.
        var traces = Group(
            Line(Span("00000000000000c2", "00000000000000b1", "c2", start: T(30), end: T(40)),
                 Span("00000000000000b1", "00000000000000a1", "b1", start: T(10), end: T(50)),
                 Span("00000000000000c1", "00000000000000b1", "c1", start: T(20), end: T(25))),
            Line(Span("00000000000000a1", "", "root", start: T(0), end: T(100)),
                 Span("00000000000000b2", "00000000000000a1", "b2", start: T(60), end: T(90))));

        var trace = Assert.Single(traces);
        Assert.Equal(["root", "b1", "c1", "c2", "b2"], trace.Rows.Select(r => r.Span.Name));
        Assert.Equal([0, 1, 2, 2, 1], trace.Rows.Select(r => r.Depth));
        Assert.Equal([-1, 0, 1, 1, 0], trace.Rows.Select(r => r.Parent));
        Assert.All(trace.Rows, r => Assert.False(r.ParentMissing));
        Assert.True(trace.HasRoot);
        Assert.Equal("root", trace.Root.Name);
        Assert.Equal(100UL, trace.EndUnixNano - trace.StartUnixNano);
    }

    [Fact]
    public void Spans_whose_parent_is_absent_still_show_under_their_trace()
    {
        // A remote parent (the caller's), and a parent in a batch that never arrived.
        var remote = ",\"flags\":768";
        var traces = Group(Line(
            Span("00000000000000a1", "00000000000000ff", "continued", extra: remote, start: T(0), end: T(100)),
            Span("00000000000000b1", "00000000000000a1", "child", start: T(10), end: T(20)),
            Span("00000000000000c1", "00000000000000ee", "lost parent", start: T(30), end: T(40))));

        var trace = Assert.Single(traces);
        Assert.Equal(["continued", "child", "lost parent"], trace.Rows.Select(r => r.Span.Name));
        Assert.Equal([true, false, true], trace.Rows.Select(r => r.ParentMissing));
        Assert.Equal([0, 1, 0], trace.Rows.Select(r => r.Depth));
        Assert.True(trace.Rows[0].Span.ParentIsRemote);
        Assert.False(trace.HasRoot);
        Assert.Equal("continued", trace.Root.Name);
    }

    [Fact]
    public void Spans_that_are_each_others_parents_are_all_shown_once()
    {
        var traces = Group(Line(
            Span("00000000000000a1", "00000000000000b1", "a", start: T(0), end: T(10)),
            Span("00000000000000b1", "00000000000000a1", "b", start: T(5), end: T(10)),
            Span("00000000000000c1", "00000000000000c1", "self", start: T(7), end: T(10))));

        var trace = Assert.Single(traces);
        // The span that is its own parent is a root; the loop follows, from its earliest span.
        Assert.Equal(["self", "a", "b"], trace.Rows.Select(r => r.Span.Name));
        Assert.Equal([-1, -1, 1], trace.Rows.Select(r => r.Parent));
        Assert.Equal([true, false, false], trace.Rows.Select(r => r.ParentMissing));
    }

    [Fact]
    public void Traces_come_newest_first_with_their_services_errors_and_names()
    {
        var error = ",\"status\":{\"code\":2,\"message\":\"boom\"}";
        var traces = Group(
            Line(Span("00000000000000a1", "", "old", trace: "00000000000000000000000000000001", start: T(0), end: T(5))),
            Line(Span("00000000000000a2", "", "new", trace: "00000000000000000000000000000002", start: T(100), end: T(105)),
                 Span("00000000000000b2", "00000000000000a2", "db", extra: error, trace: "00000000000000000000000000000002", start: T(101), end: T(102))),
            """{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"db"}}]},"scopeSpans":[{"spans":[""" +
                Span("00000000000000c2", "00000000000000b2", "query", trace: "00000000000000000000000000000002", start: T(101), end: T(102)) + "]}]}]}");

        Assert.Equal(["new", "old"], traces.Select(t => t.Root.Name));
        Assert.Equal(["checkout", "db"], traces[0].Services);
        Assert.Equal(1, traces[0].ErrorCount);
        Assert.Equal(["new", "db", "query"], traces[0].Names);
        Assert.Equal(0, traces[1].ErrorCount);
    }

    [Fact]
    public void A_thousand_spans_deep_and_wide_are_laid_out_without_recursion()
    {
        // A chain 500 deep, then 500 siblings under the root.
        var spans = new List<string> { Span("0000000000000001", "", "root", start: T(0), end: T(10_000)) };
        for (int i = 2; i <= 500; i++)
            spans.Add(Span($"{i:x16}", $"{i - 1:x16}", $"deep {i}", start: T(i), end: T(i + 1)));
        for (int i = 501; i <= 1000; i++)
            spans.Add(Span($"{i:x16}", "0000000000000001", $"wide {i}", start: T(i), end: T(i + 1)));

        var trace = Assert.Single(Group(Line([.. spans])));

        Assert.Equal(1000, trace.Rows.Count);
        Assert.Equal(499, trace.Rows[499].Depth);
        Assert.Equal("wide 501", trace.Rows[500].Span.Name);
        Assert.Equal(1, trace.Rows[500].Depth);
    }
}
