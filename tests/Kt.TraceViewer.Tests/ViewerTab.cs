using System.Text.Json;
using Kt.TraceViewer;

namespace Kt.Tests;

/// <summary>
/// A viewer page written by the command and open in a tab: what the tests do to it (filter,
/// open a trace, select a span) and read from it (rows and details, as the DOM has them).
/// </summary>
internal sealed class ViewerTab : IAsyncDisposable
{
    private ViewerTab(ChromiumPage page, string path)
    {
        Page = page;
        Path = path;
    }

    public ChromiumPage Page { get; }

    public string Path { get; }

    /// <summary>Writes the page for <paramref name="jsonl"/> with the command (its exit status must be <paramref name="exit"/>) and opens it.</summary>
    public static async Task<ViewerTab> OpenAsync(HeadlessChromium browser, string jsonl, int exit = 0, int width = 1280, int height = 800)
    {
        var html = System.IO.Path.ChangeExtension(jsonl, ".html");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(TraceViewerCommand.Run([jsonl, html], output, error) == exit, $"Kt.TraceViewer did not exit with {exit}:\n{output}\n{error}");
        var page = await browser.NewPageAsync(width, height);
        await page.NavigateAsync(new Uri(html).AbsoluteUri);
        await page.WaitForAsync("document.body.dataset.ready === 'true'", "the page ready");
        return new ViewerTab(page, html);
    }

    /// <summary>Shows only the trace with this id (typed into the name filter, which takes trace ids too), opens it, and waits for its waterfall.</summary>
    public async Task OpenTraceAsync(string traceId)
    {
        await Page.TypeAsync("#f-name", traceId);
        await Page.WaitForAsync("document.getElementById('trace-count').dataset.shown === '1'", $"the list filtered to trace {traceId}");
        await Page.ClickAsync($".trace-row[data-trace='{traceId}']");
        await Page.WaitForAsync($"document.getElementById('trace-head').dataset.trace === '{traceId}'", $"trace {traceId} open");
    }

    public async Task SelectSpanAsync(string spanId)
    {
        await Page.ClickAsync($".span-row[data-span-id='{spanId}'] .name");
        await Page.WaitForAsync($"document.getElementById('detail').dataset.spanId === '{spanId}'", $"span {spanId} in the details");
    }

    /// <summary>The waterfall's rows in the page now.</summary>
    public async Task<List<ShownSpan>> SpanRowsAsync()
    {
        var rows = await Page.EvaluateAsync("""
            [...document.querySelectorAll('#waterfall .span-row')]
              .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
              .map((r) => ({ id: r.dataset.spanId, parent: r.dataset.parentId, depth: Number(r.dataset.depth), kind: r.dataset.kind,
                name: r.querySelector('.name').textContent, error: r.classList.contains('error'),
                orphan: r.querySelector('.orphan') ? r.querySelector('.orphan').textContent : null,
                events: r.querySelectorAll('.ev').length }))
            """);
        return rows.EnumerateArray().Select(r => new ShownSpan(
            r.GetProperty("id").GetString()!, r.GetProperty("parent").GetString()!, r.GetProperty("depth").GetInt32(), r.GetProperty("kind").GetString()!,
            r.GetProperty("name").GetString()!, r.GetProperty("error").GetBoolean(),
            r.GetProperty("orphan").ValueKind == JsonValueKind.String ? r.GetProperty("orphan").GetString() : null,
            r.GetProperty("events").GetInt32())).ToList();
    }

    /// <summary>The trace list's rows in the page now, top to bottom.</summary>
    public async Task<List<ShownTrace>> TraceRowsAsync()
    {
        var rows = await Page.EvaluateAsync("""
            [...document.querySelectorAll('#trace-list .trace-row')]
              .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
              .map((r) => ({ id: r.dataset.trace, name: r.querySelector('.name').textContent, spans: Number(r.querySelector('.spans').textContent),
                error: r.classList.contains('error'), service: r.querySelector('.service').textContent, start: r.querySelector('.start').textContent }))
            """);
        return rows.EnumerateArray().Select(r => new ShownTrace(
            r.GetProperty("id").GetString()!, r.GetProperty("name").GetString()!, r.GetProperty("spans").GetInt32(),
            r.GetProperty("error").GetBoolean(), r.GetProperty("service").GetString()!, r.GetProperty("start").GetString()!)).ToList();
    }

    /// <summary>The selected span's attributes as the details panel shows them: key to (value, type).</summary>
    public async Task<Dictionary<string, (string Value, string Type)>> AttributesShownAsync()
    {
        var rows = await Page.EvaluateAsync("""
            [...document.querySelectorAll('#span-attributes tr.attr')].map((r) => [r.dataset.key, r.querySelector('td.v').textContent, r.querySelector('td.t').textContent])
            """);
        return rows.EnumerateArray().ToDictionary(r => r[0].GetString()!, r => (r[1].GetString()!, r[2].GetString()!));
    }

    /// <summary>Shown / total from the trace count.</summary>
    public async Task<(int Shown, int Total)> TraceCountAsync()
    {
        var count = await Page.EvaluateAsync("[Number(document.getElementById('trace-count').dataset.shown), Number(document.getElementById('trace-count').dataset.total)]");
        return (count[0].GetInt32(), count[1].GetInt32());
    }

    /// <summary>Sets a filter's field as a user's choice would (its input event fires) and waits for the count to change to <paramref name="expected"/> shown traces.</summary>
    public async Task FilterAsync(string field, string value, int expected)
    {
        await Page.EvaluateAsync($$"""
            (() => { const f = document.getElementById('{{field}}'); f.value = {{JsonSerializer.Serialize(value)}}; f.dispatchEvent(new Event('input', { bubbles: true })); })()
            """);
        await Page.WaitForAsync($"document.getElementById('trace-count').dataset.shown === '{expected}'", $"{expected} traces after {field} = {value}");
    }

    /// <summary>Nothing went wrong in the page's script, and the page asked the network for nothing but itself.</summary>
    public void AssertCleanRun()
    {
        Assert.Empty(Page.ScriptErrors());
        Assert.Equal([new Uri(Path).AbsoluteUri], Page.Requests().Distinct());
    }

    public ValueTask DisposeAsync() => Page.DisposeAsync();
}

internal sealed record ShownSpan(string Id, string Parent, int Depth, string Kind, string Name, bool Error, string? Orphan, int Events);

internal sealed record ShownTrace(string Id, string Name, int Spans, bool Error, string Service, string Start);
