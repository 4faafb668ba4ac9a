-- A request's spans, as Kong's core and plugins reach them: the lists of process_span,
-- get_root_span and get_spans, and the lists Kong keeps in ngx.ctx (KONG_SPANS for the default
-- namespace, NS_SPANS for a tracer's own namespace NS), which code such as Kong's opentelemetry
-- plugin reads directly. kt keeps no Lua list as spans start: a list is read from the request's
-- context (kt_context_spans: its open spans and the finished ones it keeps, oldest first) when
-- it is asked for.
local ffi = require "ffi"
local native = require "kt.native"
local request = require "kt.request"
local span_type = require("kt.span").type

local type, rawget, getmetatable, setmetatable = type, rawget, getmetatable, setmetatable
local ffi_string = ffi.string
local OK = native.OK

local M = {
    -- The engine namespace of the global tracer, which tracers share unless given another.
    DEFAULT_NAMESPACE = "kt",
}

local capacity = 64
local buffer = ffi.new("kt_span[?]", capacity)
local out_count = ffi.new("size_t[1]")
local info = ffi.new("kt_span_info_t")

--- The current request's span handles in a reused buffer, oldest first, and how many there are.
local function handles()
    local context = request.current()
    if context == nil then return 0, buffer end
    local C = native.C
    if C.kt_context_spans(context, buffer, capacity, out_count) ~= OK then return 0, buffer end
    local count = tonumber(out_count[0])
    if count > capacity then
        capacity = count * 2
        buffer = ffi.new("kt_span[?]", capacity)
        if C.kt_context_spans(context, buffer, capacity, out_count) ~= OK then return 0, buffer end
        count = tonumber(out_count[0])
    end
    return count, buffer
end
M.handles = handles

--- The name and namespace of the tracer that started a span, or nil when it cannot be read.
function M.tracer_of(handle)
    if native.C.kt_span_info(handle, info) ~= OK then return nil end
    return ffi_string(info.tracer.ptr, info.tracer.len), ffi_string(info.tracer_namespace.ptr, info.tracer_namespace.len)
end

--- The current request's spans as a new list, oldest first: those of tracers in namespace (all
--- when nil) and, when name is given, of tracers of that name.
function M.list(namespace, name)
    local count, handles_buffer = handles()
    local list = {}
    for i = 0, count - 1 do
        local handle = handles_buffer[i]
        local keep = namespace == nil and name == nil
        if not keep then
            local tracer_name, tracer_namespace = M.tracer_of(handle)
            keep = tracer_name ~= nil and (namespace == nil or tracer_namespace == namespace) and (name == nil or tracer_name == name)
        end
        if keep then list[#list + 1] = span_type(handle) end
    end
    return list
end

--- The first span of the current request in namespace, or nil.
function M.first(namespace)
    local count, handles_buffer = handles()
    for i = 0, count - 1 do
        local handle = handles_buffer[i]
        local _, tracer_namespace = M.tracer_of(handle)
        if tracer_namespace == namespace then return span_type(handle) end
    end
    return nil
end

-- ---- Kong's lists in ngx.ctx ----------------------------------------------------------------

local CACHE_KEY = "kt_span_lists"
local SUFFIX = "_SPANS"

-- "KONG_SPANS" names the default namespace's list, "NS_SPANS" namespace NS's.
local function namespace_of_key(key)
    if type(key) ~= "string" or #key <= #SUFFIX or not key:find(SUFFIX, -#SUFFIX, true) then return nil end
    local namespace = key:sub(1, -#SUFFIX - 1)
    if namespace == "KONG" then return M.DEFAULT_NAMESPACE end
    return namespace
end
M.namespace_of_key = namespace_of_key

-- The list for a namespace, the same table as long as the request's spans are the same. New
-- spans are added last, so the count and the last handle tell whether anything changed.
local function cached_list(ctx, namespace)
    local count, handles_buffer = handles()
    local last = count > 0 and handles_buffer[count - 1] or 0ULL
    local cache = rawget(ctx, CACHE_KEY)
    if cache == nil then
        cache = {}
        ctx[CACHE_KEY] = cache
    end
    local entry = cache[namespace]
    if entry == nil or entry.count ~= count or entry.last ~= last then
        local list = M.list(namespace)
        entry = { count = count, last = ffi.new("uint64_t", last), list = list[1] ~= nil and list or nil }
        cache[namespace] = entry
    end
    return entry.list
end

local lists = {
    __index = function(ctx, key)
        local namespace = namespace_of_key(key)
        if namespace == nil then return nil end
        return cached_list(ctx, namespace)
    end,
}

--- Makes Kong's span lists readable in a request's ngx.ctx (nil while a namespace has no span).
--- A ngx.ctx that already has a metatable is left alone: the lists are then reached through
--- tracer.get_spans().
function M.install(ctx)
    if getmetatable(ctx) == nil then setmetatable(ctx, lists) end
end

request.on_request = M.install

return M
