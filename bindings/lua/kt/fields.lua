-- The fields of Kong's span tables on a kt span: read from the engine through the handle when
-- the field is read (kt_span_info and friends), so a span whose fields are never read costs
-- nothing more, and written through the calls that give Kong's writes their effect. A span stays
-- readable after finish while its request keeps it (kt_context_keep_finished), which requests in
-- Nginx do until they end: Kong's exporters read finished spans at the log phase.
local ffi = require "ffi"
local native = require "kt.native"
local attributes = require "kt.attributes"
local registry = require "kt.registry"
local request = require "kt.request"
local log = require "kt.log"

local type, tostring, tonumber = type, tostring, tonumber
local ffi_string, ffi_new = ffi.string, ffi.new
local OK = native.OK

local M = {
    -- The span cdata type, set by kt.span once it is made.
    span_type = nil,
}

local info = ffi_new("kt_span_info_t")
local attribute = ffi_new("kt_attribute")
local text = ffi_new("kt_str")
local event_name = ffi_new("kt_str")
local event_time = ffi_new("int64_t[1]")
local event_count = ffi_new("size_t[1]")
local id16 = ffi_new("uint8_t[16]")
local id8 = ffi_new("uint8_t[8]")
local ZERO8 = ("\0"):rep(8)

local A = attributes

-- The span's info, or nil for the no-op span, a stale handle, or an engine that is not running.
local function read(self)
    local handle = self.handle
    if handle == 0 then return nil end
    local C = native.C
    if C == nil or C.kt_span_info(handle, info) ~= OK then return nil end
    return info
end

-- One attribute of the span (event -1) or of one of its events, as a Lua value.
local function value_of(handle, event, index)
    local C = native.C
    if C.kt_span_attribute(handle, event, index, attribute) ~= OK then return nil, nil end
    local key = ffi_string(attribute.key.ptr, attribute.key.len)
    local kind, v = attribute.type, attribute.value
    if kind == A.STRING then return key, ffi_string(v.string.ptr, v.string.len) end
    if kind == A.BOOL then return key, v.boolean ~= 0 end
    if kind == A.INT then return key, tonumber(v.integer) end
    if kind == A.DOUBLE then return key, v.real end
    local n = tonumber(v.array.count)
    local list = {}
    if kind == A.STRING_ARRAY then
        for i = 0, n - 1 do
            if C.kt_span_attribute_string(handle, event, index, i, text) == OK then
                list[i + 1] = ffi_string(text.ptr, text.len)
            end
        end
    elseif kind == A.BOOL_ARRAY then
        local items = ffi.cast("const uint8_t *", v.array.items)
        for i = 0, n - 1 do list[i + 1] = items[i] ~= 0 end
    elseif kind == A.INT_ARRAY then
        local items = ffi.cast("const int64_t *", v.array.items)
        for i = 0, n - 1 do list[i + 1] = tonumber(items[i]) end
    else
        local items = ffi.cast("const double *", v.array.items)
        for i = 0, n - 1 do list[i + 1] = items[i] end
    end
    return key, list
end

local function attribute_table(handle, event, count)
    local result = {}
    for i = 0, count - 1 do
        local key, value = value_of(handle, event, i)
        if key ~= nil then result[key] = value end
    end
    return result
end

local function events_of(self, i)
    local count = i.event_count
    if count == 0 then return nil end
    local handle, C = self.handle, native.C
    local list = {}
    for e = 0, count - 1 do
        if C.kt_span_event(handle, e, event_name, event_time, event_count) == OK then
            list[#list + 1] = {
                name = ffi_string(event_name.ptr, event_name.len),
                time_ns = tonumber(event_time[0]),
                attributes = event_count[0] > 0 and attribute_table(handle, e, tonumber(event_count[0])) or nil,
            }
        end
    end
    return list
end

-- Each reader takes the span and its info; every one is computed when read.
local readers = {
    name = function(_, i) return ffi_string(i.name.ptr, i.name.len) end,
    trace_id = function(_, i) return ffi_string(i.trace_id, 16) end,
    span_id = function(_, i) return ffi_string(i.span_id, 8) end,
    parent_id = function(_, i)
        local id = ffi_string(i.parent_span_id, 8)
        if id == ZERO8 then return nil end
        return id
    end,
    parent = function(_, i)
        if i.parent == 0 then return nil end
        return M.span_type(i.parent)
    end,
    start_time_ns = function(_, i) return tonumber(i.start_time_ns) end,
    end_time_ns = function(_, i)
        if i.finished == 0 then return nil end
        return tonumber(i.end_time_ns)
    end,
    kind = function(_, i) return tonumber(i.kind) end,
    status = function(_, i)
        if i.status == 0 then return nil end
        return tonumber(i.status)
    end,
    should_sample = function(_, i) return i.sampled ~= 0 end,
    is_recording = function(_, i) return i.recording ~= 0 end,
    linked = function(_, i) return i.in_context ~= 0 end,
    tracer = function(_, i)
        return registry.find(ffi_string(i.tracer.ptr, i.tracer.len), ffi_string(i.tracer_namespace.ptr, i.tracer_namespace.len))
    end,
    attributes = function(self, i) return attribute_table(self.handle, -1, i.attribute_count) end,
    events = events_of,
}
M.readers = readers

