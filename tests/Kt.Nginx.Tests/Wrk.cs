using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Kt.Tests;

/// <summary>Runs wrk (the HTTP load generator) and reads its summary.</summary>
public static partial class Wrk
{
    public sealed record Result(long Requests, long Non2xx3xx, long SocketErrors, string Output);

    /// <summary>
    /// wrk -t threads -c connections -d seconds [-H header]... url, waited for. With delayMs,
    /// each connection waits that long between requests (wrk's delay()), which caps the rate
    /// below what saturates a small machine.
    /// </summary>
    public static Result Run(Uri url, int seconds, int connections = 8, int threads = 2, int delayMs = 0, params string[] headers) =>
        RunAsync(url, seconds, connections, threads, delayMs, headers).GetAwaiter().GetResult();

    public static async Task<Result> RunAsync(Uri url, int seconds, int connections = 8, int threads = 2, int delayMs = 0, params string[] headers)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t", threads.ToString(), "-c", connections.ToString(), "-d", $"{seconds}s", "--latency" })
            start.ArgumentList.Add(a);
        string? script = null;
        if (delayMs > 0)
        {
            script = Path.Combine(Path.GetTempPath(), $"kt-wrk-delay-{delayMs}.lua");
            File.WriteAllText(script, $"function delay() return {delayMs} end\n");
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(script);
        }
        foreach (var h in headers)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add(h);
        }
        start.ArgumentList.Add(url.ToString());
        using var wrk = Process.Start(start)!;
        var output = wrk.StandardOutput.ReadToEndAsync();
        var error = wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(seconds + 60));
        var text = await output + await error;
        Assert.True(wrk.ExitCode == 0, $"wrk exited with {wrk.ExitCode}: {text}");
        return Parse(text);
    }

    /// <summary>
    /// wrk with a Lua script (its request() and response() decide what is sent and when each
    /// thread stops), for at most timeoutSeconds.
    /// </summary>
    public static async Task<Result> RunScriptAsync(Uri url, string script, int timeoutSeconds, Func<bool> done, int connections = 8, int threads = 1)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kt-wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(path, script, System.Text.Encoding.Latin1);
        try
        {
            var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-t", threads.ToString(), "-c", connections.ToString(), "-d", $"{timeoutSeconds}s", "-s", path, url.ToString() })
                start.ArgumentList.Add(a);
            using var wrk = Process.Start(start)!;
            var output = wrk.StandardOutput.ReadToEndAsync();
            var error = wrk.StandardError.ReadToEndAsync();
            // wrk runs for its whole duration even when every thread has stopped; SIGINT ends it
            // with its summary printed.
            while (!wrk.HasExited && !done())
                await Task.Delay(200);
            if (!wrk.HasExited)
                kill(wrk.Id, SIGINT);
            await wrk.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var text = await output + await error;
            Assert.True(wrk.ExitCode == 0, $"wrk {string.Join(' ', start.ArgumentList)} exited with {wrk.ExitCode}: {text}");
            return Parse(text);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("KT_KEEP_WRK_SCRIPT") is null) File.Delete(path);
        }
    }

    private static Result Parse(string text)
    {
        var requests = RequestsLine().Match(text);
        Assert.True(requests.Success, "wrk printed no request count: " + text);
        var non2xx = Non2xxLine().Match(text);
        var socket = SocketErrorsLine().Match(text);
        long errors = socket.Success ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value)) : 0;
        return new Result(long.Parse(requests.Groups[1].Value), non2xx.Success ? long.Parse(non2xx.Groups[1].Value) : 0, errors, text);
    }

    private const int SIGINT = 2;

    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
