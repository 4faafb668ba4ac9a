-- A handler shaped as Kong's opentelemetry plugin's log phase (kong_otel_handler.lua), unchanged,
-- on kt.tracing in plain LuaJIT: a request traced as Kong's core traces one (kong_like_request.lua)
-- under a stand-in ngx whose phase moves from rewrite to log, then the span tree the handler
-- encoded is compared, as text, with the tree of what kt exported (read back by the OpenTelemetry
-- schema's decoder).
local t = require "runner"
local tree = require "span_tree"

local phase, request_ctx = "rewrite", {}
rawset(_G, "ngx", {
    get_phase = function() return phase end,
    var = {},
    WARN = 5,
    log = function() end,
})
setmetatable(ngx, { __index = function(_, key) if key == "ctx" then return request_ctx end end })

local tracing = require "kt.tracing"
local kong_like = require "kong_like_request"
local kong = { tracing = tracing }

local file = os.getenv("KT_TEST_DIR") .. "/test_otel_handler.jsonl"
os.remove(file)
-- No Nginx module ends these requests: the test does, with tracing.end_request().
assert(tracing.init { exporter = "otlp", file = file, keep_request_spans = true })

-- One request through every phase; returns what the handler encoded at the log phase.
local function serve(trace_id)
    request_ctx, phase = {}, "rewrite"
    kong_like.rewrite(kong)
    phase = "access"
    kong_like.access(kong)
    phase = "header_filter"
    kong_like.header_filter(kong)
    phase = "log"
    local encoded = kong_like.log(kong, trace_id)
    tracing.end_request()
    return encoded
end

-- What kt exported for the spans of trace_ids (hex), split by the tracer that made them.
local function exported(trace_ids)
    assert(tracing.flush(10000))
    local global, others = {}, {}
    for _, e in ipairs(t.decode_file(file)) do
        if trace_ids[e.span.traceId] then
            local list = e.scope.name == "kt" and global or others
            list[#list + 1] = tree.from_otlp(e.span)
        end
    end
    return global, others
end

t.test("the handler encodes the same span tree as kt exports", function()
    local encoded = serve(nil)
    local records = {}
    for i, span in ipairs(encoded) do records[i] = tree.from_encoded(span) end
    t.eq(#records, 5, "kong, kong.router, kong.dns, kong.access.plugin.example, kong.balancer")
    local global, others = exported({ [records[1].trace_id] = true })
    local handler_tree, kt_tree = tree.print(records), tree.print(global)
    t.eq(handler_tree, kt_tree, "\nhandler:\n" .. handler_tree .. "\nkt:\n" .. kt_tree)
    t.eq(#others, 1, "the plugin's own tracer's span is exported, not visited")
    t.eq(others[1].name, "my-plugin.work")
    -- The tree is what the request made, not merely the same on both sides.
    t.ok(kt_tree:find('kong kind=2 status=0 trace=%x+ parent=%- start=[%d]+ end=[%d]+ {http.flavor="1.1", http.method="GET", http.status_code=200, http.url=') ~= nil, kt_tree)
    t.ok(kt_tree:find('\n  kong.balancer kind=3 status=0 .- {net.peer.ip="127.0.0.1", net.peer.port=8080, try_count=1}') ~= nil, kt_tree)
    t.ok(kt_tree:find('\n  kong.dns kind=3 status=2 .-\n    event exception at %d+ {exception.message="dns server error: 3 name error"}') ~= nil, kt_tree)
    t.ok(kt_tree:find('event cache.lookup at %d+ {cache.key="/kong", hit=false}') ~= nil, kt_tree)
end)

t.test("a trace id the handler writes at the log phase is the one kt exports", function()
    local trace_id = ("\171"):rep(16)
    local encoded = serve(trace_id)
    local records = {}
    for i, span in ipairs(encoded) do records[i] = tree.from_encoded(span) end
    t.eq(records[1].trace_id, ("ab"):rep(16))
    local global = exported({ [("ab"):rep(16)] = true })
    t.eq(#global, 5, "every span the handler visited was moved to the written trace")
    t.eq(tree.print(records), tree.print(global))
end)

t.test("the request gave its slots back", function()
    t.eq(tracing.counters().slots_in_use, 0)
end)

t.run()