-- A field written on a span that is not one of Kong's is kept beside it for the rest of the
-- request, keyed by the handle's 8 bytes.
local key_buffer = ffi_new("uint64_t[1]")
local function extras_key(self)
    key_buffer[0] = self.handle
    return ffi_string(key_buffer, 8)
end

--- The value of field `key` of a span (nil for one it does not have).
function M.read(self, key)
    local reader = readers[key]
    if reader ~= nil then
        local i = read(self)
        if i == nil then
            -- The no-op span has no field but these, as Kong's no-op span.
            if key == "is_recording" or key == "should_sample" then return false end
            return nil
        end
        return reader(self, i)
    end
    local extras = request.extras(false)
    if extras == nil then return nil end
    local fields = extras[extras_key(self)]
    return fields and fields[key]
end

-- Kong's ids are byte strings of any length, and its encoder makes them OpenTelemetry's: cut to
-- the rightmost bytes, or padded with zeros on the left. kt does the same when they are given.
local function to_id(value, buffer, size)
    if type(value) ~= "string" or #value == 0 then return nil end
    if #value > size then value = value:sub(-size) end
    ffi.fill(buffer, size)
    ffi.copy(buffer + (size - #value), value, #value)
    for b = 0, size - 1 do
        if buffer[b] ~= 0 then return buffer end
    end
    return nil
end
M.to_id = to_id

local function failed(key, status)
    if status == native.E_STALE then
        log.once("span." .. key .. " = ...: the span has ended with its request (or was released); the write is ignored")
    else
        log.once("span." .. key .. " = ...: " .. native.last_error())
    end
end

local writers = {
    trace_id = function(self, value)
        local id = to_id(value, id16, 16)
        if id == nil then
            log.once("span.trace_id = ...: a trace id is a non-empty byte string, not all zero; the write is ignored")
            return
        end
        local status = native.C.kt_span_set_trace_id(self.handle, id)
        if status ~= OK then failed("trace_id", status) end
    end,
    parent_id = function(self, value)
        local status = native.C.kt_span_set_parent_id(self.handle, to_id(value, id8, 8))
        if status ~= OK then failed("parent_id", status) end
    end,
    should_sample = function(self, value)
        -- A span that did not record has nothing to export: only false takes effect.
        if value then return end
        local status = native.C.kt_span_withdraw(self.handle)
        if status ~= OK then failed("should_sample", status) end
    end,
    name = function(self, value)
        local ok, err = self:update_name(value)
        if not ok then log.once("span.name = ...: " .. tostring(err)) end
    end,
    start_time_ns = function(self, value)
        local status = native.C.kt_span_set_start_time(self.handle, value)
        if status ~= OK then failed("start_time_ns", status) end
    end,
    status = function(self, value)
        local ok, err = self:set_status(value)
        if not ok then log.once("span.status = ...: " .. tostring(err)) end
    end,
}

-- Fields kt computes and cannot take from a write; a write is logged once and ignored.
local computed = {
    span_id = true, parent = true, end_time_ns = true, kind = true, is_recording = true,
    linked = true, tracer = true, attributes = true, events = true,
}

--- span.key = value: Kong's fields take effect through the engine; others are kept with the
--- request. Never raises: what cannot be done is logged once.
function M.write(self, key, value)
    if self.handle == 0 then return end
    local writer = writers[key]
    if writer ~= nil then
        if native.C == nil then return end
        local ok, err = pcall(writer, self, value)
        if not ok then log.once("span." .. tostring(key) .. " = ...: " .. tostring(err)) end
        return
    end
    if computed[key] then
        log.once("span." .. key .. " is computed by kt and cannot be written; set_attribute, add_event and finish change what it reads")
        return
    end
    local extras = request.extras(true)
    if extras == nil then return end
    local k = extras_key(self)
    local fields = extras[k]
    if fields == nil then
        fields = {}
        extras[k] = fields
    end
    fields[key] = value
end

return M
