-- The span calls compile: LuaJIT's trace compiler records the hot loop of start, two attributes
-- and finish without aborting inside kt's Lua code, and the loop allocates nothing per span but
-- the span's own 24-byte handle box (no table, no string).
local t = require "runner"
local jit = require "jit"
local jutil = require "jit.util"
local tracing = require "kt.tracing"

assert(tracing.init { exporter = "none" })

local function hot_loop(n)
    local tracer = tracing
    for i = 1, n do
        local span = tracer:start_span("request")
        span:set_attribute("http.method", "GET")
        span:set_attribute("http.status_code", 200)
        span:finish()
    end
end

-- The same with start options (a kind and a sampling decision), in a table made once, as a
-- caller that cares keeps it: kt's own checks of the options must not allocate.
local options = { span_kind = 2, should_sample = true }
local function hot_loop_with_options(n)
    local tracer = tracing
    for i = 1, n do
        local span = tracer:start_span("request", options)
        span:set_attribute("http.method", "GET")
        span:set_attribute("http.status_code", 200)
        span:finish()
    end
end

local function source_of(func, pc)
    local info = jutil.funcinfo(func, pc)
    return info.source or "?", info.currentline or 0
end

local function compiles(loop)
    local traceerr = require("jit.vmdef").traceerr
    local nyi, loops = {}, 0
    local function on_trace(what, tr, func, pc, otr, oex)
        if what == "abort" then
            local source, line = source_of(func, pc)
            local message = type(oex) == "number" and traceerr[oex] or tostring(oex)
            -- Other aborts (a side exit taken too early, a trace too long) are the compiler's
            -- ordinary retries; a NYI means code it cannot compile at all.
            if source:find("kt/", 1, true) and message:find("NYI", 1, true) then
                nyi[#nyi + 1] = ("%s:%d %s"):format(source, line, message)
            end
        elseif what == "stop" then
            local info = jutil.traceinfo(tr)
            if info and info.link == tr then loops = loops + 1 end
        end
    end
    jit.flush()
    jit.attach(on_trace, "trace")
    loop(20000)
    jit.attach(on_trace)
    t.ok(loops > 0, "the span loop did not compile to a looping trace")
    t.eq(#nyi, 0, table.concat(nyi, "; "))
end

-- Lua heap bytes per span once compiled, with the collector stopped.
local function bytes_per_span(loop)
    loop(20000) -- warm
    collectgarbage("collect")
    collectgarbage("stop")
    local before = collectgarbage("count")
    loop(100000)
    local grown_kb = collectgarbage("count") - before
    collectgarbage("restart")
    return grown_kb * 1024 / 100000
end

t.test("start, two attributes and finish compile: a looping trace, no NYI in kt's code", function()
    compiles(hot_loop)
end)

t.test("a span allocates only its 24-byte handle box once compiled", function()
    local bytes = bytes_per_span(hot_loop)
    t.ok(bytes <= 24.5, ("%.2f bytes per span"):format(bytes))
end)

t.test("with start options too: a looping trace, and only the handle box", function()
    compiles(hot_loop_with_options)
    local bytes = bytes_per_span(hot_loop_with_options)
    t.ok(bytes <= 24.5, ("%.2f bytes per span"):format(bytes))
end)

t.run()
