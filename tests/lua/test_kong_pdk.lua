-- The scenarios of Kong's PDK tracing tests (kong_pdk_scenarios.lua) in plain LuaJIT. As Kong's
-- own unit tests do, a stand-in ngx says every call is in a request's access phase; each
-- scenario has a request of its own (a fresh ngx.ctx), ended after it. Then what the requests
-- exported is read back with the OpenTelemetry schema's decoder.
local t = require "runner"

local logged = {}
local request_ctx = {}
rawset(_G, "ngx", {
    get_phase = function() return "access" end,
    var = {},
    WARN = 5,
    log = function(_, ...) logged[#logged + 1] = table.concat({ ... }) end,
})
setmetatable(ngx, { __index = function(_, key) if key == "ctx" then return request_ctx end end })

local tracing = require "kt.tracing"
local scenarios = require "kong_pdk_scenarios"

local file = os.getenv("KT_TEST_DIR") .. "/test_kong_pdk.jsonl"
os.remove(file)
-- No Nginx module ends these requests: the test does, with tracing.end_request().
assert(tracing.init { exporter = "otlp", file = file, keep_request_spans = true })

for _, scenario in ipairs(scenarios) do
    t.test(scenario.name, function()
        request_ctx = {}
        local ok, err = xpcall(scenario.run, debug.traceback, tracing)
        tracing.end_request()
        assert(ok, err)
    end)
end

t.test("what the scenarios' requests exported", function()
    assert(tracing.flush(10000))
    local by_name = {}
    for _, e in ipairs(t.decode_file(file)) do by_name[e.span.name] = e.span end
    t.eq(by_name["withdrawn-done"], nil, "set_should_sample(false) withdrew a finished span")
    t.eq(by_name["withdrawn-open"], nil)
    local root = by_name["written-root"]
    t.eq(root.traceId, ("05"):rep(16), "the trace id written at the end")
    t.eq(root.parentSpanId, ("04"):rep(8))
    t.eq(by_name["written-child"], nil, "should_sample = false withdrew it")
    t.eq(by_name["meow"].traceId, ("00"):rep(4) .. ("30"):rep(12), "the short trace_id, padded")
    t.eq(by_name["continued"].parentSpanId, ("02"):rep(8))
    t.eq(by_name["released"], nil)
    t.ok(by_name["walk-child"] ~= nil and by_name["walk-root"] ~= nil)
    t.eq(by_name["walk-child"].parentSpanId, by_name["walk-root"].spanId)
    t.eq(tracing.counters().slots_in_use, 0, "every request gave its slots back")
end)

t.test("failures were logged once each, at warning level", function()
    local counts = {}
    for _, line in ipairs(logged) do counts[line] = (counts[line] or 0) + 1 end
    local any = false
    for line, n in pairs(counts) do
        any = true
        t.eq(n, 1, line)
    end
    t.ok(any, "nothing was logged")
end)

t.run()
