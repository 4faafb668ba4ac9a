-- Every code example of the seed (tracing-api.md), as written, with kong.tracing being kt's
-- tracing module. The seed's "ngx.now()" is given by a local stand-in outside Nginx.
local t = require "runner"
local tracing = require "kt.tracing"
local kong = { tracing = tracing }
local ngx = { now = function() return os.time() end }

local file = os.getenv("KT_TEST_DIR") .. "/test_seed.jsonl"
os.remove(file)
assert(tracing.init { exporter = "otlp", file = file })

local function exported(name)
    assert(tracing.flush(10000))
    local found = {}
    for _, e in ipairs(t.decode_file(file)) do
        if e.span.name == name then found[#found + 1] = e end
    end
    return found
end

t.test("Create a tracer", function()
    local tracer

    -- Create a new tracer
    tracer = kong.tracing.new("custom-tracer")

    -- Use the global tracer
    tracer = kong.tracing
    t.eq(tracer, tracing)
end)

t.test("Sampling traces", function()
    local tracer = kong.tracing.new("custom-tracer", {
      -- Set the sampling rate to 0.1
      sampling_rate = 0.1,
    })
    t.ok(tracer)
    local kept = 0
    for _ = 1, 2000 do
        local span = tracer:start_span("sampled?")
        if span.should_sample then kept = kept + 1 end
        span:finish()
    end
    t.ok(kept > 100 and kept < 300, "0.1 kept " .. kept .. " of 2000")
end)

t.test("Create a span", function()
    local tracer = kong.tracing

    local span = tracer:start_span("my-span")
    t.ok(span.should_sample)
    span:finish()
    t.eq(#exported("my-span"), 1)
end)

t.test("The span properties can be set by passing a table", function()
    local tracer = kong.tracing
    local span = tracer:start_span("my-span", {
      start_time_ns = ngx.now() * 1e9, -- override the start time
      span_kind = 2, -- SPAN_KIND
                      -- UNSPECIFIED: 0
                      -- INTERNAL: 1
                      -- SERVER: 2
                      -- CLIENT: 3
                      -- PRODUCER: 4
                      -- CONSUMER: 5
      should_sample = true, -- by setting it to `true` to ignore the sampling decision
    })
    span:finish() -- ends the span
    local spans = exported("my-span")
    local s = spans[#spans].span
    t.eq(s.kind, 2)
    t.eq(tonumber(s.startTimeUnixNano) % 1e9, 0, "the start is the whole second ngx.now() gave")
end)

t.test("Get/Set the active span", function()
    local tracer = kong.tracing
    local span = tracer:start_span("my-span")
    tracer.set_active_span(span)

    local active_span = tracer.active_span() -- returns the active span
    t.eq(active_span, span)
    span:finish()
end)

t.test("Scope", function()
    -- get global tracer's active span, and set it as the parent of new created span
    local global_tracer = kong.tracing
    local tracer = kong.tracing.new("custom-tracer")

    local root_span = global_tracer.active_span()
    local span = tracer.start_span("my-span", {
      parent = root_span
    })
    t.ok(tracing.is_span(span))
    span:finish()

    -- the same with a root span that is active
    local root = global_tracer:start_span("scope-root")
    global_tracer.set_active_span(root)
    root_span = global_tracer.active_span()
    span = tracer.start_span("scoped-child", {
      parent = root_span
    })
    span:finish()
    root:finish()
    t.eq(exported("scoped-child")[1].span.parentSpanId, exported("scope-root")[1].span.spanId)
    t.eq(exported("scoped-child")[1].scope.name, "custom-tracer")
end)

t.test("Set the span attributes", function()
    local tracer = kong.tracing
    local span = tracer:start_span("my-span")
    span:set_attribute("key", "value")
    span:finish()
    local spans = exported("my-span")
    t.eq(t.attribute(spans[#spans].span.attributes, "key"), "value")
end)

t.test("Set the span events", function()
    local span = kong.tracing:start_span("my-span")
    span:add_event("my-event", {
      -- attributes
      ["key"] = "value",
    })
    span:finish()
    local spans = exported("my-span")
    local event = spans[#spans].span.events[1]
    t.eq(event.name, "my-event")
    t.eq(t.attribute(event.attributes, "key"), "value")
end)

t.test("Record error message", function()
    local span = kong.tracing:start_span("my-span")
    span:record_error("my-error-message")

    -- or (same as above)
    span:add_event("exception", {
      ["exception.message"] = "my-error-message",
    })
    span:finish()
    local spans = exported("my-span")
    local events = spans[#spans].span.events
    t.eq(#events, 2)
    for _, event in ipairs(events) do
        t.eq(event.name, "exception")
        t.eq(t.attribute(event.attributes, "exception.message"), "my-error-message")
    end
end)

t.test("Set the span status", function()
    local span = kong.tracing:start_span("my-span")
    -- Status codes:
    -- - `0` unset
    -- - `1` ok
    -- - `2` error
    t.eq(span:set_status(2), true)
    span:finish()
    local spans = exported("my-span")
    t.eq(spans[#spans].span.status.code, 2)
end)

t.test("Release the span (optional)", function()
    local before = #exported("my-span")
    local span = kong.tracing:start_span("my-span")
    span:release()
    t.eq(#exported("my-span"), before)
end)

t.test("By default, the span will be released after the request ends", function()
    local span = kong.tracing:start_span("my-span")
    kong.tracing.end_request()
    t.fails("stale span", span:finish())
end)

t.run()
