using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kt.Tests;

/// <summary>
/// W3C Trace Context Level 2 in the system's nginx, with header lines repeated as a client sends
/// them on the wire: tracestate lines are one list, several traceparent lines start a new trace,
/// and an unsampled caller's tracestate goes upstream. Requests are written on a raw socket, a
/// line per header; the upstream is a raw socket too, which answers with the request head it got,
/// so a test sees every line nginx sent, repeated ones included.
/// </summary>
[Collection("nginx")]
public sealed class NginxTraceContextLinesTests() : NginxReceiverTest(ports: 1)
{
    private const string Trace = "12345678901234567890123456789012";

    private int Front => Nginx.Ports[0];

    private TcpListener StartNginx()
    {
        var upstream = new TcpListener(IPAddress.Loopback, 0);
        upstream.Start();
        int port = ((IPEndPoint)upstream.LocalEndpoint).Port;
        Nginx.WriteConfig($$"""
            kt_exporter {
                endpoint {{Receiver.Endpoint}};
                interval 50ms;
            }
            kt_trace on;
            kt_trace_context propagate;
            kt_propagation w3c;
            server {
                listen 127.0.0.1:{{Front}};
                location / { proxy_pass http://127.0.0.1:{{port}}; }
            }
            """);
        Nginx.Start();
        return upstream;
    }

    /// <summary>Sends a GET with the header lines as given; the header lines the upstream received.</summary>
    private async Task<List<(string Name, string Value)>> Send(TcpListener upstream, string path, params string[] lines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Front);
        var stream = client.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: front\r\nConnection: close\r\n" + string.Concat(lines.Select(l => l + "\r\n")) + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using (var proxied = await upstream.AcceptTcpClientAsync(timeout.Token))
        {
            var head = await ReadHead(proxied.GetStream(), timeout.Token);
            var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {head.Length}\r\nConnection: close\r\n\r\n{head}");
            await proxied.GetStream().WriteAsync(answer, timeout.Token);
        }
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 200", response);
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        return body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(':', 2)).Select(p => (p[0].Trim().ToLowerInvariant(), p[1].Trim())).ToList();
    }

    private static async Task<string> ReadHead(NetworkStream stream, CancellationToken cancel)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer, cancel);
            if (n == 0)
                break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var text = head.ToString();
        return text[..(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 2)];
    }

    private static string[] Values(List<(string Name, string Value)> headers, string name) =>
        headers.Where(h => h.Name == name).Select(h => h.Value).ToArray();

    [Fact]
    public async Task Tracestate_lines_are_one_list_and_go_upstream_as_one_line()
    {
        using var upstream = StartNginx();
        var sent = await Send(upstream, "/lines",
            $"traceparent: 00-{Trace}-1234567890123456-01", "tracestate: foo=1,bar=2", "TraceState: ", "tracestate: rojo=1 , foo=3");
        Assert.Equal(["foo=1,bar=2,rojo=1"], Values(sent, "tracestate"));
        var traceparent = Assert.Single(Values(sent, "traceparent"));
        Assert.StartsWith($"00-{Trace}-", traceparent);
        Assert.EndsWith("-01", traceparent);

        var server = Spans.WaitFor(s => s.Any(x => x.Kind == DecodedSpan.Server && x.String("url.path") == "/lines"), what: "the SERVER span")
            .Single(x => x.Kind == DecodedSpan.Server && x.String("url.path") == "/lines");
        Assert.Equal(Trace, server.TraceId);
        Assert.Equal("1234567890123456", server.ParentSpanId);
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task An_unsampled_callers_tracestate_goes_upstream()
    {
        using var upstream = StartNginx();
        var sent = await Send(upstream, "/unsampled",
            $"traceparent: 00-{Trace}-1234567890123456-00", "tracestate: congo=t61rcWkgMzE", "tracestate: rojo=00f067aa0ba902b7");
        Assert.Equal(["congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"], Values(sent, "tracestate"));
        var traceparent = Assert.Single(Values(sent, "traceparent"));
        Assert.Matches($"^00-{Trace}-[0-9a-f]{{16}}-00$", traceparent);
        Assert.DoesNotContain("-1234567890123456-", traceparent);
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task Two_traceparent_lines_start_a_new_trace_and_the_callers_lines_are_replaced()
    {
        using var upstream = StartNginx();
        var sent = await Send(upstream, "/twice",
            $"traceparent: 00-{Trace}-1234567890123456-01", "tracestate: foo=1", $"traceparent: 00-{Trace}-1234567890123456-01");
        var traceparent = Assert.Single(Values(sent, "traceparent"));
        Assert.DoesNotContain(Trace, traceparent);
        Assert.Empty(Values(sent, "tracestate"));
        // counted, and reported (the first of its kind in this nginx) naming why
        Assert.Contains(Nginx.ErrorLog.Split('\n'), l => l.Contains("refused (no parent taken") && l.Contains("e.g. w3c traceparent: repeated_header: "));

        var server = Spans.WaitFor(s => s.Any(x => x.Kind == DecodedSpan.Server && x.String("url.path") == "/twice"), what: "the SERVER span")
            .Single(x => x.Kind == DecodedSpan.Server && x.String("url.path") == "/twice");
        Assert.NotEqual(Trace, server.TraceId);
        Assert.Null(server.ParentSpanId);
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task Thirty_three_members_over_four_lines_are_dropped_but_the_trace_continues()
    {
        using var upstream = StartNginx();
        string Members(int from, int to) => string.Join(",", Enumerable.Range(from, to - from + 1).Select(i => $"bar{i:D2}={i:D2}"));
        var sent = await Send(upstream, "/33",
            $"traceparent: 00-{Trace}-1234567890123456-01",
            $"tracestate: {Members(1, 10)}", $"tracestate: {Members(11, 20)}", $"tracestate: {Members(21, 30)}", $"tracestate: {Members(31, 33)}");
        Assert.Empty(Values(sent, "tracestate"));
        Assert.StartsWith($"00-{Trace}-", Assert.Single(Values(sent, "traceparent")));

        sent = await Send(upstream, "/32",
            $"traceparent: 00-{Trace}-1234567890123456-01",
            $"tracestate: {Members(1, 10)}", $"tracestate: {Members(11, 20)}", $"tracestate: {Members(21, 30)}", $"tracestate: {Members(31, 32)}");
        Assert.Equal([Members(1, 32)], Values(sent, "tracestate"));
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task More_lines_than_the_module_keeps_on_its_stack_are_all_read()
    {
        using var upstream = StartNginx();
        // 40 lines: past the 32 the module reads without allocating; empty ones, then the members.
        var lines = Enumerable.Repeat("tracestate: ", 36).Concat(["tracestate: a=1", "tracestate: b=2", "tracestate: a=3", "tracestate: c=4"]);
        var sent = await Send(upstream, "/many", [$"traceparent: 00-{Trace}-1234567890123456-01", .. lines]);
        Assert.Equal(["a=1,b=2,c=4"], Values(sent, "tracestate"));
        Nginx.AssertNoCrash();
    }
}
