using System.Globalization;

namespace Kt.Tests;

/// <summary>
/// kt_propagation in the system's nginx: every trace-context format is read from the request
/// and written into the proxied request, naming the CLIENT span. The front server has a
/// location per format; the backend (untraced) echoes every trace header it received, one
/// <c>name=value</c> line each, so a test sees what was sent and what was not.
/// </summary>
[Collection("nginx")]
public sealed class NginxPropagationTests() : NginxReceiverTest(ports: 2)
{
    public static readonly string[] Formats = ["w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "aws", "gcp"];

    /// <summary>Every header a format reads or writes, as the backend echoes them.</summary>
    private static readonly string[] TraceHeaders =
    [
        "traceparent", "tracestate",
        "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
        "b3", "uber-trace-id",
        "ot-tracer-traceid", "ot-tracer-spanid", "ot-tracer-sampled",
        "x-datadog-trace-id", "x-datadog-parent-id", "x-datadog-sampling-priority", "x-datadog-tags",
        "x-amzn-trace-id", "x-cloud-trace-context",
    ];

    private int Front => Nginx.Ports[0];
    private int Back => Nginx.Ports[1];

    private void StartNginx()
    {
        var perFormat = string.Join("\n", Formats.Select(f =>
            $"location /{f}/ {{ kt_propagation {f}; add_header X-Kt-Parent $kt_parent_id; proxy_pass http://backend; }}"));
        var echo = string.Join("\\n", TraceHeaders.Select(h => $"{h}=$http_{h.Replace('-', '_')}"));
        Nginx.WriteConfig($$"""
            kt_exporter {
                endpoint {{Receiver.Endpoint}};
                interval 50ms;
            }
            kt_trace on;
            kt_trace_context propagate;
            upstream backend { server 127.0.0.1:{{Back}}; }
            server {
                listen 127.0.0.1:{{Front}};
                {{perFormat}}
                location /b3-then-w3c/ { kt_propagation b3 w3c; proxy_pass http://backend; }
                location /w3c-then-b3/ { kt_propagation w3c b3; proxy_pass http://backend; }
                location /late/ {
                    set $route "late-$arg_id";
                    kt_span_name "$route $upstream_status";
                    kt_span_attribute app.route $route;
                    proxy_pass http://backend;
                }
            }
            server {
                listen 127.0.0.1:{{Back}};
                kt_trace off;
                location / { return 200 "{{echo}}"; }
            }
            """);
        Nginx.Start();
    }

    /// <summary>Sends a request with the given "Name: value" headers; the trace headers the backend got, and the response.</summary>
    private async Task<(Dictionary<string, string> Upstream, HttpResponseMessage Response)> Get(string path, params string[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Front}{path}");
        foreach (var header in headers)
        {
            int colon = header.IndexOf(':');
            Assert.True(request.Headers.TryAddWithoutValidation(header[..colon], header[(colon + 1)..].Trim()), header);
        }
        var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        var upstream = body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal(TraceHeaders.Length, upstream.Count);
        return (upstream, response);
    }

    private bool IsFront(DecodedSpan s) => s.Kind == DecodedSpan.Server && s.Int("server.port") == Front;

    /// <summary>The SERVER span of the request to path and its CLIENT span, once both arrived.</summary>
    private (DecodedSpan Server, DecodedSpan Client) SpansOf(string path)
    {
        var spans = Spans.WaitFor(s => s.Any(x => IsFront(x) && x.String("url.path") == path
                && s.Any(c => c.Kind == DecodedSpan.Client && c.ParentSpanId == x.SpanId)),
            what: $"the spans of {path}");
        var server = Assert.Single(spans, s => IsFront(s) && s.String("url.path") == path);
        var client = Assert.Single(spans, s => s.Kind == DecodedSpan.Client && s.ParentSpanId == server.SpanId);
        Assert.Equal(server.TraceId, client.TraceId);
        return (server, client);
    }

    private static string Decimal(string hex) => ulong.Parse(hex, NumberStyles.HexNumber).ToString(CultureInfo.InvariantCulture);

    // 16 hex digits when the high half of the trace id is zero, as b3, jaeger and ot send it
    private static string Shortest(string traceId) => traceId.StartsWith("0000000000000000") ? traceId[16..] : traceId;

    /// <summary>
    /// What a format must send upstream for a sampled CLIENT span (kt.h's rules), every other
    /// trace header absent; W3C's flags are 03 for a trace kt started (sampled, random).
    /// </summary>
    private static Dictionary<string, string> Expected(string format, string traceId, string client, string server,
        string tracestate = "", string w3cFlags = "01")
    {
        var expected = TraceHeaders.ToDictionary(h => h, _ => "");
        switch (format)
        {
            case "w3c":
                expected["traceparent"] = $"00-{traceId}-{client}-{w3cFlags}";
                expected["tracestate"] = tracestate;
                break;
            case "b3":
                expected["x-b3-traceid"] = Shortest(traceId);
                expected["x-b3-spanid"] = client;
                expected["x-b3-parentspanid"] = server;
                expected["x-b3-sampled"] = "1";
                break;
            case "b3-single":
                expected["b3"] = $"{Shortest(traceId)}-{client}-1-{server}";
                break;
            case "jaeger":
                expected["uber-trace-id"] = $"{Shortest(traceId)}:{client}:{server}:01";
                break;
            case "ot":
                expected["ot-tracer-traceid"] = Shortest(traceId);
                expected["ot-tracer-spanid"] = client;
                expected["ot-tracer-sampled"] = "true";
                break;
            case "datadog":
                expected["x-datadog-trace-id"] = Decimal(traceId[16..]);
                expected["x-datadog-parent-id"] = Decimal(client);
                expected["x-datadog-sampling-priority"] = "1";
                if (!traceId.StartsWith("0000000000000000"))
                    expected["x-datadog-tags"] = $"_dd.p.tid={traceId[..16]}";
                break;
            case "aws":
                expected["x-amzn-trace-id"] = $"Root=1-{traceId[..8]}-{traceId[8..]};Parent={client};Sampled=1";
                break;
            case "gcp":
                expected["x-cloud-trace-context"] = $"{traceId}/{Decimal(client)};o=1";
                break;
            default:
                throw new ArgumentException(format);
        }
        return expected;
    }

    /// <summary>
    /// (case, format, incoming headers, the trace id and parent span id the decoder must read).
    /// Stale headers of the format (a B3 parent and debug flag, Datadog tags, a tracestate of
    /// another trace) must not reach the upstream.
    /// </summary>
    public static TheoryData<string, string, string[], string, string> Continued => new()
    {
        { "w3c", "w3c", ["traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate: vendor=abc"],
            "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331" },
        { "b3", "b3", ["X-B3-TraceId: 463ac35c9f6413ad", "X-B3-SpanId: a2fb4a1d1a96d312", "X-B3-ParentSpanId: 0102030405060708", "X-B3-Sampled: 1", "X-B3-Flags: 1"],
            "0000000000000000463ac35c9f6413ad", "a2fb4a1d1a96d312" },
        { "b3-single", "b3-single", ["b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"],
            "80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1" },
        { "jaeger", "jaeger", ["uber-trace-id: 9c0e5b0a3a3b4c2d:1a2b3c4d5e6f7081:0:1"],
            "00000000000000009c0e5b0a3a3b4c2d", "1a2b3c4d5e6f7081" },
        { "ot", "ot", ["ot-tracer-traceid: 5b8aa5a2d2c872e8", "ot-tracer-spanid: 6f2c2d1e0a7b3c4d", "ot-tracer-sampled: true"],
            "00000000000000005b8aa5a2d2c872e8", "6f2c2d1e0a7b3c4d" },
        { "datadog", "datadog", ["x-datadog-trace-id: 1234567890123456789", "x-datadog-parent-id: 9876543210987654321", "x-datadog-sampling-priority: 1", "x-datadog-tags: _dd.p.dm=-1"],
            "0000000000000000112210f47de98115", "891087b8e3b70cb1" },
        { "datadog-128", "datadog", ["x-datadog-trace-id: 1234567890123456789", "x-datadog-parent-id: 9876543210987654321", "x-datadog-sampling-priority: 1", "x-datadog-tags: _dd.p.tid=640cfd8d00000000"],
            "640cfd8d00000000112210f47de98115", "891087b8e3b70cb1" },
        { "aws", "aws", ["X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"],
            "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8" },
        { "gcp", "gcp", ["X-Cloud-Trace-Context: 105445aa7843bc8bf206b12000100000/12345678901234567890;o=1"],
            "105445aa7843bc8bf206b12000100000", "ab54a98ceb1f0ad2" },
    };

    [Theory]
    [MemberData(nameof(Continued))]
    public async Task EveryFormat_ContinuesTheIncomingContext_AndSendsTheClientSpanUpstream(
        string name, string format, string[] headers, string traceId, string parentId)
    {
        StartNginx();
        var path = $"/{format}/{name}";
        var (upstream, response) = await Get(path, headers);
        var (server, client) = SpansOf(path);

        Assert.Equal(traceId, server.TraceId);
        Assert.Equal(parentId, server.ParentSpanId);
        Assert.Equal(parentId, Assert.Single(response.Headers.GetValues("X-Kt-Parent")));
        Assert.Equal(Expected(format, traceId, client.SpanId, server.SpanId, tracestate: format == "w3c" ? "vendor=abc" : ""), upstream);
        Assert.DoesNotContain("[info]", string.Join("\n", Nginx.ErrorLog.Split('\n').Where(l => l.Contains("kt:"))));
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task EveryFormat_StartsATraceWhenNoneCame_AndSendsItUpstream()
    {
        StartNginx();
        foreach (var format in Formats)
        {
            var path = $"/{format}/fresh";
            var (upstream, _) = await Get(path);
            var (server, client) = SpansOf(path);
            Assert.Null(server.ParentSpanId);
            // a trace kt starts has W3C's random flag
            Assert.Equal(Expected(format, server.TraceId, client.SpanId, server.SpanId, w3cFlags: "03"), upstream);
        }
    }

    [Fact]
    public async Task AnUnsampledParent_InEveryFormat_IsFollowed_AndItsDecisionSentUpstream()
    {
        StartNginx();
        const string span = "[0-9a-f]{16}", dec = "[0-9]+";
        // (format, incoming headers, what the upstream must receive: header and pattern)
        (string Format, string[] Headers, (string Header, string Pattern)[] Upstream)[] cases =
        [
            ("w3c", ["traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"],
                [("traceparent", $"^00-0af7651916cd43dd8448eb211c80319c-{span}-00$")]),
            ("b3", ["X-B3-TraceId: 463ac35c9f6413ad", "X-B3-SpanId: a2fb4a1d1a96d312", "X-B3-Sampled: 0"],
                [("x-b3-traceid", "^463ac35c9f6413ad$"), ("x-b3-spanid", $"^{span}$"), ("x-b3-sampled", "^0$")]),
            ("b3-single", ["b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0"],
                [("b3", $"^80f198ee56343ba864fe8b2a57d3eff7-{span}-0-{span}$")]),
            ("jaeger", ["uber-trace-id: 9c0e5b0a3a3b4c2d:1a2b3c4d5e6f7081:0:0"],
                [("uber-trace-id", $"^9c0e5b0a3a3b4c2d:{span}:{span}:00$")]),
            ("ot", ["ot-tracer-traceid: 5b8aa5a2d2c872e8", "ot-tracer-spanid: 6f2c2d1e0a7b3c4d", "ot-tracer-sampled: false"],
                [("ot-tracer-traceid", "^5b8aa5a2d2c872e8$"), ("ot-tracer-sampled", "^false$")]),
            ("datadog", ["x-datadog-trace-id: 1234567890123456789", "x-datadog-parent-id: 9876543210987654321", "x-datadog-sampling-priority: 0"],
                [("x-datadog-trace-id", "^1234567890123456789$"), ("x-datadog-parent-id", $"^{dec}$"), ("x-datadog-sampling-priority", "^0$")]),
            ("aws", ["X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"],
                [("x-amzn-trace-id", $"^Root=1-5759e988-bd862e3fe1be46a994272793;Parent={span};Sampled=0$")]),
            ("gcp", ["X-Cloud-Trace-Context: 105445aa7843bc8bf206b12000100000/1;o=0"],
                [("x-cloud-trace-context", $"^105445aa7843bc8bf206b12000100000/{dec};o=0$")]),
        ];
        foreach (var (format, headers, expected) in cases)
        {
            var (upstream, _) = await Get($"/{format}/unsampled", headers);
            foreach (var (header, pattern) in expected)
                Assert.Matches(pattern, upstream[header]);
        }
        await Get("/w3c/sampled");   // the control: a sampled request is exported

        Nginx.Quit();
        Assert.True(Nginx.WaitForExit(TimeSpan.FromSeconds(30)), "nginx did not exit after quit");
        var spans = Spans.Read();
        Assert.Contains(spans, s => IsFront(s) && s.String("url.path") == "/w3c/sampled");
        Assert.DoesNotContain(spans, s => s.String("url.path")?.EndsWith("/unsampled") == true);
        Assert.Equal(1, spans.Count(s => s.Kind == DecodedSpan.Client));
        Nginx.AssertNoCrash();
    }

    /// <summary>(format, malformed headers, the header the log must name, the trace id they carry).</summary>
    public static TheoryData<string, string[], string, string> Malformed => new()
    {
        { "w3c", ["traceparent: 00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", "tracestate: vendor=abc"], "traceparent", "0af7651916cd43dd8448eb211c80319c" },
        { "b3", ["X-B3-TraceId: 463ac35c9f6413ad", "X-B3-SpanId: a2fb4a1d1a96d3zz", "X-B3-Sampled: 1"], "x-b3-spanid", "463ac35c9f6413ad" },
        { "b3-single", ["b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-maybe"], "b3", "80f198ee56343ba864fe8b2a57d3eff7" },
        { "jaeger", ["uber-trace-id: 9c0e5b0a3a3b4c2d:0:0:1"], "uber-trace-id", "9c0e5b0a3a3b4c2d" },
        { "ot", ["ot-tracer-traceid: 5b8aa5a2d2c872e8", "ot-tracer-sampled: true"], "ot-tracer-spanid", "5b8aa5a2d2c872e8" },
        { "datadog", ["x-datadog-trace-id: 1234567890123456789", "x-datadog-parent-id: 18446744073709551616"], "x-datadog-parent-id", "112210f47de98115" },
        { "aws", ["X-Amzn-Trace-Id: Root=1-5759e988-bd862e3f;Parent=53995c3f42cd8ad8;Sampled=1"], "x-amzn-trace-id", "5759e988bd862e3f" },
        { "gcp", ["X-Cloud-Trace-Context: 105445aa7843bc8bf206b1200010000g/1;o=1"], "x-cloud-trace-context", "105445aa7843bc8bf206b12" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AMalformedHeader_OfEachFormat_StartsANewTrace_AndIsReplacedUpstream(
        string format, string[] headers, string header, string carried)
    {
        StartNginx();
        var path = $"/{format}/malformed";
        var (upstream, response) = await Get(path, headers);
        var (server, client) = SpansOf(path);

        Assert.Null(server.ParentSpanId);
        Assert.DoesNotContain(carried, server.TraceId);
        Assert.False(response.Headers.Contains("X-Kt-Parent"), "no parent, no $kt_parent_id");
        // the upstream gets the new trace, not the caller's malformed headers
        Assert.Equal(Expected(format, server.TraceId, client.SpanId, server.SpanId, w3cFlags: "03"), upstream);
        // counted, and reported in a line (the first of its kind in this nginx) that names it
        Assert.Contains(Nginx.ErrorLog.Split('\n'), l => l.Contains("[info]") && l.Contains("refused (no parent taken")
            && l.Contains($"e.g. {format} {header}: "));
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task TheFirstListedFormatPresent_Decides()
    {
        StartNginx();
        const string b3Trace = "463ac35c9f6413ad", b3Span = "a2fb4a1d1a96d312";
        const string w3cTrace = "0af7651916cd43dd8448eb211c80319c", w3cSpan = "b7ad6b7169203331";
        string[] both = [$"X-B3-TraceId: {b3Trace}", $"X-B3-SpanId: {b3Span}", "X-B3-Sampled: 1", $"traceparent: 00-{w3cTrace}-{w3cSpan}-01"];

        await Get("/b3-then-w3c/both", both);
        await Get("/w3c-then-b3/both", both);
        // the first format absent: the next decides
        await Get("/b3-then-w3c/w3c-only", $"traceparent: 00-{w3cTrace}-{w3cSpan}-01");
        // the first format present but malformed: a new trace, the next is not tried
        await Get("/b3-then-w3c/bad-b3", "X-B3-TraceId: nothex", $"X-B3-SpanId: {b3Span}", $"traceparent: 00-{w3cTrace}-{w3cSpan}-01");
        // a format not listed is not read
        var (upstream, _) = await Get("/b3/w3c-only", $"traceparent: 00-{w3cTrace}-{w3cSpan}-01");

        var b3First = SpansOf("/b3-then-w3c/both").Server;
        Assert.Equal("0000000000000000" + b3Trace, b3First.TraceId);
        Assert.Equal(b3Span, b3First.ParentSpanId);

        var w3cFirst = SpansOf("/w3c-then-b3/both").Server;
        Assert.Equal(w3cTrace, w3cFirst.TraceId);
        Assert.Equal(w3cSpan, w3cFirst.ParentSpanId);

        var next = SpansOf("/b3-then-w3c/w3c-only").Server;
        Assert.Equal(w3cTrace, next.TraceId);
        Assert.Equal(w3cSpan, next.ParentSpanId);

        var bad = SpansOf("/b3-then-w3c/bad-b3").Server;
        Assert.Null(bad.ParentSpanId);
        Assert.NotEqual(w3cTrace, bad.TraceId);
        Assert.DoesNotContain(b3Trace, bad.TraceId);
        Assert.Contains(Nginx.ErrorLog.Split('\n'), l => l.Contains("refused (no parent taken") && l.Contains("e.g. b3 x-b3-traceid: bad_trace_id: \"nothex\""));

        var (unlisted, client) = SpansOf("/b3/w3c-only");
        Assert.Null(unlisted.ParentSpanId);
        Assert.NotEqual(w3cTrace, unlisted.TraceId);
        // what kt does not write is passed on as it came
        Assert.Equal($"00-{w3cTrace}-{w3cSpan}-01", upstream["traceparent"]);
        Assert.Equal(client.SpanId, upstream["x-b3-spanid"]);
    }

    [Fact]
    public async Task KtSpanName_UsesValuesSetLaterInTheRequest()
    {
        StartNginx();
        await Get("/late/x?id=7");
        var (server, _) = SpansOf("/late/x");
        // set runs after the span started; $upstream_status exists only after the proxying
        Assert.Equal("late-7 200", server.Name);
        Assert.Equal("late-7", server.String("app.route"));
        Assert.DoesNotContain("using uninitialized \"route\" variable", Nginx.ErrorLog);
    }

    [Fact]
    public void NginxT_AcceptsEveryFormat_InAnyCase()
    {
        Nginx.WriteConfig($$"""
            kt_trace on;
            kt_propagation W3C b3 B3-Single jaeger ot datadog aws gcp;
            server { listen 127.0.0.1:{{Front}}; location / { kt_propagation gcp aws; return 200; } }
            """);
        var (exit, output) = Nginx.TestConfig();
        Assert.True(exit == 0, output);
    }
}
