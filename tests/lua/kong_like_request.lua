-- A request traced the way Kong's core traces one, phase by phase, on kong.tracing's API: the
-- request's root span in rewrite, the router and a DNS lookup in access, a balancer span created
-- early and linked once the upstream answered, a plugin's own tracer, and at the log phase the
-- plugin-shaped handler (kong_otel_handler.lua). Used by test_otel_handler.lua in plain LuaJIT
-- and by an OpenResty location, one phase per *_by_lua block.
local handler = require "kong_otel_handler"

local M = {}

-- What the phases share: the request's own Lua state (ngx.ctx in Nginx).
local function state()
    local ctx = ngx.ctx
    ctx.kong_like = ctx.kong_like or {}
    return ctx.kong_like
end

function M.rewrite(kong)
    local tracer = kong.tracing
    local root = tracer.start_span("kong", {
        span_kind = 2,
        attributes = { ["http.method"] = "GET", ["http.flavor"] = "1.1", ["http.url"] = "http://example.test/kong" },
    })
    tracer.set_active_span(root)
end

function M.access(kong)
    local tracer = kong.tracing
    local router = tracer.start_span("kong.router")
    tracer.set_active_span(router)
    router:finish()

    local dns = tracer.start_span("kong.dns", { span_kind = 3 })
    dns:set_attribute("dns.record.domain", "upstream.test")
    dns:set_attribute("dns.record.port", 8080)
    dns:record_error("dns server error: 3 name error")
    dns:set_status(2)
    dns:finish()

    -- Kong creates the balancer span before the upstream is known, to send its id upstream.
    local root = ngx.ctx.KONG_SPANS and ngx.ctx.KONG_SPANS[1]
    state().balancer = tracer.create_span(nil, { span_kind = 3, parent = root })

    local plugin = tracer.start_span("kong.access.plugin.example")
    plugin:add_event("cache.lookup", { ["cache.key"] = "/kong", hit = false })
    plugin:set_attribute("plugin.tags", { "a", "b" })
    plugin:finish()

    -- A plugin's own tracer: Kong's process_span on the global tracer does not visit its spans.
    local own = kong.tracing.new("my-plugin")
    own.start_span("my-plugin.work"):finish()
end

function M.header_filter(kong)
    local root = kong.tracing.get_root_span()
    root:set_attribute("http.status_code", 200)
    local balancer = state().balancer
    kong.tracing.link_span(balancer, "kong.balancer", {
        start_time_ns = root.start_time_ns + 1000,
        attributes = { try_count = 1, ["net.peer.ip"] = "127.0.0.1", ["net.peer.port"] = 8080 },
    })
    balancer:finish()
end

--- The log phase: the active span (the root) ends, as Kong's runloop ends it, and the handler
--- encodes the request's spans; trace_id, when given, is written onto every span.
function M.log(kong, trace_id)
    local active = kong.tracing.active_span()
    if active then active:finish() end
    return handler.log(kong, trace_id)
end

return M
