-- The whole of kt.tracing in plain LuaJIT: spans go to an OTLP JSON file that the OpenTelemetry
-- schema's own decoder reads back.
local t = require "runner"
local tracing = require "kt.tracing"

local file = os.getenv("KT_TEST_DIR") .. "/test_api.jsonl"
os.remove(file)

local function exported()
    assert(tracing.flush(10000))
    return t.decode_file(file)
end

local function find(spans, name)
    for _, entry in ipairs(spans) do
        if entry.span.name == name then return entry end
    end
    error("no exported span named " .. name)
end

t.test("the global tracer is a no-op before init, without touching libkt.so", function()
    local span = tracing:start_span("before")
    t.ok(tracing.is_span(span))
    t.eq(tostring(span), "kt span 0")
    t.eq(span:set_attribute("k", "v"), true)
    t.eq(span:add_event("e"), true)
    t.eq(span:finish(), true)
    t.eq(tracing.active_span(), nil)
    t.eq(tracing.set_active_span(span), true)
end)

t.test("init starts the engine with kt_init's settings", function()
    t.eq(tracing.init { exporter = "otlp", file = file, service_name = "lua-api", resource_attributes = { ["deployment.environment"] = "test" },
        max_spans = 256, schedule_delay_ms = 50 }, true)
end)

t.test("a span with every option and every kind of attribute arrives as written", function()
    local parent = tracing:start_span("parent")
    local span = tracing:start_span("everything", {
        start_time_ns = 1700000000000000000, span_kind = tracing.SPAN_KIND.SERVER, should_sample = true, parent = parent,
        attributes = { s = "text", i = 42, d = 1.5, b = true, strings = { "a", "b" }, ints = { 1, 2, 3 }, doubles = { 0.5, 2 }, bools = { true, false } },
    })
    t.eq(span:set_attribute("late", "yes"), true)
    t.eq(span:set_attribute("big", 2 ^ 53), true)
    t.eq(span:set_attribute("int64", 9007199254740993LL), true)
    t.eq(span:set_attribute("ignored", nil), true)
    t.eq(span:set_attributes({ ["table.s"] = "from a table", ["table.i"] = 7, ["table.ints"] = { 4, 5 } }), true)
    local ok, err = span:set_attributes({ ["table.bad"] = print, ["table.never"] = 1 })
    t.eq(ok, nil)
    t.ok(err:find("set_attributes", 1, true), err)
    t.eq(span:add_event("my-event", { key = "value", n = 7 }), true)
    t.eq(span:record_error("my-error-message"), true)
    t.eq(span:set_status(tracing.SPAN_STATUS.ERROR, "it broke"), true)
    t.eq(span:finish(1700000000000001000LL), true)
    t.eq(parent:finish(), true)

    local e = find(exported(), "everything")
    local s = e.span
    t.eq(s.kind, 2)
    t.eq(s.startTimeUnixNano, "1700000000000000000")
    t.eq(s.endTimeUnixNano, "1700000000000001000")
    t.eq(s.parentSpanId, find(exported(), "parent").span.spanId)
    t.eq(t.attribute(s.attributes, "s"), "text")
    t.eq(t.attribute(s.attributes, "i"), 42)
    t.eq(t.attribute(s.attributes, "d"), 1.5)
    t.eq(t.attribute(s.attributes, "b"), true)
    t.eq(table.concat(t.attribute(s.attributes, "strings"), ","), "a,b")
    t.eq(table.concat(t.attribute(s.attributes, "ints"), ","), "1,2,3")
    t.eq(table.concat(t.attribute(s.attributes, "doubles"), ","), "0.5,2")
    t.eq(t.attribute(s.attributes, "late"), "yes")
    t.eq(t.attribute(s.attributes, "big"), 2 ^ 53)
    t.eq(e.span.attributes[1] ~= nil, true)
    local int64
    for _, a in ipairs(s.attributes) do if a.key == "int64" then int64 = a.value.intValue end end
    t.eq(int64, "9007199254740993")
    t.eq(t.attribute(s.attributes, "ignored"), nil)
    t.eq(t.attribute(s.attributes, "table.s"), "from a table")
    t.eq(t.attribute(s.attributes, "table.i"), 7)
    t.eq(table.concat(t.attribute(s.attributes, "table.ints"), ","), "4,5")
    t.eq(t.attribute(s.attributes, "table.bad"), nil)
    t.eq(t.attribute(s.attributes, "table.never"), nil)
    t.eq(s.events[1].name, "my-event")
    t.eq(t.attribute(s.events[1].attributes, "key"), "value")
    t.eq(s.events[2].name, "exception")
    t.eq(t.attribute(s.events[2].attributes, "exception.message"), "my-error-message")
    t.eq(s.status.code, 2)
    t.eq(s.status.message, "it broke")
    t.eq(e.scope.name, "kt")
    t.eq(t.attribute(e.resource.attributes, "service.name"), "lua-api")
    t.eq(t.attribute(e.resource.attributes, "deployment.environment"), "test")
end)

