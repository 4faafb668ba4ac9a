-- What requests send that libkt refuses or repairs: counted for the process, readable before init,
-- and text that is not UTF-8 recorded repaired by default.
local t = require "runner"
local tracing = require "kt.tracing"

local file = os.getenv("KT_TEST_DIR") .. "/test_input.jsonl"
os.remove(file)

local function exported(name)
    assert(tracing.flush(10000))
    for _, e in ipairs(t.decode_file(file)) do
        if e.span.name == name then return e.span end
    end
    error("no exported span named " .. name)
end

local function attribute(span, key)
    for _, a in ipairs(span.attributes) do
        if a.key == key then return a.value.stringValue end
    end
end

t.test("the input counters are readable before init", function()
    local c = assert(tracing.input_counters())
    t.eq(c.contexts_refused, 0)
    t.eq(c.values_repaired, 0)
    t.eq(next(c.refused), nil)
    assert(tracing.init { exporter = "otlp", file = file })
end)

t.test("text that is not UTF-8 is recorded with U+FFFD, and counted", function()
    local before = assert(tracing.input_counters()).values_repaired
    local span = tracing:start_span("GET /\255")
    t.eq(span:set_attribute("user_agent.original", "curl \255\254"), true)
    t.eq(span:set_attributes({ ["url.path"] = "/caf\233" }), true)
    span:finish()
    tracing.end_request()
    local s = exported("GET /\239\191\189")
    t.eq(attribute(s, "user_agent.original"), "curl \239\191\189\239\191\189")
    t.eq(attribute(s, "url.path"), "/caf\239\191\189")
    t.eq(assert(tracing.input_counters()).values_repaired, before + 3)
end)

t.test("refused headers are counted by format and reason", function()
    local before = assert(tracing.input_counters())
    t.eq(tracing.extract("w3c", { traceparent = "00-zz" }), nil)
    t.eq(tracing.extract("b3", { ["x-b3-traceid"] = "xyz", ["x-b3-spanid"] = "a2fb4a1d1a96d312" }), nil)
    tracing.end_request()
    local after = assert(tracing.input_counters())
    t.eq(after.contexts_refused, before.contexts_refused + 2)
    t.eq(after.refused.w3c.bad_length, ((before.refused.w3c or {}).bad_length or 0) + 1)
    t.eq(after.refused.b3.bad_trace_id, ((before.refused.b3 or {}).bad_trace_id or 0) + 1)
end)

t.test("a bad tracestate is dropped and counted, and the parent kept", function()
    local before = assert(tracing.input_counters()).tracestates_dropped
    t.eq(tracing.extract("w3c", { traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        tracestate = "Bad=1" }), "w3c")
    local span = tracing:start_span("child")
    t.eq(t.hex(span.trace_id), "0af7651916cd43dd8448eb211c80319c")
    span:finish()
    tracing.end_request()
    local after = assert(tracing.input_counters())
    t.eq(after.tracestates_dropped, before + 1)
    t.eq(after.tracestates.bad_key, 1)
end)

t.run()
