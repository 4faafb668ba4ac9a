-- A pure-Lua tracer built the way Kong's kong.tracing is: a table per span fetched from a table
-- pool, an attributes table from another pool, ids from OpenSSL's RAND_bytes and times from
-- clock_gettime through the FFI, the span's fields set one by one, and the tables returned to
-- their pools on release. The baseline kt's per-span cost is compared with.
local ffi = require "ffi"
local new_tab = require "table.new"
local clear_tab = require "table.clear"

ffi.cdef [[
int RAND_bytes(unsigned char *buf, int num);
typedef struct { long tv_sec; long tv_nsec; } kt_bench_timespec;
int clock_gettime(int clk_id, kt_bench_timespec *tp);
]]
local crypto = ffi.load("crypto")
local C = ffi.C
local ffi_string = ffi.string

local id_buffer = ffi.new("unsigned char[16]")
local function rand_bytes(n)
    crypto.RAND_bytes(id_buffer, n)
    return ffi_string(id_buffer, n)
end

local ts = ffi.new("kt_bench_timespec")
local function time_unix_nano()
    C.clock_gettime(0, ts)
    return tonumber(ts.tv_sec) * 1e9 + tonumber(ts.tv_nsec)
end

-- A table pool as lua-resty-core's tablepool keeps one: a free list per pool name.
local pools = {}
local function pool_fetch(name, narr, nrec)
    local pool = pools[name]
    if pool and pool.n > 0 then
        local t = pool[pool.n]
        pool[pool.n] = nil
        pool.n = pool.n - 1
        return t
    end
    return new_tab(narr, nrec)
end
local function pool_release(name, t)
    clear_tab(t)
    local pool = pools[name]
    if not pool then pool = { n = 0 } pools[name] = pool end
    pool.n = pool.n + 1
    pool[pool.n] = t
end

local span_mt = {}
span_mt.__index = span_mt

function span_mt:set_attribute(key, value)
    if type(key) ~= "string" then error("invalid key", 2) end
    if self.attributes == nil then self.attributes = pool_fetch("attributes", 0, 4) end
    self.attributes[key] = value
end

function span_mt:finish(end_time_ns)
    if self.end_time_ns ~= nil then return end
    self.end_time_ns = end_time_ns or time_unix_nano()
    if self.active and self.tracer.active_span() == self then
        self.tracer.set_active_span(self.parent)
        self.active = nil
    end
end

function span_mt:release()
    if type(self.attributes) == "table" then pool_release("attributes", self.attributes) end
    setmetatable(self, nil)
    pool_release("span", self)
end

local M = {}

function M.new(name)
    local tracer = { name = name }
    local active
    function tracer.active_span() return active end
    function tracer.set_active_span(span) if span then span.active = true end active = span end
    function tracer.start_span(self, span_name, options)
        options = options or {}
        local span = pool_fetch("span", 0, 12)
        span.parent = options.parent or active
        span.trace_id = span.parent and span.parent.trace_id or rand_bytes(16)
        span.span_id = rand_bytes(8)
        span.parent_id = span.parent and span.parent.span_id
        span.should_sample = true
        span.kind = options.span_kind or 1
        span.tracer = tracer
        span.name = span_name
        span.start_time_ns = options.start_time_ns or time_unix_nano()
        return setmetatable(span, span_mt)
    end
    return tracer
end

return M
