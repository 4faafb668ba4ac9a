using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Kt.Tests;

/// <summary>
/// 100,000 hostile requests against the real nginx with the module: bytes that are not UTF-8 in
/// the URI and the User-Agent, malformed headers of all eight formats, bad and oversized
/// tracestates and traceparents. Every request is traced, the error log grows by a few lines a
/// second at most (never a line per request), and kt_status's counters add up to what was sent.
/// </summary>
[Collection("nginx")]
public sealed partial class NginxHostileTrafficTests() : NginxReceiverTest(ports: 2)
{
    private const int Requests = 100_000;

    /// <summary>(path, headers, the format whose headers are refused or null, a tracestate dropped, values repaired).</summary>
    private sealed record Kind(string Path, string[] Headers, string? RefusedFormat = null, bool TracestateDropped = false, int Repaired = 0);

    private static readonly string Oversized = new('a', 6000);

    private static readonly Kind[] Kinds =
    [
        // First: wrk checks the first request it makes with a strict parser, which refuses raw
        // bytes above 0x7F in a request line; nginx, like most servers, takes them.
        new("/k/w3c", ["traceparent: 00-zz"], "w3c"),
        new("/k/uri-utf8/\xff\xfe?q=\xc3", [], Repaired: 2),
        new("/k/uri-percent/%FF%FE", []),
        new("/k/user-agent", ["User-Agent: curl \xff\xfe"], Repaired: 1),
        new("/k/w3c-oversized", ["traceparent: " + Oversized], "w3c"),
        new("/k/tracestate", ["traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate: \xff=\xfe"], TracestateDropped: true),
        new("/k/tracestate-oversized", ["traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate: k=" + Oversized], TracestateDropped: true),
        new("/k/b3", ["X-B3-TraceId: xyz", "X-B3-SpanId: a2fb4a1d1a96d312"], "b3"),
        new("/k/b3-single", ["b3: nothex-a2fb4a1d1a96d312-1"], "b3-single"),
        new("/k/jaeger", ["uber-trace-id: zz:yy:0:1"], "jaeger"),
        new("/k/ot", ["ot-tracer-traceid: zz", "ot-tracer-spanid: a2fb4a1d1a96d312"], "ot"),
        new("/k/datadog", ["x-datadog-trace-id: -5", "x-datadog-parent-id: 1"], "datadog"),
        new("/k/aws", ["X-Amzn-Trace-Id: Root=1-zz;Parent=53995c3f42cd8ad8"], "aws"),
        new("/k/gcp", ["X-Cloud-Trace-Context: \xff/1;o=1"], "gcp"),
    ];

    private int Front => Nginx.Ports[0];
    private int Status => Nginx.Ports[1];

    [Fact]
    public async Task HostileRequests_AreAllTraced_TheLogStaysQuiet_AndTheCountersAddUp()
    {
        // One worker: kt_status shows the counters of the worker that answers.
        Nginx.WorkerProcesses = 1;
        Nginx.WriteConfig($$"""
            kt_exporter {
                endpoint {{Receiver.Endpoint}};
                interval 50ms;
                batch_size 8192;
                max_spans 32768;
                queue_size 32768;
            }
            kt_trace_context extract;
            kt_propagation w3c b3 b3-single jaeger ot datadog aws gcp;
            log_format kinds '$request_uri';
            server {
                listen 127.0.0.1:{{Front}};
                kt_trace on;
                access_log {{Nginx.Prefix}}/logs/kinds.log kinds;
                location / { return 200 "ok"; }
            }
            server {
                listen 127.0.0.1:{{Status}};
                kt_trace off;
                access_log off;
                location = /kt { kt_status; }
            }
            """);
        Nginx.Start();
        int logLinesBefore = Nginx.ErrorLog.Split('\n').Length;

        var elapsed = Stopwatch.StartNew();
        var kinds = Path.Combine(Nginx.Prefix, "logs", "kinds.log");
        var result = await Wrk.RunScriptAsync(Nginx.Url("/", 0), WrkScript(), timeoutSeconds: 900,
            done: () => File.Exists(kinds) && new FileInfo(kinds).Length >= Requests * "/k/w3c\n".Length && LineCount(kinds) >= Requests,
            connections: 8);
        elapsed.Stop();
        Assert.Equal(0, result.Non2xx3xx);
        Assert.Equal(0, result.SocketErrors);
        Assert.True(result.Requests >= Requests, $"wrk sent {result.Requests} requests:\n{result.Output}");

        // Every request the worker served is in the access log, one line each, by kind.
        var served = await WaitForAccessLog(Requests);
        long total = served.Values.Sum();
        Assert.Equal(Kinds.Length, served.Count);

        // Every request was traced: one SERVER span each reached the receiver.
        var spans = Spans.WaitForCount((int)total, timeout: TimeSpan.FromMinutes(5));
        Assert.Equal(total, spans.Count);
        Assert.All(spans, s => Assert.Equal(DecodedSpan.Server, s.Kind));
        var repaired = spans.First(s => s.String("url.path")!.StartsWith("/k/uri-utf8/", StringComparison.Ordinal));
        Assert.Equal("/k/uri-utf8/\uFFFD\uFFFD", repaired.String("url.path"));
        Assert.Equal("q=\uFFFD", repaired.String("url.query"));
        // url.path is the path as the request sent it, percent-encoding and all
        Assert.Contains(spans, s => s.String("url.path") == "/k/uri-percent/%FF%FE");
        Assert.Equal("curl \uFFFD\uFFFD", spans.First(s => s.String("url.path") == "/k/user-agent").String("user_agent.original"));

        // The counters add up to what was sent.
        var status = await Counters();
        Assert.Equal(total, status["kt_spans_started_total"]);
        Assert.Equal(total, status["kt_spans_exported_total"]);
        Assert.Equal(0, status["kt_spans_dropped_total{reason=\"no_slot\"}"]);
        Assert.Equal(0, status["kt_spans_dropped_total{reason=\"queue_full\"}"]);
        Assert.Equal(Sum(served, k => k.RefusedFormat is not null ? 1 : 0), status["kt_contexts_refused_total"]);
        Assert.Equal(Sum(served, k => k.TracestateDropped ? 1 : 0), status["kt_tracestates_dropped_total"]);
        Assert.Equal(Sum(served, k => k.Repaired), status["kt_values_repaired_total"]);
        Assert.Equal(0, status["kt_values_refused_total"]);
        foreach (var format in Kinds.Select(k => k.RefusedFormat).OfType<string>().Distinct())
        {
            long expected = Sum(served, k => k.RefusedFormat == format ? 1 : 0);
            long counted = status.Where(p => p.Key.StartsWith($"kt_contexts_refused_by_total{{format=\"{format}\"", StringComparison.Ordinal)).Sum(p => p.Value);
            Assert.True(expected == counted, $"{format}: {counted} refusals counted, {expected} sent");
        }

        // The error log grew by a few lines a second at most: no line per request.
        var added = Nginx.ErrorLog.Split('\n').Skip(logLinesBefore - 1).Where(l => l.Length > 0).ToArray();
        double seconds = Math.Ceiling(elapsed.Elapsed.TotalSeconds) + 2;
        Assert.True(added.Length <= 5 * seconds, $"{added.Length} lines in {elapsed.Elapsed.TotalSeconds:F0} s:\n" + string.Join("\n", added.Take(40)));
        Assert.Contains(added, l => l.Contains("[info]") && l.Contains("kt: ") && l.Contains("refused (no parent taken"));
        Assert.All(added.Where(l => l.Contains("kt: ")), l => Assert.DoesNotContain('\uFFFD', l));
        Nginx.AssertNoCrash();
    }

