using static Kt.Tests.OtlpJsonReaderTests;

namespace Kt.Tests;

/// <summary>The page in headless Chromium for files made here: bad lines, parents not in the file, filters, a trace of 1,000 spans.</summary>
[Collection("chromium")]
public sealed class SyntheticPageTests(ChromiumFixture chromium) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kt-viewer-page-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "traces.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string T(long ns) => $"\"{1700000000000000000 + ns}\"";

    private static string Trace(int n) => $"{n:x32}";

    [Fact]
    public async Task A_file_with_bad_lines_names_each_line_and_shows_the_good_ones()
    {
        var file = Write(
            Line(Span("00000000000000a1", trace: Trace(1))),
            "not json at all",
            Line(Span("00000000000000a2", trace: Trace(2)), Span("zz", name: "bad id", trace: Trace(3))),
            """{"resourceMetrics":[]}""",
            Line(Span("00000000000000a4", trace: Trace(4))));
        await using var tab = await ViewerTab.OpenAsync(chromium.Browser, file, exit: 1);

        Assert.Equal((3, 3), await tab.TraceCountAsync());
        var problems = await tab.Page.EvaluateAsync("""
            ({ open: document.getElementById('problems').open, hidden: document.getElementById('problems').hidden,
               summary: document.querySelector('#problems summary').textContent,
               items: [...document.querySelectorAll('#problems li')].map((li) => [Number(li.dataset.line), li.textContent]) })
            """);
        Assert.False(problems.GetProperty("hidden").GetBoolean());
        Assert.True(problems.GetProperty("open").GetBoolean());
        Assert.StartsWith("2 of 5 lines could not be read, 1 spans were left out", problems.GetProperty("summary").GetString());
        var items = problems.GetProperty("items").EnumerateArray().Select(i => (i[0].GetInt32(), i[1].GetString()!)).ToList();
        Assert.Equal([2, 3, 4], items.Select(i => i.Item1));
        Assert.StartsWith("line 2: not JSON", items[0].Item2);
        Assert.Equal("line 3: resourceSpans[0].scopeSpans[0].spans[1] \"bad id\" left out: spanId \"zz\" is not 16 hex digits", items[1].Item2);
        Assert.Equal("line 4: an OTLP request of another signal (resourceMetrics), not of traces", items[2].Item2);
        tab.AssertCleanRun();
    }

    [Fact]
    public async Task Spans_whose_parent_is_not_in_the_file_show_under_their_trace()
    {
        var file = Write(
            Line(Span("00000000000000b1", "00000000000000a1", "child of the lost", start: T(20), end: T(30)),
                 Span("00000000000000c1", "00000000000000ff", "continued", extra: ",\"flags\":768", start: T(0), end: T(100))),
            Line(Span("00000000000000c2", "00000000000000c1", "its child", start: T(10), end: T(50))));
        await using var tab = await ViewerTab.OpenAsync(chromium.Browser, file);

        var rows = await tab.SpanRowsAsync(); // the only trace opens by itself
        Assert.Equal(["continued", "its child", "child of the lost"], rows.Select(r => r.Name));
        Assert.Equal([0, 1, 0], rows.Select(r => r.Depth));
        Assert.Equal(["remote parent", null, "parent not in file"], rows.Select(r => r.Orphan));
        var list = Assert.Single(await tab.TraceRowsAsync());
        Assert.Equal(("continued", 3), (list.Name, list.Spans));
        Assert.Contains("rootless", await tab.Page.EvaluateAsync<string>("document.querySelector('.trace-row .name').className"));
        tab.AssertCleanRun();
    }

    [Fact]
    public async Task The_filters_narrow_the_list_by_service_name_status_and_duration()
    {
        var error = ",\"status\":{\"code\":2}";
        string Other(string span) => """{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"billing"}}]},"scopeSpans":[{"spans":[""" + span + "]}]}]}";
        var file = Write(
            Line(Span("00000000000000a1", name: "GET /cart", trace: Trace(1), start: T(0), end: T(2_000_000))),
            Line(Span("00000000000000a2", name: "GET /cart", trace: Trace(2), extra: error, start: T(10), end: T(500_000))),
            Other(Span("00000000000000a3", name: "charge", trace: Trace(3), start: T(20), end: T(9_000_000))),
            Line(Span("00000000000000a4", name: "POST /pay", trace: Trace(4), start: T(30), end: T(40))),
            Other(Span("00000000000000b4", "00000000000000a4", "charge", trace: Trace(4), extra: error, start: T(31), end: T(39))));
        await using var tab = await ViewerTab.OpenAsync(chromium.Browser, file);
        Assert.Equal((4, 4), await tab.TraceCountAsync());

        var billing = await tab.Page.EvaluateAsync<string>("[...document.querySelectorAll('#f-service option')].find((o) => o.textContent === 'billing').value");
        await tab.FilterAsync("f-service", billing, 2);
        Assert.Equal([Trace(4), Trace(3)], (await tab.TraceRowsAsync()).Select(r => r.Id));
        Assert.Equal("checkout, billing", (await tab.TraceRowsAsync())[0].Service);
        await tab.FilterAsync("f-status", "error", 1);
        Assert.Equal(Trace(4), Assert.Single(await tab.TraceRowsAsync()).Id);
        await tab.FilterAsync("f-service", "", 2);
        await tab.FilterAsync("f-status", "ok", 2);
        await tab.FilterAsync("f-min", "5", 1); // ms: the 9 ms trace, not the 2 ms one
        Assert.Equal(Trace(3), Assert.Single(await tab.TraceRowsAsync()).Id);
        await tab.FilterAsync("f-status", "", 1);
        await tab.FilterAsync("f-name", "CHARGE", 1); // any span's name, in any case; the duration filter still holds
        await tab.FilterAsync("f-min", "", 2);
        await tab.FilterAsync("f-name", "nothing like it", 0);
        Assert.Equal("No trace matches the filters.", await tab.Page.EvaluateAsync<string>("document.querySelector('#trace-list .empty').textContent"));
        tab.AssertCleanRun();
    }

    [Fact]
    public async Task A_trace_of_a_thousand_spans_opens_scrolls_and_folds()
    {
        // The root, 9 children, each with 110 grandchildren and one event: 1,000 spans.
        var spans = new List<string> { Span("0000000000000001", "", "root", start: T(0), end: T(1_000_000)) };
        int id = 2;
        for (int c = 0; c < 9; c++)
        {
            int child = id++;
            spans.Add(Span($"{child:x16}", "0000000000000001", $"step {c}", start: T(c * 100_000), end: T(c * 100_000 + 90_000)));
            for (int g = 0; g < 110; g++)
            {
                var e = $",\"events\":[{{\"timeUnixNano\":{T(c * 100_000 + g * 800 + 300)},\"name\":\"mark\"}}]";
                spans.Add(Span($"{id++:x16}", $"{child:x16}", $"work {c}.{g}", extra: e, start: T(c * 100_000 + g * 800), end: T(c * 100_000 + g * 800 + 700)));
            }
        }
        Assert.Equal(1000, spans.Count);
        var file = Write(Line([.. spans]));
        await using var tab = await ViewerTab.OpenAsync(chromium.Browser, file);

        Assert.Equal("1000", await tab.Page.EvaluateAsync<string>("document.getElementById('trace-head').dataset.spans"));
        var rows = await tab.SpanRowsAsync();
        Assert.InRange(rows.Count, 10, 200); // only the rows in view are in the page
        Assert.Equal(["root", "step 0", "work 0.0"], rows.Take(3).Select(r => r.Name));
        Assert.Equal(1, rows[2].Events);

        // Scrolled to the end, the last span shows.
        await tab.Page.EvaluateAsync("(() => { const w = document.getElementById('waterfall'); w.scrollTop = w.scrollHeight; })()");
        await tab.Page.WaitForAsync($"document.querySelector(\"#waterfall .span-row[data-span-id='{1000:x16}']\") !== null", "the last span after scrolling");

        // Folding the root leaves the root alone.
        await tab.Page.EvaluateAsync("document.getElementById('waterfall').scrollTop = 0");
        await tab.Page.WaitForAsync("document.querySelector(\"#waterfall .span-row[data-span-id='0000000000000001']\") !== null", "the root again");
        await tab.Page.ClickAsync(".span-row[data-span-id='0000000000000001'] .toggle");
        await tab.Page.WaitForAsync("document.querySelectorAll('#waterfall .span-row').length === 1", "the root alone after folding it");
        await tab.Page.ClickAsync(".span-row[data-span-id='0000000000000001'] .toggle");
        await tab.Page.WaitForAsync("document.querySelectorAll('#waterfall .span-row').length > 10", "the children back after unfolding");
        tab.AssertCleanRun();
    }
}
