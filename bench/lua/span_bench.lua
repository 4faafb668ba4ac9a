-- Per-span cost in LuaJIT: start, two attributes, finish. kt (libkt.so through the FFI) against
-- the no-op tracer and a pure-Lua tracer built the way Kong's is. Reports ns per span (median of
-- runs, wall clock) and Lua heap bytes per span with the collector stopped, as markdown.
--
--   luajit bench/lua/span_bench.lua [OUTPUT.md]     (KT_LIBRARY names libkt.so)
local ffi = require "ffi"
local tracing = require "kt.tracing"
local kong_style = require "kong_style_tracer"
local noop = require "noop_tracer"

-- clock_gettime and its timespec are declared by kong_style_tracer.
local now_buffer = ffi.new("kt_bench_timespec")
local function now_ns()
    ffi.C.clock_gettime(1, now_buffer)
    return tonumber(now_buffer.tv_sec) * 1e9 + tonumber(now_buffer.tv_nsec)
end

assert(tracing.init { exporter = "none", max_spans = 131072, queue_capacity_per_thread = 65536 })
local kong_tracer = kong_style.new("bench")

local N, RUNS = 1000000, 7

local cases = {
    { name = "no-op tracer (Lua)", run = function(n)
        for _ = 1, n do
            local span = noop:start_span("request")
            span:set_attribute("http.method", "GET")
            span:set_attribute("http.status_code", 200)
            span:finish()
        end
    end },
    { name = "pure-Lua tracer, Kong's way (table pool)", run = function(n)
        for _ = 1, n do
            local span = kong_tracer:start_span("request")
            span:set_attribute("http.method", "GET")
            span:set_attribute("http.status_code", 200)
            span:finish()
            span:release()
        end
    end },
    { name = "kt (libkt.so via FFI)", run = function(n)
        for _ = 1, n do
            local span = tracing:start_span("request")
            span:set_attribute("http.method", "GET")
            span:set_attribute("http.status_code", 200)
            span:finish()
        end
    end },
    { name = "kt, and Kong's fields read before finish (name, trace_id, span_id, attributes)", run = function(n)
        for _ = 1, n do
            local span = tracing:start_span("request")
            span:set_attribute("http.method", "GET")
            span:set_attribute("http.status_code", 200)
            local _, _, _, _ = span.name, span.trace_id, span.span_id, span.attributes
            span:finish()
        end
    end },
    { name = "kt, requests of 5 spans (a context each), spans exported as they finish", run = function(n)
        for _ = 1, n / 5 do
            for _ = 1, 5 do
                local span = tracing:start_span("request")
                span:set_attribute("http.method", "GET")
                span:set_attribute("http.status_code", 200)
                span:finish()
            end
            tracing.end_request()
        end
    end },
    { name = "kt, requests of 5 spans keeping their finished spans until they end", run = function(n)
        for _ = 1, n / 5 do
            tracing.begin_request()
            for _ = 1, 5 do
                local span = tracing:start_span("request")
                span:set_attribute("http.method", "GET")
                span:set_attribute("http.status_code", 200)
                span:finish()
            end
            tracing.end_request()
        end
    end },
    { name = "kt, FFI call floor (kt_nop)", run = function(n)
        local C = package.loaded["kt.native"].C
        for _ = 1, n do C.kt_nop() end
    end },
}

local function median(list)
    table.sort(list)
    return list[math.floor(#list / 2) + 1]
end

for _, case in ipairs(cases) do
    case.run(N / 10) -- warm up and compile
    local times = {}
    for r = 1, RUNS do
        local start = now_ns()
        case.run(N)
        times[r] = (now_ns() - start) / N
    end
    case.ns = median(times)
    collectgarbage("collect")
    collectgarbage("stop")
    local before = collectgarbage("count")
    case.run(N / 10)
    case.bytes = (collectgarbage("count") - before) * 1024 / (N / 10)
    collectgarbage("restart")
end

local counters = tracing.counters()
local lines = {}
local function out(s) lines[#lines + 1] = s end
local cpu = io.open("/proc/cpuinfo"):read("*a"):match("model name%s*:%s*([^\n]+)") or "?"
out("# Per-span cost in LuaJIT: start, two attributes, finish")
out("")
out(("%s, %d cores; %s; libkt.so %s; %d spans per run, median of %d runs (wall clock)."):format(
    cpu, tonumber(io.popen("nproc"):read("*l")) or 0, jit.version, ffi.string(package.loaded["kt.native"].C.kt_version()), N, RUNS))
out("")
out("| Tracer | ns per span | Lua heap bytes per span | vs pure-Lua |")
out("|---|---:|---:|---:|")
local kong_ns = cases[2].ns
for _, case in ipairs(cases) do
    out(("| %s | %.1f | %.1f | %s |"):format(case.name, case.ns, case.bytes,
        case == cases[2] and "1x" or ("%.1fx faster"):format(kong_ns / case.ns)))
end
out("")
out(("kt dropped %d spans for want of a slot and %d for a full queue (of %d started)."):format(
    counters.dropped_no_slot, counters.dropped_queue_full, counters.spans_started))
out("The pure-Lua tracer's cost stops at release; Kong encodes and sends its spans later in the")
out("request (log phase), which is not counted here. kt's export runs on its own thread (here the")
out("\"none\" exporter, which only counts), so it is not on the request's path either.")
local text = table.concat(lines, "\n") .. "\n"
io.write(text)
if arg[1] then
    local f = assert(io.open(arg[1], "w"))
    f:write(text)
    f:close()
end
assert(tracing.shutdown(10000))