t.test("spans are INTERNAL unless span_kind says otherwise", function()
    tracing:start_span("default-kind"):finish()
    t.eq(find(exported(), "default-kind").span.kind, 1)
end)

t.test("the active span parents new spans, and finishing it makes its parent active again", function()
    local root = tracing:start_span("root")
    t.eq(tracing.set_active_span(root), true)
    t.eq(tracing.active_span(), root)
    local child = tracing.start_span("child") -- a dot works as well as a colon
    t.eq(tracing.set_active_span(child), true)
    local grandchild = tracing:start_span("grandchild")
    t.eq(grandchild:finish(), true)
    t.eq(child:finish(), true)
    t.eq(tracing.active_span(), root)
    t.eq(root:finish(), true)
    t.eq(tracing.active_span(), nil)
    local spans = exported()
    local r, c, g = find(spans, "root").span, find(spans, "child").span, find(spans, "grandchild").span
    t.eq(c.parentSpanId, r.spanId)
    t.eq(g.parentSpanId, c.spanId)
    t.eq(g.traceId, r.traceId)
    t.eq(r.parentSpanId, nil)
end)

t.test("each tracer has its own scope and sampling rate; tracers share a namespace unless given one", function()
    local custom = assert(tracing.new("custom-tracer"))
    t.eq(tracing.new("custom-tracer"), custom, "the same name gives the same tracer")
    local apart = assert(tracing.new("apart", { namespace = "apart" }))
    local never = assert(tracing.new("never", { sampling_rate = 0 }))
    local root = tracing:start_span("global-root")
    tracing.set_active_span(root)
    t.eq(custom.active_span(), root, "the default namespace is shared")
    t.eq(apart.active_span(), nil, "another namespace has its own active span")
    local shared = custom:start_span("shared-child")
    t.eq(shared.trace_id, root.trace_id, "the global tracer's active span is its parent")
    shared:finish()
    local span = apart:start_span("custom-span")
    t.eq(span.trace_id ~= root.trace_id, true, "no active span in its namespace: a new trace")
    span:finish()
    root:finish()
    local unsampled = never:start_span("never-span")
    t.eq(unsampled.should_sample, false)
    unsampled:finish()
    local spans = exported()
    t.eq(find(spans, "custom-span").scope.name, "apart")
    t.eq(find(spans, "shared-child").scope.name, "custom-tracer")
    for _, e in ipairs(spans) do t.ok(e.span.name ~= "never-span", "an unsampled span was exported") end
end)

