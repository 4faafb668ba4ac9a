-- Wrong input gets nil and a message naming the problem; never a crash or a Lua error.
local t = require "runner"
local ffi = require "ffi"
local tracing = require "kt.tracing"

t.test("init refuses bad settings and names them", function()
    t.fails("settings must be a table", tracing.init("endpoint"))
    t.fails("max_spans", tracing.init { max_spans = "many" })
    t.fails("sampling_rate", tracing.init { sampling_rate = 2 })
    t.fails("no_such_setting", tracing.init { no_such_setting = 1 })
    t.fails("endpoint", tracing.init { endpoint = "not a url" })
    t.fails("headers", tracing.init { headers = { ["x"] = {} } })
    t.fails("names must be strings", tracing.init { [1] = "x" })
    t.fails("must be a string, a number or a boolean", tracing.init { service_name = function() end })
end)

t.test("a library that is not there is named", function()
    package.loaded["kt.native"].C = nil
    t.fails({ "libkt.so not found", "/no/such/libkt.so" }, tracing.init { libkt = "/no/such/libkt.so" })
end)

t.test("calls before init are no-ops", function()
    t.eq(tostring(tracing:start_span("x")), "kt span 0")
    t.fails("not running", tracing.flush())
    t.fails("not running", tracing.counters())
    t.fails("not running", tracing.shutdown())
end)

t.test("init after refusals works, and a second init keeps the engine", function()
    -- refusals of text that is not UTF-8 are what this file tests; the binding repairs it by default
    t.eq(tracing.init { max_spans = 8, invalid_utf8 = "refuse" }, true)
    t.eq(tracing.init { max_spans = 16 }, true)
end)

t.test("start_span never returns nil: bad names and options give the no-op span and the reason", function()
    t.refused({ "bad argument #1", "start_span", "string expected, got nil" }, tracing:start_span())
    t.refused("got number", tracing.start_span(42))
    t.refused("an empty string", tracing.start_span(""))
    t.refused("options", tracing:start_span("x", "not a table"))
    t.refused("span_kind", tracing:start_span("x", { span_kind = 9 }))
    t.refused("span_kind", tracing:start_span("x", { span_kind = 1.5 }))
    t.refused("start_time_ns", tracing:start_span("x", { start_time_ns = -1 }))
    t.refused("start_time_ns", tracing:start_span("x", { start_time_ns = 0 / 0 }))
    t.refused("should_sample", tracing:start_span("x", { should_sample = 1 }))
    t.refused("parent", tracing:start_span("x", { parent = {} }))
    t.refused("trace_id", tracing:start_span("x", { trace_id = 42 }))
    t.refused("options.attributes", tracing:start_span("x", { attributes = "k=v" }))
    t.refused({ "name", "UTF-8" }, tracing:start_span("\255\254", { should_sample = true }))
    t.eq(tracing.counters().slots_in_use, 0, "a refused span takes no slot")
end)

t.test("start_span leaves out the attributes it cannot take and starts the span", function()
    local span, err = tracing:start_span("x", { attributes = { f = print, good = 1 } })
    t.ok(tostring(span) ~= "kt span 0", "the span started")
    t.ok(err:find("options.attributes", 1, true) and err:find("f has a value of type function", 1, true), err)
    t.eq(span.attributes.good, 1)
    t.eq(span.attributes.f, nil)
    t.eq(span:release(), true)
    -- Bad UTF-8 only the engine sees: the others still arrive, and the bad one is named.
    span, err = tracing:start_span("x", { attributes = { k = "\192\128", ok = "yes" } })
    t.ok(tostring(span) ~= "kt span 0", "the span started")
    t.ok(err:find("UTF-8", 1, true) and err:find("options.attributes", 1, true), err)
    t.eq(span.attributes.ok, "yes")
    t.eq(span.attributes.k, nil)
    t.eq(span:release(), true)
    -- Kong's own test passes a list where a table of attributes goes: its entries are refused.
    span, err = tracing:start_span("x", { attributes = { "key1", "value1" } })
    t.ok(tostring(span) ~= "kt span 0", "the span started")
    t.ok(err:find("keys must be strings", 1, true), err)
    t.eq(next(span.attributes), nil)
    t.eq(span:release(), true)
    t.eq(tracing.counters().slots_in_use, 0)
end)

t.test("span methods refuse bad arguments", function()
    local span = tracing:start_span("target")
    t.fails({ "set_attribute", "string expected, got nil" }, span:set_attribute(nil, 1))
    t.fails("NaN", span:set_attribute("k", 0 / 0))
    t.fails("type function", span:set_attribute("k", print))
    t.fails("one type", span:set_attribute("k", { 1, "two" }))
    t.fails("UTF-8", span:set_attribute("k", "\237\160\128"))
    t.fails({ "set_attributes", "table expected, got string" }, span:set_attributes("k"))
    t.fails("type function", span:set_attributes({ k = print }))
    t.fails("UTF-8", span:set_attributes({ k = "\237\160\128" }))
    t.fails({ "set_attribute", "key", "empty" }, span:set_attribute("", "v"))
    t.fails({ "set_attribute", "key" }, span:set_attribute("", 1))
    t.fails({ "set_attribute", "key" }, span:set_attribute("", { 1, 2 }))
    t.fails({ "set_attributes", "key" }, span:set_attributes({ [""] = 1, fine = 2 }))
    t.fails({ "add_event", "key" }, span:add_event("e", { [""] = 1 }))
    -- start_span never fails for its attributes: the span starts, the empty key is named
    local started, start_err = tracing:start_span("x", { attributes = { [""] = 1 } })
    t.ok(tostring(started) ~= "kt span 0", "the span started")
    t.ok(start_err and start_err:find("key", 1, true), start_err)
    t.eq(started:release(), true)
    t.fails({ "add_event", "string expected" }, span:add_event(nil))
    t.fails("attributes", span:add_event("e", "x"))
    t.fails("time_ns", span:add_event("e", nil, -5))
    t.fails("set_status", span:set_status("error"))
    t.fails("not a status code", span:set_status(7))
    t.fails("set_status", span:set_status(2, 3))
    t.fails("finish", span:finish("now"))
    t.fails("end_time_ns", span:finish(-1))
    t.fails("set_active_span", tracing.set_active_span("span"))
    t.fails("update_name", span:update_name(5))
    t.eq(span:record_error(nil), true, "record_error takes anything, as Kong's does")
    t.eq(span:finish(), true, "the span survived every refusal")
end)

