using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Kt.Tests;

/// <summary>
/// ngx_http_kt_module in the system's nginx, exporting to a real OTLP/HTTP receiver on
/// loopback; what arrives is read by the independent decoder. A front server proxies to a
/// backend server{} of the same nginx, which echoes the traceparent it received.
/// </summary>
[Collection("nginx")]
public sealed partial class NginxModuleTests() : NginxReceiverTest(ports: 2)
{
    private int Front => Nginx.Ports[0];
    private int Back => Nginx.Ports[1];

    private string Exporter(string extra = "") => $$"""
            kt_exporter {
                endpoint {{Receiver.Endpoint}};
                interval 50ms;
                {{extra}}
            }
            kt_service_name kt-nginx-test;
        """;

    private string Config(string exporterExtra = "", string http = "", string front = "") => $$"""
        {{Exporter(exporterExtra)}}
        {{http}}
        kt_trace on;
        kt_trace_context propagate;
        upstream backend { server 127.0.0.1:{{Back}}; keepalive 8; }
        server {
            listen 127.0.0.1:{{Front}};
            access_log {{Nginx.Prefix}}/logs/front.log;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            {{front}}
            location /api { proxy_pass http://backend; }
            location /off { kt_trace off; proxy_pass http://backend; }
            location /var { kt_trace $arg_trace; return 200 "$kt_trace_id"; }
            location /vars {
                return 200 "$kt_trace_id|$kt_span_id|$kt_parent_id|$kt_parent_sampled|$kt_traceparent|$kt_context";
            }
            location /vars-off { kt_trace off; return 200 "$kt_trace_id|$kt_context"; }
            location /named { kt_trace off; error_page 418 = @named; return 418; }
            location /redirect { error_page 418 = @named; return 418; }
            location @named { proxy_pass http://backend; }
            location /auth { auth_request /check; proxy_pass http://backend; }
            location = /check { internal; proxy_pass http://backend/checked; }
            location /down { proxy_pass http://127.0.0.1:{{NginxServer.FreePort()}}; }
            location /static { kt_span_name "static $uri"; kt_span_attribute app.tier edge; return 204; }
        }
        server {
            listen 127.0.0.1:{{Back}};
            access_log {{Nginx.Prefix}}/logs/back.log;
            location / { return 200 "$http_traceparent"; }
        }
        """;

    private void StartNginx(string config)
    {
        Nginx.WriteConfig(config);
        Nginx.Start();
    }

