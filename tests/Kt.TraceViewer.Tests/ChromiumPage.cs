using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kt.Tests;

/// <summary>
/// One tab of <see cref="HeadlessChromium"/>: navigates and waits for the load event, evaluates
/// script, waits in the page for a condition to hold, clicks and types as a user's mouse and
/// keyboard would (input events at an element's place on the screen), and takes screenshots.
/// </summary>
internal sealed class ChromiumPage(HeadlessChromium browser, string session, string targetId) : IAsyncDisposable
{
    public string Session { get; } = session;

    internal async Task InitializeAsync(int width, int height)
    {
        await Send("Page.enable");
        await Send("Runtime.enable");
        await Send("Network.enable");
        await Send("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
        });
    }

    /// <summary>Loads <paramref name="url"/> and returns once its load event has fired.</summary>
    public async Task NavigateAsync(string url)
    {
        var loaded = browser.NextEventAsync("Page.loadEventFired", Session);
        var result = await Send("Page.navigate", new JsonObject { ["url"] = url });
        if (result.TryGetProperty("errorText", out var error))
            throw new InvalidOperationException($"chromium could not load {url}: {error.GetString()}");
        await loaded.WaitAsync(HeadlessChromium.Deadline);
    }

    /// <summary>The value of a script expression (a promise is awaited); a script error throws with its message.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await Send("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true,
        });
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            var text = exception.TryGetProperty("exception", out var e) && e.TryGetProperty("description", out var d) ? d.GetString() : exception.GetRawText();
            throw new InvalidOperationException($"script failed: {text}\nin: {expression}");
        }
        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    public async Task<T> EvaluateAsync<T>(string expression) => (await EvaluateAsync(expression)).Deserialize<T>()!;

    /// <summary>Waits, in the page, until <paramref name="condition"/> (a script expression) is true; fails naming <paramref name="what"/> after the deadline.</summary>
    public async Task WaitForAsync(string condition, string what)
    {
        var ms = (HeadlessChromium.Deadline - TimeSpan.FromSeconds(10)).TotalMilliseconds.ToString(CultureInfo.InvariantCulture);
        var held = await EvaluateAsync($$"""
            new Promise((resolve) => {
              const deadline = performance.now() + {{ms}};
              (function check() {
                let ok = false;
                try { ok = !!({{condition}}); } catch (e) { }
                if (ok) resolve(true);
                else if (performance.now() > deadline) resolve(false);
                else setTimeout(check, 20);
              })();
            })
            """);
        if (!held.GetBoolean())
            throw new TimeoutException($"the page never showed {what} ({condition})");
    }

    /// <summary>Clicks the middle of the first element <paramref name="selector"/> matches, scrolled into view first.</summary>
    public async Task ClickAsync(string selector)
    {
        var point = await EvaluateAsync($$"""
            (() => {
              const target = document.querySelector({{JsonSerializer.Serialize(selector)}});
              if (!target) return null;
              target.scrollIntoView({ block: 'center', inline: 'nearest' });
              const r = target.getBoundingClientRect();
              return { x: r.left + Math.min(r.width / 2, 60), y: r.top + r.height / 2 };
            })()
            """);
        if (point.ValueKind != JsonValueKind.Object)
            throw new InvalidOperationException($"nothing on the page matches {selector}");
        double x = point.GetProperty("x").GetDouble(), y = point.GetProperty("y").GetDouble();
        await Send("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseMoved", ["x"] = x, ["y"] = y });
        await Send("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mousePressed", ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1 });
        await Send("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseReleased", ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1 });
    }

    /// <summary>Focuses the field <paramref name="selector"/> matches, empties it and types <paramref name="text"/>.</summary>
    public async Task TypeAsync(string selector, string text)
    {
        await EvaluateAsync($"(() => {{ const f = document.querySelector({JsonSerializer.Serialize(selector)}); f.focus(); f.select(); }})()");
        await Send("Input.dispatchKeyEvent", new JsonObject { ["type"] = "rawKeyDown", ["key"] = "Backspace", ["code"] = "Backspace", ["windowsVirtualKeyCode"] = 8 });
        await Send("Input.dispatchKeyEvent", new JsonObject { ["type"] = "keyUp", ["key"] = "Backspace", ["code"] = "Backspace", ["windowsVirtualKeyCode"] = 8 });
        if (text.Length > 0)
            await Send("Input.insertText", new JsonObject { ["text"] = text });
    }

    /// <summary>The page as a PNG image.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var shot = await Send("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    /// <summary>Uncaught script errors and console errors the page has raised so far.</summary>
    public IReadOnlyList<string> ScriptErrors() =>
        browser.Events.Where(e => e.Session == Session && (e.Method == "Runtime.exceptionThrown"
                || (e.Method == "Runtime.consoleAPICalled" && e.Params.GetProperty("type").GetString() is "error" or "assert")))
            .Select(e => e.Params.GetRawText())
            .ToList();

    /// <summary>The URLs the page asked the network for (a file:// page that needs nothing asks for itself only).</summary>
    public IReadOnlyList<string> Requests() =>
        browser.Events.Where(e => e.Session == Session && e.Method == "Network.requestWillBeSent")
            .Select(e => e.Params.GetProperty("request").GetProperty("url").GetString()!)
            .ToList();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await browser.SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = targetId });
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            // The browser is closing anyway.
        }
    }

    private Task<JsonElement> Send(string method, JsonObject? parameters = null) => browser.SendAsync(method, parameters, Session);
}
