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
        var requests = RequestsLine().Match(text);
        Assert.True(requests.Success, "wrk printed no request count: " + text);
        var non2xx = Non2xxLine().Match(text);
        var socket = SocketErrorsLine().Match(text);
        long errors = socket.Success ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value)) : 0;
        return new Result(long.Parse(requests.Groups[1].Value), non2xx.Success ? long.Parse(non2xx.Groups[1].Value) : 0, errors, text);
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