    private async Task<string> Get(string path, string? traceparent = null, int? port = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port ?? Front}{path}");
        if (traceparent is not null)
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("kt-test", "1.0"));
        using var response = await Http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private bool IsFront(DecodedSpan s) => s.Kind == DecodedSpan.Server && s.Int("server.port") == Front;
    private bool IsBack(DecodedSpan s) => s.Kind == DecodedSpan.Server && s.Int("server.port") == Back;

    [Fact]
    public async Task EveryRequest_IsAServerSpan_WithAClientSpanPerUpstreamTry_AndTheBackendContinuesIt()
    {
        StartNginx(Config());
        const int n = 20;
        var bodies = new List<string>();
        for (int i = 0; i < n; i++)
            bodies.Add(await Get($"/api/items/{i}?page=2"));

        var spans = Spans.WaitFor(s => s.Count(IsFront) >= n && s.Count(x => x.Kind == DecodedSpan.Client) >= n && s.Count(IsBack) >= n);
        var front = spans.Where(IsFront).ToList();
        var clients = spans.Where(s => s.Kind == DecodedSpan.Client).ToList();
        var back = spans.Where(IsBack).ToList();
        Assert.Equal(n, front.Count);
        Assert.Equal(n, clients.Count);
        Assert.Equal(n, back.Count);

        foreach (var server in front)
        {
            Assert.Null(server.ParentSpanId);
            Assert.Equal("GET /api", server.Name);
            Assert.Equal("kt-nginx-test", server.ServiceName);
            Assert.Equal("GET", server.String("http.request.method"));
            Assert.StartsWith("/api/items/", server.String("url.path"));
            Assert.Equal("page=2", server.String("url.query"));
            Assert.Equal("http", server.String("url.scheme"));
            Assert.Equal("/api", server.String("http.route"));
            Assert.Equal(200, server.Int("http.response.status_code"));
            Assert.Equal("127.0.0.1", server.String("client.address"));
            Assert.Equal("127.0.0.1", server.String("server.address"));
            Assert.Equal("1.1", server.String("network.protocol.version"));
            Assert.Equal("kt-test/1.0", server.String("user_agent.original"));
            Assert.Equal(55, server.Int("http.response.body.size"));

            var client = Assert.Single(clients, c => c.ParentSpanId == server.SpanId);
            Assert.Equal(server.TraceId, client.TraceId);
            Assert.Equal("GET", client.Name);
            Assert.Equal("127.0.0.1", client.String("server.address"));
            Assert.Equal(Back, client.Int("server.port"));
            Assert.Equal(200, client.Int("http.response.status_code"));

            var backend = Assert.Single(back, b => b.ParentSpanId == client.SpanId);
            Assert.Equal(server.TraceId, backend.TraceId);

            // the backend received a traceparent naming the CLIENT span (sampled, and
            // W3C's random flag for a trace kt started)
            Assert.Contains($"00-{server.TraceId}-{client.SpanId}-03", bodies);
        }
        // Every worker registered the module's keys (a failure is logged, and the key goes as text).
        Assert.DoesNotContain("kt_key_register(", Nginx.ErrorLog);
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task AnIncomingTraceparent_IsContinued_AndAnInvalidOne_StartsANewTrace()
    {
        StartNginx(Config());
        const string traceId = "0af7651916cd43dd8448eb211c80319c", parentId = "b7ad6b7169203331";
        var continued = await Get("/api/continued", $"00-{traceId}-{parentId}-01");
        var invalid = await Get("/api/invalid", $"00-{traceId}-0000000000000000-01");
        var garbage = await Get("/api/garbage", "not a traceparent");

        var spans = Spans.WaitFor(s => s.Count(IsFront) >= 3 && s.Count(IsBack) >= 3);
        var server = Assert.Single(spans, s => IsFront(s) && s.String("url.path") == "/api/continued");
        Assert.Equal(traceId, server.TraceId);
        Assert.Equal(parentId, server.ParentSpanId);
        Assert.StartsWith($"00-{traceId}-", continued);

        foreach (var path in new[] { "/api/invalid", "/api/garbage" })
        {
            var fresh = Assert.Single(spans, s => IsFront(s) && s.String("url.path") == path);
            Assert.NotEqual(traceId, fresh.TraceId);
            Assert.Null(fresh.ParentSpanId);
        }
        Assert.DoesNotContain(traceId, invalid);
        Assert.DoesNotContain(traceId, garbage);
    }

    [Fact]
    public async Task KtTrace_Off_On_AndAVariable()
    {
        StartNginx(Config());
        Assert.Equal("", await Get("/var?trace=off"));
        Assert.Matches("^[0-9a-f]{32}$", await Get("/var?trace=on"));
        Assert.Matches("^[0-9a-f]{32}$", await Get("/var?trace=1"));
        Assert.Equal("", await Get("/var"));
        var offBody = await Get("/off/x");
        await Get("/api/on");

        // the backend has no traceparent from an untraced front request
        Assert.Equal("", offBody);
        var spans = Spans.WaitFor(s => s.Count(IsFront) >= 3 && s.Count(IsBack) >= 2);
        Assert.Equal(2, spans.Count(s => IsFront(s) && s.String("url.path") == "/var"));
        Assert.Single(spans, s => IsFront(s) && s.String("url.path") == "/api/on");
        Assert.DoesNotContain(spans, s => IsFront(s) && s.String("url.path") == "/off/x");
        // the backend traces /off/x itself, as a new trace
        Assert.Null(Assert.Single(spans, s => IsBack(s) && s.String("url.path") == "/off/x").ParentSpanId);
    }

    [Fact]
    public async Task Variables_NameTheRequestsSpans()
    {
        StartNginx(Config());
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736", parentId = "00f067aa0ba902b7";
        var traced = (await Get("/vars", $"00-{traceId}-{parentId}-01")).Split('|');
        var root = (await Get("/vars")).Split('|');
        var off = (await Get("/vars-off")).Split('|');

        Assert.Equal(6, traced.Length);
        Assert.Equal(traceId, traced[0]);
        Assert.Matches("^[0-9a-f]{16}$", traced[1]);
        Assert.Equal(parentId, traced[2]);
        Assert.Equal("1", traced[3]);
        Assert.Equal($"00-{traceId}-{traced[1]}-01", traced[4]);
        Assert.Matches("^[0-9a-f]{16}$", traced[5]);

        Assert.Matches("^[0-9a-f]{32}$", root[0]);
        Assert.Equal($"00-{root[0]}-{root[1]}-03", root[4]);
        Assert.Equal("", root[2]);
        Assert.Equal("0", root[3]);
        Assert.Matches("^[0-9a-f]{16}$", root[5]);

        // untraced: no ids, but a context for Lua spans all the same
        Assert.Equal("", off[0]);
        Assert.Matches("^[0-9a-f]{16}$", off[1]);

        var spans = Spans.WaitForCount(2, IsFront);
        var server = Assert.Single(spans, s => IsFront(s) && s.TraceId == traceId);
        Assert.Equal(traced[1], server.SpanId);
        Assert.Equal(parentId, server.ParentSpanId);
        Assert.Contains(spans, s => IsFront(s) && s.TraceId == root[0] && s.SpanId == root[1]);
    }

    [Fact]
    public async Task InternalRedirects_AndSubrequests_StayInOneTrace()
    {
        StartNginx(Config());
        var redirected = await Get("/redirect");
        await Get("/auth/page");
        var spans = Spans.WaitFor(s => s.Count(IsFront) >= 2 && s.Count(x => x.Kind == DecodedSpan.Client) >= 3 && s.Count(IsBack) >= 3);

        var redirect = Assert.Single(spans, s => IsFront(s) && s.String("url.path") == "/redirect");
        Assert.Equal("GET /redirect", redirect.Name);
        var client = Assert.Single(spans, s => s.Kind == DecodedSpan.Client && s.ParentSpanId == redirect.SpanId);
        Assert.Equal($"00-{redirect.TraceId}-{client.SpanId}-03", redirected);

        var auth = Assert.Single(spans, s => IsFront(s) && s.String("url.path") == "/auth/page");
        var authClients = spans.Where(s => s.Kind == DecodedSpan.Client && s.ParentSpanId == auth.SpanId).ToList();
        Assert.Equal(2, authClients.Count);
        Assert.All(authClients, c => Assert.Equal(auth.TraceId, c.TraceId));
        var backends = spans.Where(s => IsBack(s) && s.TraceId == auth.TraceId).ToList();
        Assert.Equal(2, backends.Count);
        Assert.Contains(backends, b => b.String("url.path") == "/checked" && authClients.Any(c => c.SpanId == b.ParentSpanId));
        Assert.Contains(backends, b => b.String("url.path") == "/auth/page" && authClients.Any(c => c.SpanId == b.ParentSpanId));
        Assert.Equal(2, spans.Count(IsFront));
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task AnUnreachableUpstream_IsAnErrorClientSpan_AndA502Server()
    {
        StartNginx(Config());
        await Get("/down");
        await Get("/static/file");
        var spans = Spans.WaitFor(s => s.Count(IsFront) >= 2 && s.Any(x => x.Kind == DecodedSpan.Client));
        var server = Assert.Single(spans, s => IsFront(s) && s.String("url.path") == "/down");
        Assert.Equal(502, server.Int("http.response.status_code"));
        Assert.Equal(2, server.StatusCode);
        var client = Assert.Single(spans, s => s.Kind == DecodedSpan.Client && s.ParentSpanId == server.SpanId);
        Assert.Equal(2, client.StatusCode);

        var named = Assert.Single(spans, s => IsFront(s) && s.String("url.path") == "/static/file");
        Assert.Equal("static /static/file", named.Name);
        Assert.Equal("edge", named.String("app.tier"));
        Assert.Equal(0, named.StatusCode);
    }

    [Fact]
    public async Task SamplingRateZero_ExportsNothing_ButPropagatesAnUnsampledContext()
    {
        StartNginx(Config(http: "kt_sampling_rate 0;"));
        var body = await Get("/api/unsampled");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-02$", body);
        Nginx.Quit();
        Assert.True(Nginx.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Empty(Spans.Read());
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task NginxT_AndTheMaster_NeverStartTheRuntime()
    {
        var file = Path.Combine(Nginx.Prefix, "spans.jsonl");
        Nginx.WriteConfig($$"""
            kt_exporter { file {{file}}; }
            kt_trace on;
            server { listen 127.0.0.1:{{Front}}; location / { return 200 "$kt_trace_id"; } }
            """);
        var (exit, output) = Nginx.TestConfig();
        Assert.True(exit == 0, output);
        // kt_init opens the file: nginx -t did not call it
        Assert.False(File.Exists(file), "nginx -t started the engine");

        Nginx.Start();
        Assert.Matches("^[0-9a-f]{32}$", await Get("/"));
        Assert.Equal(1, NginxServer.Threads(Nginx.MasterPid));
        var workers = Nginx.WorkerPids();
        Assert.Equal(2, workers.Count);
        // the control: a worker that called kt_init has the runtime's threads
        Assert.Contains(workers, w => NginxServer.Threads(w) > 1);
        Assert.True(File.Exists(file));
    }

    [Theory]
    [InlineData("kt_exporter { endpoint ftp://collector:4318; }", "invalid endpoint \"ftp://collector:4318\" in \"kt_exporter\"")]
    [InlineData("kt_exporter { endpoint http://:4318; }", "invalid endpoint \"http://:4318\" in \"kt_exporter\": no host")]
    [InlineData("kt_exporter { endpoint http://collector:99999; }", "bad port")]
    [InlineData("kt_exporter { protocol http/xml; }", "invalid protocol \"http/xml\" in \"kt_exporter\"")]
    [InlineData("kt_exporter { compression zip; }", "invalid compression \"zip\" in \"kt_exporter\"")]
    [InlineData("kt_exporter { interval soon; }", "\"interval\" of \"kt_exporter\" invalid value")]
    [InlineData("kt_exporter { colour blue; }", "unknown directive \"colour\" in \"kt_exporter\"")]
    [InlineData("kt_exporter { } kt_exporter { }", "\"kt_exporter\" directive is duplicate")]
    [InlineData("kt_sampling_rate 2;", "invalid kt_sampling_rate \"2\"")]
    [InlineData("kt_sampling_rate often;", "invalid kt_sampling_rate \"often\"")]
    [InlineData("kt_propagation w3c zipkin;", "unknown kt_propagation format \"zipkin\"")]
    [InlineData("kt_propagation w3c w3c;", "kt_propagation format \"w3c\" is given twice")]
    [InlineData("kt_propagation b3 zipkin aws;", "unknown kt_propagation format \"zipkin\"")]
    [InlineData("kt_trace maybe;", "invalid kt_trace \"maybe\"")]
    [InlineData("kt_trace_context sideways;", "invalid kt_trace_context \"sideways\"")]
    [InlineData("kt_resource_attribute deployment.environment;", "invalid number of arguments in \"kt_resource_attribute\" directive")]
    [InlineData("kt_resource_attribute \"\" prod;", "empty name in \"kt_resource_attribute\"")]
    [InlineData("kt_span_attribute \"\" $host;", "empty name in \"kt_span_attribute\"")]
    public void BadConfiguration_FailsNginxT_NamingTheDirective(string directive, string message)
    {
        Nginx.WriteConfig($$"""
            {{directive}}
            server { listen 127.0.0.1:{{Front}}; location / { return 200; } }
            """);
        var (exit, output) = Nginx.TestConfig();
        Assert.NotEqual(0, exit);
        Assert.Contains(message, output);
        Assert.Contains("[emerg]", output);
    }

    [Fact]
    public async Task ReloadAndQuit_UnderLoad_LoseNoFinishedSpan_AndCrashNoWorker()
    {
        StartNginx(Config(exporterExtra: "batch_size 1024; queue_size 8192; max_spans 8192;"));
        // a few hundred requests a second, always some in flight: not so many that the
        // exporter thread, starved of CPU on a busy 2-core machine, drops spans by policy
        // (counted, and logged at exit as "kt: spans dropped")
        var load = Wrk.RunAsync(Nginx.Url("/api/load"), seconds: 5, connections: 4, delayMs: 5);
        await Task.Delay(1500);
        Nginx.Reload();
        await Task.Delay(1500);
        Nginx.Quit();
        var wrk = await load;
        Assert.True(Nginx.WaitForExit(TimeSpan.FromSeconds(60)), "nginx did not exit after quit");
        Nginx.AssertNoCrash();

        var frontLines = File.ReadAllLines(Path.Combine(Nginx.Prefix, "logs", "front.log"));
        long backLogged = File.ReadLines(Path.Combine(Nginx.Prefix, "logs", "back.log")).LongCount();
        long loaded = frontLines.LongCount(l => l.Contains("GET /api/load"));
        Assert.True(loaded > 100, $"too little load to test: {loaded} requests\n{wrk.Output}");
        Assert.True(loaded >= wrk.Requests - wrk.Non2xx3xx, $"{loaded} logged, wrk completed {wrk.Requests}");

        // every worker flushed before it exited: nothing more will come. Every request nginx
        // logged (those wrk cut short at the quit too) is one SERVER span.
        var spans = Spans.Read();
        var front = spans.Where(IsFront).ToList();
        Assert.True(frontLines.Length == front.Count,
            $"{frontLines.Length} requests logged, {front.Count} SERVER spans; kt's log lines:\n"
            + string.Join("\n", Nginx.ErrorLog.Split('\n').Where(l => l.Contains("kt:"))));
        Assert.Equal(front.Count, front.Select(s => s.SpanId).Distinct().Count());
        Assert.Equal(backLogged, spans.LongCount(IsBack));

        // a try on a keepalive connection the backend closed as it quit fails and is retried:
        // each try is a CLIENT span, the failed ones errors
        var clients = spans.Where(s => s.Kind == DecodedSpan.Client).ToList();
        var answered = clients.Where(c => c.Int("http.response.status_code") == 200).ToList();
        Assert.Equal(backLogged, answered.Count);
        Assert.All(clients.Except(answered), c => Assert.Equal(2, c.StatusCode));
        var serverIds = front.Select(s => s.SpanId).ToHashSet();
        Assert.All(answered, c => Assert.Contains(c.ParentSpanId!, serverIds));
        foreach (var server in front.Where(s => s.Int("http.response.status_code") == 200))
            Assert.Single(answered, c => c.ParentSpanId == server.SpanId);
    }

    [Fact]
    public async Task AWorkersQueue_HoldsEightThousandSpans_WhileTheCollectorDoesNotAnswer()
    {
        // The exporter's first batch hangs at the collector and every later span waits in its
        // worker's queue: 6,000 spans in one worker overflow the engine's default of 2,048.
        Nginx.WorkerProcesses = 1;
        Receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Hang: true);
        StartNginx(Config(exporterExtra: "timeout 60s; shutdown_timeout 1s;"));
        for (int i = 0; i < 6000; i++)
            await Get("/static");
        Nginx.Quit();
        Assert.True(Nginx.WaitForExit(TimeSpan.FromSeconds(30)), "nginx did not exit after quit");
        Nginx.AssertNoCrash();
        var exit = Assert.Single(Nginx.ErrorLog.Split('\n'), l => l.Contains("kt: worker exit:"));
        Assert.Contains("of queue space: 0,", exit);
    }

    [Fact]
    public async Task ACollectorThatDoesNotAnswer_StallsNoRequest_NorReload_NorQuit()
    {
        Receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Hang: true);
        StartNginx(Config(exporterExtra: "timeout 60s; shutdown_timeout 1s;"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 50; i++)
            Assert.StartsWith("00-", await Get($"/api/{i}"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"50 requests took {watch.Elapsed}");
        await Task.Delay(500);   // a batch is on its way to the collector, and hangs

        watch.Restart();
        Nginx.Reload(TimeSpan.FromSeconds(20));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"reload took {watch.Elapsed}");
        await Get("/api/after-reload");

        watch.Restart();
        Nginx.Quit();
        Assert.True(Nginx.WaitForExit(TimeSpan.FromSeconds(20)), "nginx did not exit after quit");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"quit took {watch.Elapsed}");
        Nginx.AssertNoCrash();
    }
}
