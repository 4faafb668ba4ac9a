using System.Net.Http.Headers;

namespace Kt.Tests;

/// <summary>
/// The Lua binding (require "kt.tracing") in the system's nginx with Debian's lua module:
/// two workers, Lua handlers making nested spans, exported to a real OTLP/HTTP receiver on
/// loopback and read by the independent decoder; with and without the kt module.
/// </summary>
[Collection("nginx")]
public sealed class OpenRestyLuaTests() : NginxReceiverTest(ports: 1)
{
    private static string Repository => OtlpDecoder.RepositoryRoot();

    private static string Library => Path.Combine(Repository, "artifacts", "native", "libkt.so");

    /// <summary>nginx with the lua module, and the kt module when asked; the Lua binding on the package path.</summary>
    private void Start(string server, bool ktModule = false, string http = "", string initWorker = "", string init = "", string settings = "")
    {
        Nginx.Modules.Clear();
        Nginx.Modules.AddRange(NginxServer.LuaModules);
        if (ktModule)
            Nginx.Modules.Add(NginxServer.ModulePath);
        Nginx.MainDirectives = $"env KT_LIBRARY={Library};";
        string exporter = ktModule
            ? $$"""
                kt_exporter { endpoint {{Receiver.Endpoint}}; interval 50ms; }
                kt_service_name kt-openresty;
                kt_trace on;
                kt_trace_context propagate;
                """
            : "";
        Nginx.WriteConfig($$"""
            lua_package_path "{{Repository}}/bindings/lua/?.lua;{{Repository}}/tests/lua/?.lua;;";
            {{exporter}}
            init_by_lua_block {
                {{init}}
            }
            init_worker_by_lua_block {
                local tracing = require "kt.tracing"
                assert(tracing.init { endpoint = "{{Receiver.Endpoint}}", service_name = "kt-openresty", schedule_delay_ms = 50, {{settings}} })
                {{initWorker}}
            }
            exit_worker_by_lua_block { require("kt.tracing").shutdown(10000) }
            {{http}}
            server {
                listen 127.0.0.1:{{Nginx.Ports[0]}} reuseport;
                {{server}}
            }
            """);
        Nginx.Start();
    }

    private const string NestedHandler = """
        location /lua {
            content_by_lua_block {
                local tracing = require "kt.tracing"
                local db = tracing.new("db-tracer")
                local root = tracing:start_span("handle " .. ngx.var.uri, { span_kind = tracing.SPAN_KIND.SERVER })
                tracing.set_active_span(root)
                root:set_attribute("worker.pid", ngx.worker.pid())
                local lookup = tracing:start_span("lookup")
                lookup:add_event("cache.miss", { ["cache.key"] = ngx.var.uri })
                tracing.set_active_span(lookup)
                local query = db:start_span("SELECT items", { parent = tracing.active_span(), span_kind = tracing.SPAN_KIND.CLIENT })
                query:set_attribute("db.system", "postgresql")
                if ngx.var.arg_fail then
                    query:record_error("connection refused")
                    query:set_status(tracing.SPAN_STATUS.ERROR)
                end
                query:finish()
                lookup:finish()
                ngx.say(tostring(tracing.active_span() == root))
                root:finish()
            }
            log_by_lua_block { require("kt.tracing").end_request() }
        }
        """;

