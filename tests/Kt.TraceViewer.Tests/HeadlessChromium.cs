using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kt.Tests;

/// <summary>
/// Debian's <c>chromium</c> in headless mode, driven over the DevTools protocol on its websocket:
/// commands are answered by id, events are waited for by name (a waiter is registered before the
/// command that causes the event). Every wait has a deadline; disposing closes the browser and
/// kills its process tree whatever state it is in, and removes its profile.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    /// <summary>How long one command or event may take: generous, for a busy 2-core machine.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<EventWaiter> _waiters = [];
    private readonly ConcurrentQueue<string> _log = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private Task? _receiving;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Every event received, in order: method, session (null for the browser's own) and parameters.</summary>
    public ConcurrentQueue<(string Method, string? Session, JsonElement Params)> Events { get; } = new();

    /// <summary>What the browser printed on stderr, for failure messages.</summary>
    public string Log => string.Join('\n', _log);

    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException("no chromium on the PATH: ./build.sh setup installs Debian's chromium package");
        var profile = Directory.CreateTempSubdirectory("kt-chromium-").FullName;
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        // No sandbox: CI runs as root, where Chromium's sandbox refuses to start; the pages are the tests' own files.
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
            "--hide-scrollbars", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank",
        })
            start.ArgumentList.Add(argument);

        var process = Process.Start(start)!;
        var browser = new HeadlessChromium(process, profile);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("chromium closed its stderr before it listened:\n" + browser.Log));
                return;
            }
            browser._log.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } m)
                listening.TrySetResult(m.Groups[1].Value);
        };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) browser._log.Enqueue(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var url = await listening.Task.WaitAsync(Deadline);
            using var connecting = new CancellationTokenSource(Deadline);
            await browser._socket.ConnectAsync(new Uri(url), connecting.Token);
            browser._receiving = Task.Run(browser.ReceiveAsync);
            return browser;
        }
        catch (Exception e)
        {
            await browser.DisposeAsync();
            throw new InvalidOperationException($"chromium did not start: {e.Message}\n{browser.Log}", e);
        }
    }

    /// <summary>Sends a command (to a page when <paramref name="session"/> is given) and returns its result.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, string? session = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (session is not null)
            message["sessionId"] = session;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _closing.Token);
        }
        finally
        {
            _sending.Release();
        }
        try
        {
            return await answer.Task.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"chromium did not answer {method} within {Deadline.TotalSeconds} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>A task for the next event named <paramref name="method"/> of <paramref name="session"/> that <paramref name="match"/> accepts; register it before causing the event.</summary>
    public Task<JsonElement> NextEventAsync(string method, string? session, Func<JsonElement, bool>? match = null)
    {
        var waiter = new EventWaiter(method, session, match ?? (_ => true));
        lock (_waiters)
            _waiters.Add(waiter);
        return waiter.Result.Task;
    }

    /// <summary>Opens a new tab of the given size and returns it.</summary>
    public async Task<ChromiumPage> NewPageAsync(int width, int height)
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true });
        var page = new ChromiumPage(this, attached.GetProperty("sessionId").GetString()!, target.GetProperty("targetId").GetString()!);
        await page.InitializeAsync(width, height);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await SendAsync("Browser.close").WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            // Killed below.
        }
        _closing.Cancel();
        try
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // The process is gone already.
        }
        if (_receiving is not null)
            await Task.WhenAny(_receiving, Task.Delay(TimeSpan.FromSeconds(5)));
        _socket.Dispose();
        _process.Dispose();
        foreach (var pending in _pending.Values)
            pending.TrySetException(new ObjectDisposedException("chromium was closed"));
        for (int attempt = 0; attempt < 3 && Directory.Exists(_profile); attempt++)
        {
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
                // A child that was still exiting held a file; try again.
            }
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                Dispatch(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The browser closed or is being closed; pending commands fail below.
        }
        foreach (var pending in _pending.Values)
            pending.TrySetException(new InvalidOperationException("chromium closed the DevTools connection:\n" + Log));
        lock (_waiters)
        {
            foreach (var waiter in _waiters)
                waiter.Result.TrySetException(new InvalidOperationException($"chromium closed the DevTools connection before {waiter.Method}"));
            _waiters.Clear();
        }
    }

    private void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("id", out var id))
        {
            if (_pending.TryGetValue(id.GetInt32(), out var answer))
            {
                if (message.TryGetProperty("error", out var error))
                    answer.TrySetException(new InvalidOperationException($"DevTools error: {error.GetRawText()}"));
                else
                    answer.TrySetResult(message.GetProperty("result"));
            }
            return;
        }
        var method = message.GetProperty("method").GetString()!;
        var session = message.TryGetProperty("sessionId", out var s) ? s.GetString() : null;
        var parameters = message.TryGetProperty("params", out var p) ? p : default;
        Events.Enqueue((method, session, parameters));
        lock (_waiters)
        {
            for (int i = 0; i < _waiters.Count; i++)
            {
                var waiter = _waiters[i];
                if (waiter.Method == method && waiter.Session == session && waiter.Match(parameters))
                {
                    waiter.Result.TrySetResult(parameters);
                    _waiters.RemoveAt(i--);
                }
            }
        }
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex ListeningLine();

    private sealed record EventWaiter(string Method, string? Session, Func<JsonElement, bool> Match)
    {
        public TaskCompletionSource<JsonElement> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