t.test("a span used after finish or release is reported stale", function()
    local span = tracing:start_span("done")
    span:finish()
    for _, call in ipairs {
        function() return span:finish() end,
        function() return span:set_attribute("k", "v") end,
        function() return span:set_attribute("k", 1) end,
        function() return span:set_attribute("k", { 1 }) end,
        function() return span:set_attributes({ k = 1 }) end,
        function() return span:add_event("e") end,
        function() return span:record_error("e") end,
        function() return span:set_status(2) end,
        function() return span:release() end,
        function() return span:update_name("n") end,
        function() return tracing.set_active_span(span) end,
        function() return tracing.link_span(span, "n") end,
    } do
        t.fails("stale span", call())
    end
    local released = tracing:start_span("released")
    released:release()
    t.fails("stale span", released:set_attribute("k", "v"))
    t.eq(span.trace_id, nil)
end)

t.test("a forged span handle is refused, never used", function()
    local forged = ffi.new("kt_lua_span", 0x123456789abcdefULL)
    t.fails("not a span of this engine", forged:set_attribute("k", "v"))
    t.fails("not a span of this engine", forged:set_attributes({ k = "v" }))
    t.fails("not a span of this engine", forged:finish())
end)

t.test("running out of slots gives no-op spans, counted", function()
    local spans = {}
    for i = 1, 20 do spans[i] = tracing:start_span("many") end
    local noops = 0
    for i = 1, 20 do if tostring(spans[i]) == "kt span 0" then noops = noops + 1 end end
    t.ok(noops > 0, "max_spans = 8 and 20 open spans")
    t.ok(tracing.counters().dropped_no_slot >= noops)
    for i = 1, 20 do t.eq(spans[i]:finish(), true) end
end)

t.test("tracing.new refuses bad names and options", function()
    t.fails("non-empty string", tracing.new(""))
    t.fails("non-empty string", tracing.new(42))
    t.eq(tracing.new(nil).name, "default", "Kong's default name")
    t.fails("table expected", tracing.new("x", 1))
    t.fails("sampling_rate", tracing.new("x", { sampling_rate = 1.5 }))
    t.fails("sampling_rate", tracing.new("x", { sampling_rate = "half" }))
    t.fails("namespace", tracing.new("x", { namespace = 5 }))
end)

t.test("Kong's extras refuse bad arguments", function()
    t.fails("process_span", tracing.process_span("not a function"))
    t.fails("set_should_sample", tracing:set_should_sample("yes"))
    t.fails("get_sampling_decision", tracing:get_sampling_decision("yes"))
    t.fails("link_span", tracing.link_span({}, "x"))
    t.refused("create_span", tracing.create_span(nil, { span_kind = -1 }))
end)

t.test("finish refuses an end before the start and the span stays open", function()
    assert(tracing.flush(10000)) -- the slots the test before used are free again
    local span = assert(tracing:start_span("timed", { start_time_ns = 1.7e18 }))
    t.ok(tostring(span) ~= "kt span 0", "a slot was free")
    t.fails({ "finish", "end_time_ns", "before the span's start" }, span:finish(1))
    t.eq(span.is_recording, true)
    t.eq(span:set_attribute("still", "open"), true)
    t.eq(span:finish(1.7e18 + 256), true)
    t.fails("stale span", span:finish())
end)

t.test("calls after shutdown are no-ops or say the engine stopped", function()
    local open = tracing:start_span("open at shutdown")
    t.eq(tracing.shutdown(5000), true)
    t.eq(tostring(tracing:start_span("after")), "kt span 0")
    local _, err = open:finish()
    t.ok(err == nil or err:find("not initialised", 1, true), err)
    t.fails("not running", tracing.shutdown())
    t.fails("not running", tracing.flush())
    -- The counters stay readable until the next init.
    t.ok(assert(tracing.counters()).spans_started > 0)
end)

t.test("flush and shutdown say how many spans were lost", function()
    -- A port nobody listens on: every export is refused until its 300 ms are up.
    local port = 1
    t.eq(tracing.init { max_spans = 64, exporter = "otlp", endpoint = "http://127.0.0.1:" .. port .. "/v1/traces", timeout_ms = 300 }, true)
    for _ = 1, 3 do tracing:start_span("lost"):finish() end
    t.fails({ "tracing.flush", "3 spans lost" }, tracing.flush(30000))
    t.eq(tracing.flush(30000), true)
    tracing:start_span("lost at shutdown"):finish()
    t.fails({ "tracing.shutdown", "1 span lost" }, tracing.shutdown(30000))
    local counters = assert(tracing.counters())
    t.eq(counters.export_failed_spans, 4)
    t.eq(assert(tracing.exporter_counters()).spans_failed, 4)
    t.fails("not running", tracing.flush())
end)

t.run()