    private async Task<string> Get(string path, string? traceparent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Nginx.Url(path));
        request.Headers.ConnectionClose = true; // a new connection each time, so both workers serve
        if (traceparent is not null)
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}\n{Nginx.ErrorLog}");
        return body;
    }

    [Fact]
    public async Task Nested_Lua_spans_from_two_workers_arrive_as_trees()
    {
        Start(NestedHandler);
        const int n = 40;
        for (int i = 0; i < n; i++)
            Assert.Equal("true\n", await Get($"/lua/{i}" + (i % 4 == 0 ? "?fail=1" : "")));

        var spans = Spans.WaitForCount(3 * n);
        var roots = spans.Where(s => s.Name.StartsWith("handle /lua/")).ToList();
        Assert.Equal(n, roots.Count);
        Assert.True(roots.Select(r => r.Int("worker.pid")).Distinct().Count() >= 2, "both workers served and exported");
        foreach (var root in roots)
        {
            Assert.Null(root.ParentSpanId);
            Assert.Equal(DecodedSpan.Server, root.Kind);
            Assert.Equal("kt-openresty", root.ServiceName);
            var lookup = Assert.Single(spans, s => s.ParentSpanId == root.SpanId);
            Assert.Equal("lookup", lookup.Name);
            Assert.Equal(root.TraceId, lookup.TraceId);
            var query = Assert.Single(spans, s => s.ParentSpanId == lookup.SpanId);
            Assert.Equal("SELECT items", query.Name);
            Assert.Equal(DecodedSpan.Client, query.Kind);
            Assert.Equal("postgresql", query.String("db.system"));
            bool failed = root.Name.EndsWith("/0") || int.Parse(root.Name["handle /lua/".Length..]) % 4 == 0;
            Assert.Equal(failed ? 2 : 0, query.StatusCode);
        }
        Nginx.AssertNoCrash();
    }

    /// <summary>Sends a GET with the header lines as given, on a raw socket (a header repeated on lines of its own); the response body.</summary>
    private async Task<string> GetWithLines(string path, params string[] lines)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, Nginx.Ports[0]);
        var stream = client.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: openresty\r\nConnection: close\r\n" + string.Concat(lines.Select(l => l + "\r\n")) + "\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await reader.ReadToEndAsync(timeout.Token);
        Assert.True(response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), response + "\n" + Nginx.ErrorLog);
        // a chunked body of one chunk, as content_by_lua sends ngx.say's lines
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        return body[(body.IndexOf("\r\n", StringComparison.Ordinal) + 2)..];
    }

    [Fact]
    public async Task Extract_reads_a_header_repeated_on_several_lines_as_ngx_gives_it()
    {
        const string trace = "12345678901234567890123456789012";
        Start("""
            location /extract {
                content_by_lua_block {
                    local tracing = require "kt.tracing"
                    local used, err = tracing.extract("w3c")
                    local span = tracing:start_span("extracted")
                    local headers = assert(span:inject("w3c"))
                    ngx.say(tostring(used), "|", tostring(err), "|", headers.traceparent, "|", headers.tracestate or "")
                    span:finish()
                }
                log_by_lua_block { require("kt.tracing").end_request() }
            }
            """);
        var combined = (await GetWithLines("/extract", $"traceparent: 00-{trace}-1234567890123456-00", "tracestate: foo=1,bar=2", "tracestate: rojo=1,foo=3")).Split('|');
        Assert.Equal("w3c", combined[0]);
        Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-00$", combined[2]);
        Assert.StartsWith("foo=1,bar=2,rojo=1", combined[3]);

        var twice = (await GetWithLines("/extract", $"traceparent: 00-{trace}-1234567890123456-01", $"traceparent: 00-{trace}-1234567890123456-01", "tracestate: foo=1")).Split('|');
        Assert.Equal("nil", twice[0]);
        Assert.Contains("more than one line", twice[1]);
        Assert.DoesNotContain(trace, twice[2]);
        Assert.StartsWith("\n", twice[3]); // no tracestate: the caller's belonged to the refused parent
        Nginx.AssertNoCrash();
    }

    [Fact]
    public async Task The_seed_examples_run_as_written_in_a_request()
    {
        Start("""
            location /seed {
                content_by_lua_block {
                    local kong = { tracing = require "kt.tracing" }
                    local tracer = kong.tracing.new("custom-tracer")
                    tracer = kong.tracing
                    local span = tracer:start_span("my-span", {
                      start_time_ns = ngx.now() * 1e9, -- override the start time
                      span_kind = 2,
                      should_sample = true, -- by setting it to `true` to ignore the sampling decision
                    })
                    tracer.set_active_span(span)
                    local active_span = tracer.active_span() -- returns the active span
                    local global_tracer = kong.tracing
                    local custom = kong.tracing.new("custom-tracer")
                    local root_span = global_tracer.active_span()
                    local child = custom.start_span("my-child", {
                      parent = root_span
                    })
                    child:set_attribute("key", "value")
                    child:add_event("my-event", {
                      ["key"] = "value",
                    })
                    child:record_error("my-error-message")
                    child:set_status(2)
                    child:finish()
                    local released = kong.tracing:start_span("released")
                    released:release()
                    span:finish()
                    ngx.say(tostring(active_span == span))
                }
            }
            """);
        Assert.Equal("true\n", await Get("/seed"));
        var spans = Spans.WaitForCount(2);
        var mySpan = Assert.Single(spans, s => s.Name == "my-span");
        var child = Assert.Single(spans, s => s.Name == "my-child");
        Assert.Equal(mySpan.SpanId, child.ParentSpanId);
        Assert.Equal("value", child.String("key"));
        Assert.Equal(2, child.StatusCode);
        Assert.Equal(2, mySpan.Kind);
        Assert.DoesNotContain(spans, s => s.Name == "released");
    }

    [Fact]
    public async Task The_master_never_starts_the_engine()
    {
        // init_by_lua* runs in the master: requiring the binding, making tracers and starting
        // spans there must not call into libkt.so, and tracing.init must refuse.
        Start("""
            location /master { content_by_lua_block { ngx.say(package.loaded["kt.master"]) } }
            """,
            init: """
                local tracing = require "kt.tracing"
                local tracer = tracing.new("made-in-master")
                local span = tracer:start_span("in the master")
                span:set_attribute("k", "v")
                span:finish()
                local ok, err = tracing.init {}
                package.loaded["kt.master"] = tostring(tostring(span) == "kt span 0" and not ok and err:find("init_worker_by_lua", 1, true) ~= nil)
            """,
            initWorker: """
                local tracer = require("kt.tracing").new("made-in-master")
                tracer:start_span("worker span"):finish()
            """);
        Assert.Equal("true\n", await Get("/master"));
        Assert.Equal(1, NginxServer.Threads(Nginx.MasterPid));
        // The span each worker made in init_worker_by_lua arrives once its engine runs; a worker
        // that did not serve the request above may still have been starting when it was answered.
        Spans.WaitForCount(2, s => s.Name == "worker span");
        foreach (var worker in Nginx.WorkerPids())
            Assert.True(NginxServer.Threads(worker) > 1, "a worker runs the engine's threads");
    }

    [Fact]
    public async Task A_workers_queue_holds_eight_thousand_spans_while_the_collector_does_not_answer()
    {
        // The exporter's first batch hangs at the collector and every later span waits in the
        // worker's queue: 6,000 spans in one worker overflow the engine's default of 2,048.
        Nginx.WorkerProcesses = 1;
        Receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Hang: true);
        Start("""
            location /one {
                content_by_lua_block {
                    require("kt.tracing"):start_span("one"):finish()
                    ngx.say("ok")
                }
            }
            location /dropped {
                content_by_lua_block { ngx.say(require("kt.tracing").counters().dropped_queue_full) }
            }
            """, settings: "timeout_ms = 60000");
        for (int i = 0; i < 6000; i++)
            await Get("/one");
        Assert.Equal("0", (await Get("/dropped")).Trim());
    }

    [Fact]
    public async Task Spans_a_request_still_holds_are_released_when_it_ends()
    {
        Start("""
            location /leak {
                content_by_lua_block {
                    local tracing = require "kt.tracing"
                    tracing:start_span("forgotten")
                    tracing:start_span("forgotten too")
                    ngx.say("ok")
                }
                log_by_lua_block { require("kt.tracing").end_request() }
            }
            location /slots {
                content_by_lua_block {
                    local c = require("kt.tracing").counters()
                    ngx.say(ngx.worker.pid(), " ", c.slots_in_use, " ", c.spans_released)
                }
            }
            """);
        for (int i = 0; i < 20; i++)
            await Get("/leak");
        // Each worker answers for itself; ask until both have: none holds a slot, and between
        // them they released the 40 spans the handlers forgot.
        var released = new Dictionary<int, long>();
        for (int i = 0; i < 100 && released.Count < 2; i++)
        {
            var parts = (await Get("/slots")).Trim().Split(' ');
            Assert.Equal("0", parts[1]);
            released[int.Parse(parts[0])] = long.Parse(parts[2]);
        }
        Assert.Equal(2, released.Count);
        Assert.Equal(40, released.Values.Sum());
    }

    [Fact]
    public async Task With_the_kt_module_Lua_spans_join_the_modules_server_span()
    {
        Start("""
            location /joined {
                content_by_lua_block {
                    local tracing = require "kt.tracing"
                    local server = tracing.active_span()
                    server:set_attribute("lua.added", "yes")
                    local child = tracing:start_span("lua child")
                    child:finish()
                    tracing:start_span("left open") -- the module releases it with the request
                    ngx.say(tostring(tracing.get_root_span() == server))
                }
            }
            location /slots {
                content_by_lua_block {
                    local tracing = require "kt.tracing"
                    assert(tracing.flush(10000)) -- finished spans hold their slots until exported
                    ngx.say(tracing.counters().slots_in_use)
                }
            }
            """, ktModule: true);
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Assert.Equal("true\n", await Get("/joined", traceparent));
        var spans = Spans.WaitFor(s => s.Any(x => x.Name == "lua child") && s.Any(x => x.Kind == DecodedSpan.Server && x.String("url.path") == "/joined"));
        var server = Assert.Single(spans, s => s.Kind == DecodedSpan.Server && s.String("url.path") == "/joined");
        var child = Assert.Single(spans, s => s.Name == "lua child");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", server.TraceId);
        Assert.Equal("b7ad6b7169203331", server.ParentSpanId);
        Assert.Equal("yes", server.String("lua.added"));
        Assert.Equal(server.SpanId, child.ParentSpanId);
        Assert.Equal(server.TraceId, child.TraceId);
        Assert.DoesNotContain(spans, s => s.Name == "left open");
        // Every request left a span open; none of them holds a slot afterwards. What is open is
        // /slots' own request: its SERVER span, and the CLIENT span the module readies for a
        // content handler until it knows whether the request goes upstream.
        for (int i = 0; i < 20; i++)
            await Get("/joined");
        for (int i = 0; i < 10; i++)
            Assert.InRange(int.Parse(await Get("/slots")), 1, 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_scenarios_of_Kongs_PDK_tests_pass_one_request_each(bool ktModule)
    {
        // tests/lua/kong_pdk_scenarios.lua, as test_kong_pdk.lua runs them in plain LuaJIT; with the
        // kt module each request's first span is the module's SERVER span.
        Start("""
            location /pdk {
                content_by_lua_block { require("kong_pdk_location").scenario() }
                log_by_lua_block { require("kt.tracing").end_request() }
            }
            location /phases {
                access_by_lua_block {
                    local tracer = require("kt.tracing")("t")
                    tracer.set_active_span(tracer.start_span("access"))
                }
                content_by_lua_block {
                    local span = require("kt.tracing")("t").active_span()
                    ngx.say(span and span.name, " ", span and span.tracer.name)
                    span:finish()
                }
                log_by_lua_block { require("kt.tracing").end_request() }
            }
            """, ktModule, initWorker: KeepRequestSpans);
        int count = int.Parse(await Get("/pdk"));
        Assert.True(count >= 20, $"{count} scenarios");
        var failures = new List<string>();
        for (int n = 1; n <= count; n++)
        {
            var answer = (await Get($"/pdk?n={n}")).Trim();
            if (!answer.StartsWith("ok "))
                failures.Add(answer);
        }
        Assert.Empty(failures);
        // Kong's Nginx context tests: the active span set in access is the one content sees.
        Assert.Equal("access t\n", await Get("/phases"));
        Nginx.AssertNoCrash();
        Assert.DoesNotContain("[error]", Nginx.ErrorLog);
    }

    [Fact]
    public async Task A_handler_shaped_as_Kongs_opentelemetry_plugin_reads_at_the_log_phase_the_spans_kt_exports()
    {
        // tests/lua/kong_like_request.lua traces each phase as Kong's core does; at the log phase
        // the plugin-shaped handler walks and encodes the request's spans, finished ones included,
        // and leaves one line per span; every one must be what kt exported.
        Start("""
            location /kong {
                rewrite_by_lua_block { require("kong_pdk_location").kong_like("rewrite") }
                access_by_lua_block { require("kong_pdk_location").kong_like("access") }
                header_filter_by_lua_block { require("kong_pdk_location").kong_like("header_filter") }
                content_by_lua_block { ngx.say("ok") }
                log_by_lua_block { require("kong_pdk_location").kong_like("log") }
            }
            location /collected { content_by_lua_block { require("kong_pdk_location").collected() } }
            """, http: "lua_shared_dict collected 1m;", initWorker: KeepRequestSpans);
        var traces = new Dictionary<string, string[]>();
        for (int i = 0; i < 6; i++)
        {
            string trace = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
            Assert.Equal("ok\n", await Get("/kong", $"00-{trace}-b7ad6b7169203331-01"));
            traces[trace] = await Collected(trace);
        }
        var spans = Spans.WaitFor(s => traces.Keys.All(trace => s.Count(x => x.TraceId == trace) >= 6), what: "6 spans in each trace");
        foreach (var (trace, lines) in traces)
        {
            var exported = spans.Where(s => s.TraceId == trace).ToList();
            Assert.Equal(5, lines.Length);
            foreach (var line in lines)
            {
                var f = line.Split('|');
                var span = Assert.Single(exported, s => s.SpanId == f[0]);
                Assert.Equal(f[1], span.TraceId);
                Assert.Equal(f[2], span.ParentSpanId ?? "");
                Assert.Equal(f[3], span.Name);
                Assert.Equal(f[4], span.Kind.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(f[5], span.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(f[6], AttributesText(span));
            }
            // The handler visited every span of the global tracer; the plugin's own tracer's span
            // is exported, and Kong's process_span on the global tracer does not visit it.
            var unvisited = Assert.Single(exported, s => !lines.Any(l => l.StartsWith(s.SpanId + "|")));
            Assert.Equal("my-plugin.work", unvisited.Name);
            var root = Assert.Single(exported, s => s.Name == "kong");
            Assert.Equal("b7ad6b7169203331", root.ParentSpanId);
        }
        Nginx.AssertNoCrash();
        Assert.DoesNotContain("[error]", Nginx.ErrorLog);
    }

    // Without the kt module, requests keep their finished spans only on the promise that
    // log_by_lua* ends them (tracing.end_request()), as these locations do.
    private const string KeepRequestSpans = """assert(require("kt.tracing").init { keep_request_spans = true })""";

    // What the log phase left for a trace; it runs after the answer, so it may come a little later.
    private async Task<string[]> Collected(string trace)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var text = await Get($"/collected?trace={trace}");
            if (text.Length > 0)
                return text.Split('\n');
            Assert.True(DateTime.UtcNow < deadline, $"the log phase of trace {trace} left nothing\n{Nginx.ErrorLog}");
            await Task.Delay(50);
        }
    }

    // The attributes as kong_pdk_location.lua writes them: key=value, sorted by key, joined by ';'.
    private static string AttributesText(DecodedSpan span) =>
        string.Join(";", span.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + ValueText(a.Value)));

    private static string ValueText(System.Text.Json.JsonElement value)
    {
        if (value.TryGetProperty("stringValue", out var s))
            return s.GetString()!;
        if (value.TryGetProperty("intValue", out var i))
            return i.ValueKind == System.Text.Json.JsonValueKind.String ? i.GetString()! : i.GetRawText();
        if (value.TryGetProperty("boolValue", out var b))
            return b.GetBoolean() ? "true" : "false";
        if (value.TryGetProperty("arrayValue", out var array))
            return "[" + string.Join(",", array.GetProperty("values").EnumerateArray().Select(ValueText)) + "]";
        return value.GetRawText();
    }

    [Fact]
    public async Task Reload_and_quit_under_load_lose_no_finished_span_and_crash_no_worker()
    {
        // The point is reload and quit: a queue deep enough for the exporter thread to fall
        // seconds behind when the test's neighbours take the cores, where a full queue would
        // drop (and count) spans by design.
        Start(NestedHandler, settings: "queue_capacity_per_thread = 16384");
        // Paced: at full speed on two cores nginx and wrk leave the exporter thread too little
        // time, and the engine then drops (and counts) spans rather than slow requests down.
        var load = Wrk.RunAsync(Nginx.Url("/lua/load"), seconds: 6, connections: 8, delayMs: 5);
        await Task.Delay(2000);
        Nginx.Reload();
        await Task.Delay(2000);
        var result = await load;
        Nginx.Quit();
        Assert.True(Nginx.WaitForExit(TimeSpan.FromSeconds(60)), "nginx did not quit");
        Nginx.AssertNoCrash();
        Assert.True(result.Requests > 100, result.Output);
        Assert.Equal(0, result.Non2xx3xx);
        // Every request wrk saw completed had finished its spans; some more may have finished
        // for requests wrk gave up on at the end. Decoding thousands of requests' spans takes a
        // while on a busy machine: the deadline is generous.
        var spans = Spans.WaitFor(s => s.Count(x => x.Name == "handle /lua/load") >= result.Requests, TimeSpan.FromSeconds(120), $"{result.Requests} root spans");
        int roots = spans.Count(x => x.Name == "handle /lua/load");
        Assert.InRange(roots, result.Requests, result.Requests + 8 * 2);
        var traces = spans.Where(x => x.Name == "handle /lua/load").Select(x => x.TraceId).ToHashSet();
        Assert.Equal(3 * roots, spans.Count(x => traces.Contains(x.TraceId)));
    }
}
