namespace Kt.Tests;

/// <summary>
/// The contract the OpenResty binding builds on: $kt_context, and ngx_http_kt_lua_context for the
/// same request, give a live kt_context in which tracer 0's active span is the module's SERVER
/// span, read here through LuaJIT's FFI in the same worker (Debian's lua-nginx-module).
/// </summary>
[Collection("nginx")]
public sealed class LuaContextTests : IDisposable
{
    private readonly NginxServer _nginx = new(ports: 1);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _nginx.Dispose();
    }

    private static string Lua(string libkt) => $$"""
        local ffi = require "ffi"
        ffi.cdef[[
            int kt_active_span(uint64_t tracer, uint64_t context, uint64_t *out);
            int kt_span_ids(uint64_t span, uint8_t *trace_id, uint8_t *span_id, int *sampled);
        ]]
        local kt = ffi.load("{{libkt}}")
        local text = ngx.var.kt_context
        local context = ffi.new("uint64_t", 0)
        for i = 1, #text do
            context = context * 16ULL + tonumber(text:sub(i, i), 16)
        end
        local span = ffi.new("uint64_t[1]")
        local rc = kt.kt_active_span(0, context, span)
        local id = ffi.new("uint8_t[8]")
        local hex = ""
        if rc == 0 and span[0] ~= 0 and kt.kt_span_ids(span[0], nil, id, nil) == 0 then
            for i = 0, 7 do hex = hex .. string.format("%02x", id[i]) end
        end
        ffi.cdef[[ uint64_t ngx_http_kt_lua_context(void *r); ]]
        local asked = ffi.C.ngx_http_kt_lua_context(require("resty.core.base").get_request())
        local without_request = ffi.C.ngx_http_kt_lua_context(nil)
        ngx.print(rc, "|", hex, "|", ngx.var.kt_span_id or "", "|", tostring(asked == context), "|", tostring(without_request))
        """;

    [Fact]
    public async Task KtContext_HoldsTheServerSpanAsTracer0sActiveSpan()
    {
        foreach (var module in NginxServer.LuaModules)
            Assert.True(File.Exists(module), $"{module} is missing: ./build.sh setup installs libnginx-mod-http-lua");
        _nginx.Modules.AddRange(NginxServer.LuaModules);
        var libkt = Path.Combine(Path.GetDirectoryName(NginxServer.ModulePath)!, "libkt.so");
        _nginx.WriteConfig($$"""
            kt_exporter { endpoint http://127.0.0.1:{{NginxServer.FreePort()}}; }
            kt_trace on;
            server {
                listen 127.0.0.1:{{_nginx.Ports[0]}};
                location /traced { content_by_lua_block { {{Lua(libkt)}} } }
                location /untraced { kt_trace off; content_by_lua_block { {{Lua(libkt)}} } }
            }
            """);
        _nginx.Start();

        // ngx_http_kt_lua_context, the binding's way to the context, gives the one $kt_context
        // names; without a request, none.
        var traced = (await _http.GetStringAsync(_nginx.Url("/traced"))).Split('|');
        Assert.Equal("0", traced[0]);
        Assert.Matches("^[0-9a-f]{16}$", traced[1]);
        Assert.Equal(traced[2], traced[1]);
        Assert.Equal(["true", "0ULL"], traced[3..]);

        // untraced: a live context, with no active span
        var untraced = (await _http.GetStringAsync(_nginx.Url("/untraced"))).Split('|');
        Assert.Equal(["0", "", "", "true", "0ULL"], untraced);

        _nginx.AssertNoCrash();
        Assert.DoesNotContain("[error]", _nginx.ErrorLog);
    }
}
