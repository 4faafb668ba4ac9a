namespace Kt.Tests;

/// <summary>
/// The page for the demo's file in headless Chromium, read back from the DOM and compared with
/// what the independent decoder read from the same file.
/// </summary>
[Collection("chromium")]
public sealed class DemoPageTests(ChromiumFixture chromium, DemoFixture demo) : IClassFixture<DemoFixture>
{
    private static readonly string[] Kinds = ["unspecified", "internal", "server", "client", "producer", "consumer"];

    private Task<ViewerTab> Open() => ViewerTab.OpenAsync(chromium.Browser, demo.Traces);

    [Fact]
    public async Task The_list_shows_every_trace_of_the_file_newest_first()
    {
        await using var tab = await Open();

        var traces = demo.Spans.GroupBy(s => s.TraceId).ToList();
        var expected = traces.OrderByDescending(t => t.Min(s => s.Start)).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        Assert.Equal((traces.Count, traces.Count), await tab.TraceCountAsync());
        Assert.Contains($"{traces.Count} traces · {demo.Spans.Count} spans", await tab.Page.EvaluateAsync<string>("document.getElementById('summary').textContent"));

        // The rows in the page are the newest ones, in order, each with its root's name, start (UTC, to the microsecond), span count and error marker.
        var shown = await tab.TraceRowsAsync();
        Assert.InRange(shown.Count, 5, traces.Count);
        for (int i = 0; i < shown.Count; i++)
        {
            var trace = expected[i].ToList();
            Assert.Equal(expected[i].Key, shown[i].Id);
            Assert.Equal(RootOf(trace).Name, shown[i].Name);
            Assert.Equal(trace.Count, shown[i].Spans);
            Assert.Equal(trace.Any(s => s.StatusCode == 2), shown[i].Error);
            Assert.Equal("kt-demo-nginx", shown[i].Service);
            var start = DateTime.UnixEpoch.AddTicks((long)(trace.Min(s => s.Start) / 100));
            Assert.Equal(start.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture), shown[i].Start);
        }
        tab.AssertCleanRun();
    }

    [Fact]
    public async Task A_continued_trace_opens_as_a_waterfall_nested_by_parent()
    {
        const string continued = "0af7651916cd43dd8448eb211c80319c"; // the caller's traceparent in run.sh
        await using var tab = await Open();

        await tab.OpenTraceAsync(continued);

        var spans = demo.Spans.Where(s => s.TraceId == continued).ToDictionary(s => s.SpanId);
        var rows = await tab.SpanRowsAsync();
        Assert.Equal(spans.Count, rows.Count);
        var depths = new Dictionary<string, int>();
        foreach (var row in rows)
        {
            var span = spans[row.Id];
            Assert.Equal(span.ParentSpanId ?? "", row.Parent);
            Assert.Equal(span.Name, row.Name);
            Assert.Equal(Kinds[span.Kind], row.Kind);
            Assert.Equal(span.Events, row.Events);
            // Parents come before their children, one level deeper; the front span's parent is the caller's.
            bool parentShown = span.ParentSpanId is not null && spans.ContainsKey(span.ParentSpanId);
            Assert.Equal(parentShown ? depths[span.ParentSpanId!] + 1 : 0, row.Depth);
            Assert.Equal(parentShown ? null : "remote parent", row.Orphan);
            depths[row.Id] = row.Depth;
        }
        var front = Assert.Single(rows, r => r.Depth == 0);
        Assert.Equal("b7ad6b7169203331", front.Parent);
        Assert.Equal(["server", "client", "server"], rows.Select(r => r.Kind));
        Assert.Equal([0, 1, 2], rows.Select(r => r.Depth));
        tab.AssertCleanRun();
    }

    [Fact]
    public async Task A_failed_request_shows_its_error_spans_and_a_clicked_span_its_attributes()
    {
        var failed = demo.Spans.First(s => s.String("url.path") == "/api/fail" && s.StatusCode == 2).TraceId;
        await using var tab = await Open();

        // The status filter keeps the traces with an error span.
        int withErrors = demo.Spans.Where(s => s.StatusCode == 2).Select(s => s.TraceId).Distinct().Count();
        Assert.InRange(withErrors, 1, demo.Spans.Select(s => s.TraceId).Distinct().Count() - 1);
        await tab.FilterAsync("f-status", "error", withErrors);
        Assert.All(await tab.TraceRowsAsync(), r => Assert.True(r.Error));
        await tab.FilterAsync("f-status", "", demo.Spans.Select(s => s.TraceId).Distinct().Count());

        await tab.OpenTraceAsync(failed);
        var spans = demo.Spans.Where(s => s.TraceId == failed).ToList();
        var rows = await tab.SpanRowsAsync();
        Assert.Equal(spans.Select(s => s.SpanId).Order(), rows.Select(r => r.Id).Order());
        Assert.Equal(spans.Where(s => s.StatusCode == 2).Select(s => s.SpanId).Order(), rows.Where(r => r.Error).Select(r => r.Id).Order());
        Assert.Contains(rows, r => r.Error);

        // The app's span (the deepest), clicked: every attribute the decoder read, as the details show it.
        var app = rows.OrderBy(r => r.Depth).Last();
        await tab.SelectSpanAsync(app.Id);
        var decoded = spans.Single(s => s.SpanId == app.Id);
        var shown = await tab.AttributesShownAsync();
        Assert.Equal(decoded.Attributes.Keys.Order(), shown.Keys.Order());
        foreach (var key in decoded.Attributes.Keys)
            Assert.Equal(decoded.Shown(key), shown[key].Value);
        Assert.Equal("int", shown["http.response.status_code"].Type);
        Assert.Equal("500", shown["http.response.status_code"].Value);
        Assert.Equal("string", shown["url.path"].Type);
        var status = await tab.Page.EvaluateAsync<string>("document.querySelector('#detail tr[data-key=\"status\"] td.v').textContent");
        Assert.StartsWith("error", status);

        // The screenshot (artifacts/viewer/, and the README's): the whole list again, with the failed trace still open.
        await tab.FilterAsync("f-name", "", demo.Spans.Select(s => s.TraceId).Distinct().Count());
        var screenshot = await tab.Page.ScreenshotAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, screenshot[..4]);
        var saved = Path.Combine(OtlpDecoder.RepositoryRoot(), "artifacts", "viewer", "demo-waterfall.png");
        Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
        await File.WriteAllBytesAsync(saved, screenshot);
        tab.AssertCleanRun();
    }

    // The viewer's root: the earliest span without a parent; without one, the earliest whose parent is not in the file.
    private static DecodedSpan RootOf(List<DecodedSpan> trace)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        return trace.Where(s => s.ParentSpanId is null).OrderBy(s => s.Start).FirstOrDefault()
            ?? trace.Where(s => !ids.Contains(s.ParentSpanId!)).OrderBy(s => s.Start).First();
    }
}