t.test("span fields: trace_id and span_id as binary strings, should_sample", function()
    local span = tracing:start_span("fields")
    t.eq(#span.trace_id, 16)
    t.eq(#span.span_id, 8)
    t.eq(span.should_sample, true)
    local traceparent = span:traceparent()
    t.eq(traceparent:sub(1, 53), "00-" .. t.hex(span.trace_id) .. "-" .. t.hex(span.span_id) .. "-")
    t.ok(traceparent:sub(54) == "01" or traceparent:sub(54) == "03", traceparent)
    span:finish()
    t.eq(span.trace_id, nil, "outside a request, a finished span is gone at once")
end)

t.test("release drops a span without exporting it", function()
    local span = tracing:start_span("released")
    t.eq(span:release(), true)
    t.fails("stale span", span:finish())
    for _, e in ipairs(exported()) do t.ok(e.span.name ~= "released") end
end)

t.test("create_span and link_span, as Kong's core uses them", function()
    local root = tracing:start_span("link-root")
    tracing.set_active_span(root)
    local created = tracing.create_span(nil, { span_kind = tracing.SPAN_KIND.CLIENT })
    t.eq(created.trace_id, root.trace_id, "the active span is the created span's parent")
    t.eq(tracing.link_span(created, "linked", { start_time_ns = 1700000000000000000, attributes = { x = 1 } }), created)
    local open = {}
    tracing.process_span(function(span, tag) open[#open + 1] = tostring(span) .. tag end, "!")
    t.eq(#open, 2, table.concat(open, " "))
    t.eq(open[1], tostring(root) .. "!", "oldest first")
    t.eq(tracing.get_root_span(), root)
    created:finish()
    root:finish()
    local s = find(exported(), "linked").span
    t.eq(s.kind, 3)
    t.eq(s.startTimeUnixNano, "1700000000000000000")
    t.eq(t.attribute(s.attributes, "x"), 1)
    t.eq(s.parentSpanId, find(exported(), "link-root").span.spanId)
end)

t.test("end_request releases what the context still holds", function()
    local forgotten = tracing:start_span("forgotten")
    local created = tracing:create_span()
    tracing:link_span(created, "created-and-linked")
    t.eq(tracing.end_request(), true)
    t.fails("stale span", forgotten:set_attribute("k", "v"))
    t.fails("stale span", created:finish())
    t.eq(tracing.get_root_span(), nil)
end)

t.test("set_should_sample(false) withdraws the request's open spans", function()
    local a = tracing:start_span("withdrawn-a")
    t.eq(tracing:set_should_sample(false), true)
    local b = tracing:start_span("withdrawn-b")
    t.eq(a.should_sample, false)
    t.eq(b.should_sample, false)
    a:finish() b:finish()
    for _, e in ipairs(exported()) do t.ok(not e.span.name:find("withdrawn"), e.span.name .. " was exported") end
    tracing.end_request()
    local c = tracing:start_span("after-end")
    t.eq(c.should_sample, true, "the next request samples again")
    c:finish()
end)

t.test("get_sampling_decision follows Kong's rules", function()
    t.eq(tracing:get_sampling_decision(nil, 1), false, "no root span")
    local root = tracing:start_span("decision-root")
    t.eq(tracing:get_sampling_decision(nil, 1), true)
    t.eq(tracing:get_sampling_decision(nil, 0), false)
    t.eq(tracing:get_sampling_decision(false, 1), false)
    -- Rates beyond 0 and 1 keep all or nothing, as Kong's sampler does; what is not a rate is refused.
    t.eq(tracing:get_sampling_decision(nil, 2), true)
    t.eq(tracing:get_sampling_decision(nil, -1), false)
    t.fails("sampling_rate", tracing:get_sampling_decision(nil, "half"))
    -- The same trace decides the same at any call; a lower rate keeps a subset.
    local kept = 0
    for _ = 1, 200 do
        tracing.end_request()
        local r = tracing:start_span("r")
        local at_half = tracing:get_sampling_decision(nil, 0.5)
        t.eq(tracing:get_sampling_decision(nil, 0.5), at_half)
        if tracing:get_sampling_decision(nil, 0.25) then t.eq(at_half, true) end
        if at_half then kept = kept + 1 end
        r:release()
    end
    t.ok(kept > 60 and kept < 140, "0.5 kept " .. kept .. " of 200")
    t.fails("stale span", root:release()) -- the first end_request released it
    tracing.end_request()
end)

t.test("counters count what happened", function()
    assert(tracing.flush(10000))
    local before = assert(tracing.counters())
    tracing:start_span("counted"):finish()
    assert(tracing.flush(10000))
    local after = assert(tracing.counters())
    t.eq(after.spans_started, before.spans_started + 1)
    t.eq(after.spans_exported, before.spans_exported + 1)
    t.ok(assert(tracing.exporter_counters()).spans_exported >= 1)
end)

t.test("shutdown exports what finished; spans after it are no-ops; init starts again", function()
    local span = tracing:start_span("before-shutdown")
    span:finish()
    t.eq(tracing.shutdown(10000), true)
    find(t.decode_file(file), "before-shutdown")
    local after = tracing:start_span("after-shutdown")
    t.eq(tostring(after), "kt span 0")
    t.eq(tracing.init { exporter = "otlp", file = file }, true)
    local custom = tracing.new("custom-tracer")
    local again = custom:start_span("after-restart")
    again:finish()
    find(exported(), "after-restart")
    t.eq(tracing.shutdown(10000), true)
end)

t.run()
