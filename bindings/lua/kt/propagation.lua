-- Trace context in and out of a request in the formats Kong's users rely on (w3c, b3,
-- b3-single, jaeger, ot, datadog, aws, gcp); the parsing and writing are the engine's.
local ffi = require "ffi"
local native = require "kt.native"
local engine = require "kt.engine"
local request = require "kt.request"

local type, pairs, ipairs, tostring = type, pairs, ipairs, tostring
local ffi_string = ffi.string
local OK = native.OK

local NAMES = { "w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "aws", "gcp" }
local FORMAT = {}
for i, name in ipairs(NAMES) do FORMAT[name] = i end

local M = { FORMATS = NAMES }

local MAX_BYTES, MAX_HEADERS = 1024, 4
local inject_buffer = ffi.new("char[?]", MAX_BYTES)
local inject_headers = ffi.new("kt_header[?]", MAX_HEADERS)
local out_count = ffi.new("size_t[1]")
local out_format = ffi.new("int[1]")

local function format_list(formats, where)
    if formats == nil then formats = { "w3c" } end
    if type(formats) == "string" then formats = { formats } end
    if type(formats) ~= "table" or #formats == 0 then
        return nil, where .. ": formats must be a format name or a list of them (" .. table.concat(NAMES, ", ") .. ")"
    end
    local ids = ffi.new("int[?]", #formats)
    for i, name in ipairs(formats) do
        local id = FORMAT[name]
        if not id then
            return nil, where .. ": unknown format " .. tostring(name) .. " (known: " .. table.concat(NAMES, ", ") .. ")"
        end
        ids[i - 1] = id
    end
    return ids, #formats
end

--- tracing.extract(formats, headers): takes the request's remote parent from its headers; the
--- first of formats (a name or a list, default "w3c") whose headers are present decides.
--- headers maps names to values, or to a list of values for a header sent on several lines (as
--- ngx.req.get_headers() gives them): each is a line, in order, so tracestate lines make one list
--- and several traceparent lines are refused. In Nginx it defaults to ngx.req.get_headers().
--- Returns the name of the format used, false when none was present (a new trace starts), or nil
--- and a message naming the malformed header.
function M.extract(formats, headers)
    local ids, count = format_list(formats, "extract")
    if not ids then return nil, count end
    if headers == nil then
        local ngx = rawget(_G, "ngx")
        if ngx == nil then return nil, "extract: headers must be a table outside Nginx" end
        headers = ngx.req.get_headers()
    end
    if type(headers) ~= "table" then return nil, "bad argument #2 to 'extract' (table expected, got " .. type(headers) .. ")" end
    if not engine.ready() then return false end
    local context = request.current()
    if context == nil then return false end
    local n = 0
    for _, value in pairs(headers) do n = n + (type(value) == "table" and #value or 1) end
    local array = ffi.new("kt_header[?]", n + 1)
    local i = 0
    for name, value in pairs(headers) do
        if type(name) ~= "string" then
            return nil, "extract: header " .. tostring(name) .. " must map a string to a string or a list of strings"
        end
        local lines = type(value) == "table" and value or { value }
        for _, line in ipairs(lines) do
            if type(line) ~= "string" then
                return nil, "extract: header " .. name .. " must map a string to a string or a list of strings"
            end
            array[i].name.ptr, array[i].name.len = name, #name
            array[i].value.ptr, array[i].value.len = line, #line
            i = i + 1
        end
    end
    -- The strings stay referenced by headers (and lines) until the call returns.
    local status = native.C.kt_context_extract_headers(context, ids, count, array, i, out_format)
    if status ~= OK then return nil, "extract: " .. native.last_error() end
    local used = out_format[0]
    return used ~= 0 and NAMES[used] or false
end

--- span:inject(format): the headers that carry the span to the next service in a format
--- (default "w3c"), as a table of lower-case names to values; nil and a message on failure.
function M.inject(span, format)
    format = format or "w3c"
    local id = FORMAT[format]
    if not id then
        return nil, "inject: unknown format " .. tostring(format) .. " (known: " .. table.concat(NAMES, ", ") .. ")"
    end
    local handle = span.handle
    if handle == 0 then return nil, "inject: the no-op span has no trace" end
    local status = native.C.kt_span_inject_headers(handle, id, inject_buffer, MAX_BYTES, inject_headers, MAX_HEADERS, out_count)
    if status ~= OK then
        if status == native.E_STALE then return nil, "stale span: inject on a span that has finished or was released" end
        return nil, "inject: " .. native.last_error()
    end
    local result = {}
    for i = 0, tonumber(out_count[0]) - 1 do
        local h = inject_headers[i]
        result[ffi_string(h.name.ptr, h.name.len)] = ffi_string(h.value.ptr, h.value.len)
    end
    return result
end

return M
