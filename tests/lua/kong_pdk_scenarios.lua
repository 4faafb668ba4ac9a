-- The scenarios of Kong's PDK tracing tests (its tracer PDK spec and its Nginx context tests),
-- written again for kt.tracing: what they check, and where kt differs on purpose, what kt does
-- instead (bindings/lua/README.md lists the differences). Each scenario runs in a request of its
-- own: in plain LuaJIT under a stand-in ngx (test_kong_pdk.lua), and in Nginx one HTTP request
-- per scenario, with and without the kt module (kong_pdk_location.lua). With the kt module, the
-- module's SERVER span is the request's first span and the active span of the shared namespace,
-- so a scenario's own first span is its child.
local t = require "runner"

local function is_noop(span)
    return tostring(span) == "kt span 0"
end

local scenarios = {}
local function scenario(name, run)
    scenarios[#scenarios + 1] = { name = name, run = run }
end

scenario("a tracer is made with new, or by calling a tracer", function(tracing)
    local tracer = assert(tracing.new("tracer"))
    t.eq(tracer.name, "tracer")
    t.eq(tracing("tracer"), tracer, "a tracer is callable, as Kong's")
    t.eq(tracer("tracer"), tracer)
    t.eq(tracing.new().name, "default", "without a name")
end)

scenario("the no-op tracer has every function of a real tracer and makes no-op spans", function(tracing)
    local real = tracing.new("real")
    local noop = tracing.new("noop", { noop = true })
    t.eq(noop.name, "noop")
    for key, value in pairs(real) do
        if type(value) == "function" then t.ok(type(noop[key]) == "function", "the no-op tracer lacks " .. key) end
    end
    local span = noop.start_span("meow")
    t.ok(is_noop(span))
    t.eq(span.span_id, nil)
    t.eq(span.tracer, nil)
    t.eq(span.is_recording, false)
    t.eq(span:set_attribute("foo", "bar"), true)
    t.eq(span:add_event("foo", { bar = "baz" }), true)
    t.eq(span:finish(), true)
    t.eq(noop.get_root_span(), nil)
end)

scenario("set_global_tracer makes a tracer kong.tracing", function(tracing)
    local previous = rawget(_G, "kong")
    rawset(_G, "kong", { tracing = tracing })
    local replacement = tracing.new("instrument", { sampling_rate = 0.5 })
    t.eq(tracing.set_global_tracer(replacement), true)
    t.eq(kong.tracing, replacement)
    t.fails("set_global_tracer", tracing.set_global_tracer("not a tracer"))
    t.eq(kong.tracing, replacement)
    rawset(_G, "kong", previous)
end)

scenario("start_span without a name or with bad options returns the no-op span and why, never raising", function(tracing)
    local tracer = tracing.new("normal")
    -- Kong raises an error here; kt returns the no-op span, so that instrumentation cannot
    -- break the request, and the reason as a second value.
    t.refused("start_span", tracer.start_span())
    t.refused("an empty string", tracer.start_span(""))
    t.refused("start_time_ns", tracer.start_span("meow", { start_time_ns = "" }))
    t.refused("span_kind", tracer.start_span("meow", { span_kind = "" }))
    t.refused("should_sample", tracer.start_span("meow", { should_sample = "" }))
    t.refused("attributes", tracer.start_span("meow", { attributes = "" }))
    -- And the no-op span takes every call, so code written for a real span runs on.
    local span = tracer.start_span("")
    t.eq(span:set_attribute("k", "v"), true)
    t.eq(span:finish(), true)
end)

scenario("a span has a 16-byte trace id, an 8-byte span id and a start time", function(tracing)
    local span = tracing.new("normal").start_span("meow")
    t.eq(#span.trace_id, 16)
    t.eq(#span.span_id, 8)
    t.ok(span.start_time_ns > 0)
    t.eq(span.end_time_ns, nil)
    span:finish()
end)

scenario("start_span takes Kong's options: trace_id, parent_id, should_sample, attributes", function(tracing)
    local tracer = tracing.new("normal", { namespace = "options" })
    local tpl = {
        trace_id = "000000000000",
        start_time_ns = 1700000000 * 1e9,
        parent_id = "",
        should_sample = true,
        attributes = { "key1", "value1" },
    }
    local span, err = tracer.start_span("meow", tpl)
    t.ok(not is_noop(span), "the span started")
    -- kt's ids are OpenTelemetry's sizes: a shorter id is padded on the left with zero bytes,
    -- as Kong's own encoder does when it exports it.
    t.eq(span.trace_id, ("\0"):rep(4) .. "000000000000")
    t.eq(span.parent_id, nil, "an empty parent_id is no parent")
    t.eq(span.name, "meow")
    t.eq(span.start_time_ns, 1700000000 * 1e9)
    t.eq(span.should_sample, true)
    t.eq(span.kind, tracing.SPAN_KIND.INTERNAL)
    t.eq(span.linked, true)
    -- A list is not a table of attributes: its entries are refused and named, the span starts.
    t.ok(err and err:find("keys must be strings", 1, true), tostring(err))
    t.eq(next(span.attributes), nil)
    t.eq(span:finish(), true)

    local trace_id, parent_id = ("\1"):rep(16), ("\2"):rep(8)
    local continued = tracer.start_span("continued", { trace_id = trace_id, parent_id = parent_id })
    t.eq(continued.trace_id, trace_id)
    t.eq(continued.parent_id, parent_id)
    t.eq(continued.parent, nil, "the parent is in another process")
    continued:finish()
end)

scenario("set_attribute: nil removes, arrays of one type are kept, maps and functions are refused", function(tracing)
    local span = tracing.new("normal").start_span("meow")
    t.eq(span:set_attribute("key1"), true, "a nil value is allowed")
    t.eq(span.attributes.key1, nil)
    t.eq(span:set_attribute("key1", "value1"), true)
    t.eq(span.attributes.key1, "value1")
    t.eq(span:set_attribute("key1"), true)
    t.eq(span.attributes.key1, nil, "nil removes the attribute")
    -- Kong logs a function value and keeps it; kt refuses it with a message.
    t.fails("function", span:set_attribute("key1", function() end))
    t.fails("set_attribute", span:set_attribute(123, 123))
    t.eq(span:set_attribute("key1", { "value1", "value2" }), true)
    t.eq(table.concat(span.attributes.key1, ","), "value1,value2")
    -- Kong sends a map as an OpenTelemetry kvlist; span attributes are values or arrays of one
    -- type in OpenTelemetry, so kt refuses a map rather than send part of it.
    t.fails("not an array", span:set_attribute("key2", { key1 = "value1", key2 = "value2" }))
    t.eq(span.attributes.key2, nil)
    span:finish()
end)

scenario("add_event refuses bad names and attributes", function(tracing)
    local span = tracing.new("normal").start_span("meow")
    t.fails("attributes", span:add_event("key1", 123))
    t.fails("attributes", span:add_event("key1", function() end))
    t.fails("add_event", span:add_event(123, {}))
    t.eq(span:add_event("key1", { k = "v" }, 1700000000000000000), true)
    local events = span.events
    t.eq(#events, 1)
    t.eq(events[1].name, "key1")
    t.eq(events[1].time_ns, 1700000000000000000)
    t.eq(events[1].attributes.k, "v")
    span:finish()
end)

scenario("child spans: the active span is the parent", function(tracing)
    local tracer = tracing.new("normal")
    local root = tracer.start_span("parent")
    tracer.set_active_span(root)
    local child = tracer.start_span("child")
    t.eq(child.parent_id, root.span_id)
    t.eq(child.trace_id, root.trace_id)
    local second = tracer.start_span("child2")
    t.eq(second.parent_id, root.span_id)
    t.ok(child.span_id ~= second.parent_id)
    tracer.set_active_span(child)
    local third = tracer.start_span("child2")
    t.eq(third.parent_id, child.span_id)
    for _, s in ipairs { third, second, child, root } do s:finish() end
end)

scenario("cascade: finishing a span makes its parent active again", function(tracing)
    local tracer = tracing.new("normal")
    local outer = tracer.active_span()
    local root = tracer.start_span("root")
    tracer.set_active_span(root)
    t.eq(tracer.active_span(), root)
    local level1 = tracer.start_span("level1")
    t.eq(level1.parent, root)
    tracer.set_active_span(level1)
    t.eq(tracer.active_span(), level1)
    local level2 = tracer.start_span("level2")
    t.eq(level2.parent, level1)
    local level21 = tracer.start_span("level2.1")
    t.eq(level21.parent, level1)
    level21:finish()
    tracer.set_active_span(level2)
    t.eq(tracer.active_span(), level2)
    local level3 = tracer.start_span("level3")
    t.eq(level3.parent, level2)
    level3:finish()
    level2:finish()
    t.eq(tracer.active_span(), level1)
    level1:finish()
    t.eq(tracer.active_span(), root)
    root:finish()
    t.eq(tracer.active_span(), outer)
end)

scenario("a finished span can be finished again without raising, and keeps its fields until the request ends", function(tracing)
    local tracer = tracing.new("normal")
    local span = tracer.start_span("meow")
    tracer.set_active_span(span)
    local sub = tracer.start_span("sub")
    sub:finish()
    t.eq(tracer.active_span(), span)
    t.eq(span:finish(), true)
    -- Kong ignores a second finish; kt says so (stale span) without raising.
    t.fails("stale span", span:finish())
    t.eq(span.name, "meow", "a finished span's fields are still readable")
    t.ok(span.end_time_ns >= span.start_time_ns)
    t.eq(sub.parent, span)
end)

scenario("an end time before the start leaves the span open and says why", function(tracing)
    local span = tracing.new("normal").start_span("invalid")
    t.fails("before the span's start", span:finish(1))
    t.eq(span.end_time_ns, nil, "still open")
    t.eq(span:finish(), true)
end)

scenario("release: the span is gone", function(tracing)
    local span = tracing.new("normal").start_span("foo")
    t.eq(span:release(), true)
    -- Kong empties the span's table; kt's handle is stale: no field, every call refused.
    t.eq(span.name, nil)
    t.eq(span.trace_id, nil)
    t.fails("stale span", span:set_attribute("k", "v"))
end)

scenario("the sampler keeps its rate's share of trace ids of 8 to 32 bytes and decides the same for the same id", function(tracing)
    local function random_bytes(n)
        local bytes = {}
        for i = 1, n do bytes[i] = string.char(math.random(0, 255)) end
        return table.concat(bytes)
    end
    for _, length in ipairs { 8, 16, 9, 32, 5 } do
        local rate = 0.5 + math.random(-10000, 10000) * 0.0000001
        local tracer = tracing.new("sampled", { sampling_rate = rate })
        if length < 8 then
            local sampled, err = tracer.sampler(random_bytes(length))
            t.eq(sampled, nil)
            t.ok(err:find("at least 8 bytes", 1, true), err)
        else
            local kept, decided = 0, {}
            for _ = 1, 10000 do
                local id = random_bytes(length)
                local sampled = tracer.sampler(id)
                if sampled then kept = kept + 1 end
                decided[id] = sampled
            end
            t.ok(math.abs(kept / 10000 - rate) < 0.02, ("%d-byte ids: kept %.4f at rate %.4f"):format(length, kept / 10000, rate))
            local checked = 0
            for id, sampled in pairs(decided) do
                t.eq(tracer.sampler(id), sampled)
                checked = checked + 1
                if checked > 100 then break end
            end
        end
    end
end)

scenario("the active span set in one place is seen by the tracer of that name, and names its tracer", function(tracing)
    local tracer = tracing.new("t")
    local span = tracer.start_span("access")
    tracer.set_active_span(span)
    local active = tracing("t").active_span()
    t.eq(active, span)
    t.eq(active.name, "access")
    t.eq(active.tracer, tracer)
    t.eq(active.tracer.name, "t")
    span:finish()
end)

scenario("tracers share one namespace unless given one", function(tracing)
    local first, second = tracing.new("first"), tracing.new("second")
    local own = tracing.new("own", { namespace = "OWN" })
    local root = first.start_span("shared-root")
    first.set_active_span(root)
    t.eq(second.active_span(), root, "a second tracer sees the first one's active span")
    t.eq(tracing.active_span(), root, "so does the global tracer")
    t.ok(own.active_span() ~= root)
    local child = second.start_span("shared-child")
    t.eq(child.parent, root)
    child:finish()
    root:finish()
end)

scenario("process_span and get_root_span see the request's spans, finished ones included", function(tracing)
    local tracer = tracing.new("walker")
    local outer = tracing.get_root_span()
    local root = tracer.start_span("walk-root")
    tracer.set_active_span(root)
    local child = tracer.start_span("walk-child")
    child:finish()
    local other = tracing.new("someone-else").start_span("not visited")
    other:finish()
    root:finish()
    t.eq(tracer.get_root_span(), outer or root, "the first span, finished or not")
    local seen = {}
    tracer.process_span(function(span, tag)
        seen[#seen + 1] = span.name .. tag
    end, "!")
    -- Kong visits the spans of the tracers of this tracer's name.
    t.eq(table.concat(seen, ","), "walk-root!,walk-child!")
    local all = tracer.get_spans()
    t.eq(all[#all], other, "get_spans lists the namespace's spans, oldest first")
end)

scenario("Kong's span lists in ngx.ctx: KONG_SPANS and a namespace's own", function(tracing)
    local outer = tracing.get_root_span()
    local root = tracing.start_span("listed-root")
    local own = tracing.new("own", { namespace = "OWN" })
    t.eq(own.spans_table_key, "OWN_SPANS")
    t.eq(tracing.spans_table_key, "KONG_SPANS")
    t.eq(ngx.ctx.OWN_SPANS, nil, "no list while a namespace has no span")
    local mine = own.start_span("own-span")
    root:finish()
    local spans = ngx.ctx.KONG_SPANS
    t.eq(spans[1], outer or root, "KONG_SPANS[1] is the request's root span")
    t.eq(spans[#spans], root)
    t.eq(#ngx.ctx.OWN_SPANS, 1)
    t.eq(ngx.ctx.OWN_SPANS[1], mine)
    t.eq(ngx.ctx.KONG_SPANS, spans, "the same list while the spans are the same")
    local later = tracing.start_span("later")
    t.eq(ngx.ctx.KONG_SPANS[#ngx.ctx.KONG_SPANS], later, "a new span is listed last")
    later:finish()
    mine:finish()
end)

scenario("set_should_sample(false) withdraws the request's spans, finished ones too", function(tracing)
    local tracer = tracing.new("normal")
    local done = tracer.start_span("withdrawn-done")
    done:finish()
    local open = tracer.start_span("withdrawn-open")
    t.eq(done.should_sample, true)
    t.eq(tracer:set_should_sample(false), true)
    t.eq(done.should_sample, false)
    t.eq(open.should_sample, false)
    open:finish()
end)

scenario("a child of an unsampled parent stays unsampled, even with should_sample = true", function(tracing)
    local tracer = tracing.new("normal", { namespace = "unsampled" })
    local parent = tracer.start_span("unsampled parent", { should_sample = false })
    t.eq(parent.should_sample, false)
    tracer.set_active_span(parent)
    local child = tracer.start_span("child", { should_sample = true })
    t.eq(child.should_sample, false, "the parent decides, as in Kong: a trace is exported whole or not at all")
    local explicit = tracer.start_span("explicit parent", { parent = parent, should_sample = true })
    t.eq(explicit.should_sample, false)
    explicit:finish()
    child:finish()
    parent:finish()
    local root = tracer.start_span("root", { should_sample = true })
    t.eq(root.should_sample, true, "without a parent, should_sample decides")
    root:finish()
end)

scenario("the fields Kong's opentelemetry plugin writes take effect and never raise", function(tracing)
    local tracer = tracing.new("normal", { namespace = "writes" })
    local root = tracer.start_span("written-root")
    local trace_id, parent_id = ("\3"):rep(16), ("\4"):rep(8)
    root.trace_id = trace_id
    root.parent_id = parent_id
    t.eq(root.trace_id, trace_id)
    t.eq(root.parent_id, parent_id)
    tracer.set_active_span(root)
    local child = tracer.start_span("written-child")
    t.eq(child.trace_id, trace_id, "spans started after join the written trace")
    child.should_sample = false
    t.eq(child.should_sample, false)
    -- Fields that are not Kong's are kept with the request, as on Kong's span tables.
    child.plugin_note = "mine"
    t.eq(child.plugin_note, "mine")
    t.eq(root.plugin_note, nil)
    -- Fields kt computes, and writes on a span that is gone, are ignored without raising.
    child.span_id = "x"
    t.eq(#child.span_id, 8)
    child:finish()
    root:finish()
    root.trace_id = ("\5"):rep(16)
    t.eq(root.trace_id, ("\5"):rep(16), "a finished span the request keeps takes it too")
    local released = tracer.start_span("released")
    released:release()
    released.trace_id = trace_id
    released.should_sample = false
    t.eq(released.trace_id, nil)
end)

scenario("get_sampling_decision follows Kong's rules", function(tracing)
    local tracer = tracing.new("decider", { namespace = "decisions" })
    t.eq(tracer:get_sampling_decision(nil, 1), false, "no root span")
    local root = tracer.start_span("root")
    t.eq(tracer:get_sampling_decision(nil, 1), true)
    t.eq(tracer:get_sampling_decision(nil, 0), false)
    t.eq(tracer:get_sampling_decision(false, 1), false, "the parent said no")
    t.eq(tracer:get_sampling_decision(true, 1), true)
    root:set_attribute("kong.propagation_only", true)
    t.eq(tracer:get_sampling_decision(true, 1), false, "a root that only carries headers")
    root:finish()
end)

scenario("span fields read as Kong's span tables have them", function(tracing)
    local tracer = tracing.new("fields", { namespace = "fields" })
    local root = tracer.start_span("root", { span_kind = tracing.SPAN_KIND.SERVER, attributes = { ["http.method"] = "GET" } })
    tracer.set_active_span(root)
    local child = tracer.start_span("child", { span_kind = tracing.SPAN_KIND.CLIENT })
    child:set_attribute("n", 3)
    child:set_attribute("ratio", 0.5)
    child:set_attribute("ok", true)
    child:set_attribute("list", { 1, 2, 3 })
    child:record_error("refused")
    child:set_status(tracing.SPAN_STATUS.ERROR)
    t.eq(child.name, "child")
    t.eq(child.kind, tracing.SPAN_KIND.CLIENT)
    t.eq(child.parent, root)
    t.eq(child.parent_id, root.span_id)
    t.eq(child.trace_id, root.trace_id)
    t.eq(child.status, tracing.SPAN_STATUS.ERROR)
    t.eq(root.status, nil, "unset")
    t.eq(child.tracer, tracer)
    t.eq(child.linked, true)
    t.eq(child.should_sample, true)
    t.eq(child.is_recording, true)
    local a = child.attributes
    t.eq(a.n, 3)
    t.eq(a.ratio, 0.5)
    t.eq(a.ok, true)
    t.eq(table.concat(a.list, ","), "1,2,3")
    t.eq(root.attributes["http.method"], "GET")
    t.eq(child.events[1].name, "exception")
    t.eq(child.events[1].attributes["exception.message"], "refused")
    t.eq(root.events, nil, "no event")
    local created = tracer.create_span(nil, { span_kind = tracing.SPAN_KIND.CLIENT })
    t.eq(created.linked, false, "created, not yet linked")
    tracer.link_span(created, "linked")
    t.eq(created.linked, true)
    created:finish()
    child:finish()
    t.eq(child.is_recording, false, "finished")
    t.ok(child.end_time_ns >= child.start_time_ns)
    t.eq(child.attributes.n, 3, "still readable")
    root:finish()
    local it = child:each_baggage_item()
    t.eq(it(), nil, "kt carries no baggage")
end)

return scenarios