    private static long LineCount(string path)
    {
        long lines = 0;
        foreach (var _ in File.ReadLines(path, Encoding.Latin1))
            lines++;
        return lines;
    }

    private static long Sum(Dictionary<Kind, long> served, Func<Kind, int> per) => served.Sum(p => p.Value * per(p.Key));

    /// <summary>A wrk script that sends the kinds in turn, and stops each thread after its share.</summary>
    private static string WrkScript()
    {
        var script = new StringBuilder();
        script.AppendLine("local kinds = {");
        foreach (var kind in Kinds)
        {
            script.Append("  { ").Append(LuaString(kind.Path)).Append(", {");
            foreach (var header in kind.Headers)
            {
                int colon = header.IndexOf(':');
                script.Append(" [").Append(LuaString(header[..colon])).Append("] = ").Append(LuaString(header[(colon + 1)..].TrimStart())).Append(',');
            }
            script.AppendLine(" } },");
        }
        script.AppendLine("}");
        script.AppendLine($$"""
            local requests, sent, answered = {}, 0, 0
            function init(args)
              for i, kind in ipairs(kinds) do requests[i] = wrk.format("GET", kind[1], kind[2]) end
            end
            function request()
              sent = sent + 1
              return requests[(sent - 1) % #requests + 1]
            end
            function response(status, headers, body)
              answered = answered + 1
              if answered >= {{Requests}} then wrk.thread:stop() end
            end
            """);
        return script.ToString();
    }

    // Every byte of the C# string (all below 0x100 here) as a Lua decimal escape.
    private static string LuaString(string text)
    {
        var lua = new StringBuilder("\"");
        foreach (char c in text)
        {
            if (c > 0xFF)
                throw new ArgumentException("only bytes", nameof(text));
            if (c is >= ' ' and < (char)0x7F and not '"' and not '\\')
                lua.Append(c);
            else
                lua.Append('\\').Append(((int)c).ToString(CultureInfo.InvariantCulture));
        }
        return lua.Append('"').ToString();
    }

    /// <summary>Requests served per kind, once the access log holds at least what wrk counted.</summary>
    private async Task<Dictionary<Kind, long>> WaitForAccessLog(long atLeast)
    {
        var path = Path.Combine(Nginx.Prefix, "logs", "kinds.log");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var lines = File.Exists(path) ? File.ReadAllLines(path, Encoding.Latin1) : [];
            if (lines.Length >= atLeast || DateTime.UtcNow > deadline)
            {
                Assert.True(lines.Length >= atLeast, $"the access log has {lines.Length} lines, wrk counted {atLeast}");
                return lines.GroupBy(KindOf).ToDictionary(g => g.Key, g => (long)g.Count());
            }
            await Task.Delay(100);
        }
    }

    // The access log escapes bytes above 0x7F as \xHH; the kinds differ before any of them.
    private static Kind KindOf(string loggedUri) =>
        Kinds.Single(k => loggedUri == k.Path || (k.Path.Contains('\xff') && loggedUri.StartsWith(k.Path[..k.Path.IndexOf('\xff')], StringComparison.Ordinal)));

    /// <summary>kt_status's lines, name (with labels) to value.</summary>
    private async Task<Dictionary<string, long>> Counters()
    {
        var text = await Http.GetStringAsync(Nginx.Url("/kt", 1));
        var counters = new Dictionary<string, long>();
        foreach (Match m in StatusLine().Matches(text))
            counters[m.Groups[1].Value] = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(counters.ContainsKey("kt_spans_started_total"), text);
        return counters;
    }

    [GeneratedRegex(@"^(\S+) (\d+)$", RegexOptions.Multiline)]
    private static partial Regex StatusLine();
}
