-- A span is a kt_lua_span cdata: one 64-bit handle, no Lua table. Its methods are the seed's;
-- every one returns true, or nil and a message (a span used after finish or release gets
-- "stale span", the engine's generation check). Kong's fields (span.name, span.trace_id...) are
-- read and written through the handle (kt.fields). The no-op span (handle 0) does nothing and
-- never calls into libkt.so, so it is safe in Nginx's master too.
local ffi = require "ffi"
local native = require "kt.native"
local attributes = require "kt.attributes"
local fields = require "kt.fields"
local log = require "kt.log"

local type, tostring = type, tostring
local ffi_string = ffi.string
local is_integer, is_int64 = attributes.is_integer, attributes.is_int64
local read_field = fields.read

local OK = native.OK
local STATUS_ERROR = 2

local methods = {}
local M = { methods = methods }

local finish_info = ffi.new("kt_span_info_t")

local function failure(status, what)
    local C = native.C
    local message = C and ffi_string(C.kt_last_error()) or ""
    if status == native.E_STALE then
        return nil, "stale span: " .. what .. " on a span that has finished or was released"
    end
    return nil, what .. ": " .. message
end
M.failure = failure

local function bad_argument(n, what, expected, got)
    return nil, "bad argument #" .. n .. " to '" .. what .. "' (" .. expected .. " expected, got " .. type(got) .. ")"
end
M.bad_argument = bad_argument

--- span:finish(end_time_ns): ends the span; end_time_ns (Unix nanoseconds) defaults to now. If it
--- was its tracer's active span, its parent becomes active.
function methods.finish(self, end_time_ns)
    local handle = self.handle
    if handle == 0 then return true end
    local at = 0
    if end_time_ns ~= nil then
        if type(end_time_ns) ~= "number" and not is_int64(end_time_ns) then
            return bad_argument(1, "finish", "number", end_time_ns)
        end
        if end_time_ns ~= end_time_ns or end_time_ns < 0 then
            return nil, "finish: end_time_ns must be Unix nanoseconds, not " .. tostring(end_time_ns)
        end
        -- As Kong: a span does not end before it started; it stays open, and the caller is told.
        if native.C.kt_span_info(handle, finish_info) == OK and finish_info.start_time_ns > end_time_ns then
            local err = "finish: end_time_ns " .. tostring(end_time_ns) .. " is before the span's start "
                .. tostring(finish_info.start_time_ns):gsub("LL$", "") .. "; the span is still open"
            log.once(err)
            return nil, err
        end
        at = end_time_ns
    end
    local status = native.C.kt_span_finish(handle, at)
    if status == OK then return true end
    return failure(status, "finish")
end

--- span:set_attribute(key, value): a string, number (integral ones are integers), boolean, int64
--- cdata or an array of one of those. A nil value removes the attribute, as in Kong.
function methods.set_attribute(self, key, value)
    local handle = self.handle
    if type(key) ~= "string" then return bad_argument(1, "set_attribute", "string", key) end
    if handle == 0 then return true end
    local C = native.C
    if value == nil then
        local status = C.kt_span_remove_attribute(handle, key, #key)
        if status == OK then return true end
        return failure(status, "set_attribute")
    end
    local kind = type(value)
    local status
    if kind == "string" then
        status = C.kt_span_set_string(handle, key, #key, value, #value)
    elseif kind == "number" then
        if is_integer(value) then
            status = C.kt_span_set_int(handle, key, #key, value)
        elseif value ~= value then
            return nil, "set_attribute: " .. key .. " is NaN"
        else
            status = C.kt_span_set_double(handle, key, #key, value)
        end
    elseif kind == "boolean" then
        status = C.kt_span_set_bool(handle, key, #key, value and 1 or 0)
    else
        local attribute, anchors = ffi.new("kt_attribute"), attributes.pin()
        anchors[#anchors + 1] = attribute
        local ok, err = attributes.fill(attribute, key, value, anchors, "set_attribute")
        if ok then status = C.kt_span_set_attribute(handle, attribute) end
        attributes.unpin()
        if not ok then return nil, err end
    end
    if status == OK then return true end
    return failure(status, "set_attribute")
end

--- span:set_attributes(attributes): a table of key = value, as set_attribute takes them, in one
--- call; a bad value changes nothing.
function methods.set_attributes(self, span_attributes)
    if type(span_attributes) ~= "table" then return bad_argument(1, "set_attributes", "table", span_attributes) end
    local handle = self.handle
    if handle == 0 then return true end
    local array, count = attributes.from_table(span_attributes, attributes.pin(), "set_attributes")
    if not array then attributes.unpin() return nil, count end
    local status = native.C.kt_span_set_attributes(handle, array, count)
    attributes.unpin()
    if status == OK then return true end
    return failure(status, "set_attributes")
end

--- span:add_event(name, attributes, time_ns)
function methods.add_event(self, name, event_attributes, time_ns)
    if type(name) ~= "string" then return bad_argument(1, "add_event", "string", name) end
    local handle = self.handle
    if handle == 0 then return true end
    local at = 0
    if time_ns ~= nil then
        if type(time_ns) ~= "number" or time_ns ~= time_ns or time_ns < 0 then
            return nil, "add_event: time_ns must be Unix nanoseconds, not " .. tostring(time_ns)
        end
        at = time_ns
    end
    local array, count = nil, 0
    if event_attributes ~= nil then
        array, count = attributes.from_table(event_attributes, attributes.pin(), "add_event: attributes")
        if not array then attributes.unpin() return nil, count end
    end
    local status = native.C.kt_span_add_event(handle, name, #name, at, array, count)
    if array then attributes.unpin() end
    if status == OK then return true end
    return failure(status, "add_event")
end

--- span:record_error(message): an "exception" event with exception.message.
function methods.record_error(self, message)
    if type(message) ~= "string" then message = tostring(message) end
    local handle = self.handle
    if handle == 0 then return true end
    local status = native.C.kt_span_record_error(handle, message, #message)
    if status == OK then return true end
    return failure(status, "record_error")
end

--- span:set_status(code, message): 0 unset (ignored), 1 ok (final), 2 error; the message is
--- kept for errors only.
function methods.set_status(self, code, message)
    if type(code) ~= "number" then return bad_argument(1, "set_status", "number", code) end
    if code ~= 0 and code ~= 1 and code ~= STATUS_ERROR then
        return nil, "set_status: " .. tostring(code) .. " is not a status code (0 unset, 1 ok, 2 error)"
    end
    if message ~= nil and type(message) ~= "string" then return bad_argument(2, "set_status", "string", message) end
    local handle = self.handle
    if handle == 0 then return true end
    local status = native.C.kt_span_set_status(handle, code, message, message and #message or 0)
    if status == OK then return true end
    return failure(status, "set_status")
end

--- span:release(): gives the span's slot back now, without exporting it.
function methods.release(self)
    local handle = self.handle
    if handle == 0 then return true end
    local status = native.C.kt_span_release(handle)
    if status == OK then return true end
    return failure(status, "release")
end

--- span:update_name(name)
function methods.update_name(self, name)
    if type(name) ~= "string" then return bad_argument(1, "update_name", "string", name) end
    local handle = self.handle
    if handle == 0 then return true end
    local status = native.C.kt_span_update_name(handle, name, #name)
    if status == OK then return true end
    return failure(status, "update_name")
end

local traceparent_buffer = ffi.new("char[64]")
local written_buffer = ffi.new("size_t[1]")

local function no_item() return nil end

--- span:each_baggage_item(): Kong's baggage iterator; kt carries no baggage, so it yields nothing.
function methods.each_baggage_item()
    return no_item
end

--- span:inject(format): the headers that carry this span on, in one of the formats of
--- kt.propagation (default "w3c"), as a table of names to values.
function methods.inject(self, format)
    return require("kt.propagation").inject(self, format)
end

--- span:traceparent(): the W3C traceparent to send on for this span.
function methods.traceparent(self)
    if self.handle == 0 then return nil, "traceparent: the no-op span has no trace" end
    local status = native.C.kt_span_inject(self.handle, traceparent_buffer, 64, written_buffer)
    if status ~= OK then return failure(status, "traceparent") end
    return ffi_string(traceparent_buffer, written_buffer[0])
end

-- Methods first: the hot path (start, set_attribute, finish) finds them with one table lookup.
-- Then Kong's fields, read from the engine only when read (kt.fields).
local function index(self, key)
    local method = methods[key]
    if method ~= nil then return method end
    return read_field(self, key)
end

local function equal(a, b)
    return ffi.istype("kt_lua_span", a) and ffi.istype("kt_lua_span", b) and a.handle == b.handle
end

local function describe(self)
    return "kt span " .. tostring(self.handle):gsub("ULL$", "")
end

M.type = ffi.metatype("kt_lua_span", { __index = index, __newindex = fields.write, __eq = equal, __tostring = describe })
M.NOOP = M.type(0)
fields.span_type = M.type

--- True when value is a span of this binding.
function M.is(value)
    return type(value) == "cdata" and ffi.istype(M.type, value)
end

return M
