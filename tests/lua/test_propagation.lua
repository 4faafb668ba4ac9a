-- Trace context in and out through kt.tracing, in every format the engine knows.
local t = require "runner"
local tracing = require "kt.tracing"

local file = os.getenv("KT_TEST_DIR") .. "/test_propagation.jsonl"
os.remove(file)
assert(tracing.init { exporter = "otlp", file = file })

local function exported(name)
    assert(tracing.flush(10000))
    for _, e in ipairs(t.decode_file(file)) do
        if e.span.name == name then return e.span end
    end
    error("no exported span named " .. name)
end

local SIXTY_FOUR_BIT = { datadog = true }

for _, format in ipairs(tracing.PROPAGATION_FORMATS) do
    t.test(format .. ": a span injected is continued by the next service", function()
        local caller = tracing:start_span("caller-" .. format)
        local headers = assert(caller:inject(format))
        t.ok(next(headers) ~= nil, "no headers written")
        for name in pairs(headers) do t.eq(name, name:lower(), "names are lower case") end
        local caller_trace, caller_span = t.hex(caller.trace_id), t.hex(caller.span_id)
        caller:finish()
        tracing.end_request()

        t.eq(tracing.extract({ format }, headers), format)
        local callee = tracing:start_span("callee-" .. format)
        callee:finish()
        tracing.end_request()
        local s = exported("callee-" .. format)
        if SIXTY_FOUR_BIT[format] and s.traceId ~= caller_trace then
            t.eq(s.traceId:sub(17), caller_trace:sub(17))
        else
            t.eq(s.traceId, caller_trace)
        end
        t.eq(s.parentSpanId, caller_span)
    end)
end

t.test("the first format present decides; none present starts a new trace", function()
    local caller = tracing:start_span("first")
    local b3 = assert(caller:inject("b3"))
    local trace = t.hex(caller.trace_id)
    caller:finish()
    tracing.end_request()
    t.eq(tracing.extract({ "w3c", "jaeger", "b3" }, b3), "b3")
    local child = tracing:start_span("decided-by-b3")
    t.eq(t.hex(child.trace_id), trace)
    child:release()
    tracing.end_request()
    t.eq(tracing.extract({ "w3c", "aws" }, b3), false)
    local root = tracing:start_span("fresh")
    t.ok(t.hex(root.trace_id) ~= trace)
    root:release()
    tracing.end_request()
end)

t.test("header names match in any case; a list of values is one line each", function()
    t.eq(tracing.extract("w3c", { TraceParent = { "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", " " } }), "w3c")
    local span = tracing:start_span("cased")
    t.eq(t.hex(span.trace_id), "0af7651916cd43dd8448eb211c80319c")
    span:release()
    tracing.end_request()
end)

t.test("tracestate lines are one list, carried on by an unsampled span", function()
    t.eq(tracing.extract("w3c", {
        traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
        tracestate = { "foo=1,bar=2", "", "rojo=1 , foo=3" },
    }), "w3c")
    local span = tracing:start_span("unsampled")
    t.eq(span.should_sample, false)
    local headers = assert(span:inject("w3c"))
    t.eq(headers.tracestate, "foo=1,bar=2,rojo=1")
    t.eq(headers.traceparent:sub(1, 36), "00-0af7651916cd43dd8448eb211c80319c-")
    span:release()
    tracing.end_request()
end)

t.test("two traceparent lines are refused and a new trace starts", function()
    t.fails({ "traceparent", "more than one line" }, tracing.extract("w3c", {
        traceparent = { "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        tracestate = "foo=1",
    }))
    local span = tracing:start_span("fresh after two")
    t.ok(t.hex(span.trace_id) ~= "0af7651916cd43dd8448eb211c80319c")
    t.eq(assert(span:inject("w3c")).tracestate, nil)
    span:release()
    tracing.end_request()
end)

t.test("datadog injects nothing for a trace whose low 64 bits are zero", function()
    t.eq(tracing.extract("w3c", { traceparent = "00-0af7651916cd43dd0000000000000000-b7ad6b7169203331-01" }), "w3c")
    local span = tracing:start_span("low zero")
    t.eq(next(assert(span:inject("datadog"))), nil)
    t.ok(assert(span:inject("b3"))["x-b3-traceid"] == "0af7651916cd43dd0000000000000000")
    span:release()
    tracing.end_request()
end)

t.test("malformed headers are refused, named, and start a new trace", function()
    local cases = {
        w3c = { traceparent = "00-zzz-b7ad6b7169203331-01" },
        b3 = { ["x-b3-traceid"] = "not-hex", ["x-b3-spanid"] = "b7ad6b7169203331" },
        ["b3-single"] = { b3 = "0af7651916cd43dd8448eb211c80319c-" },
        jaeger = { ["uber-trace-id"] = "0af7651916cd43dd:b7ad6b7169203331" },
        ot = { ["ot-tracer-traceid"] = "0af7651916cd43dd", ["ot-tracer-spanid"] = "0000000000000000" },
        datadog = { ["x-datadog-trace-id"] = "99999999999999999999999", ["x-datadog-parent-id"] = "1" },
        aws = { ["x-amzn-trace-id"] = "Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8" },
        gcp = { ["x-cloud-trace-context"] = "0af7651916cd43dd8448eb211c80319c/abc;o=1" },
    }
    for format, headers in pairs(cases) do
        local name = next(headers)
        local ok, err = tracing.extract(format, headers)
        t.eq(ok, nil, format .. " accepted " .. name)
        t.ok(err:lower():find(name, 1, true) ~= nil or err:lower():find(format, 1, true) ~= nil, err)
        local span = tracing:start_span("after-malformed")
        t.ok(span.trace_id ~= nil)
        span:release()
        tracing.end_request()
    end
end)

t.test("bad arguments are named", function()
    t.fails({ "unknown format", "zipkin" }, tracing.extract("zipkin", {}))
    t.fails("formats", tracing.extract({}, {}))
    t.fails("table expected", tracing.extract("w3c", "traceparent"))
    t.fails("must map a string", tracing.extract("w3c", { traceparent = 5 }))
    t.fails("must map a string", tracing.extract("w3c", { tracestate = { "a=1", 5 } }))
    local span = tracing:start_span("x")
    t.fails("unknown format", span:inject("zipkin"))
    span:finish()
    t.fails("stale span", span:inject("b3"))
    t.fails("no-op span", require("kt.span").NOOP:inject())
end)

t.run()
