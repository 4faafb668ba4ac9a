-- Span trees printed as indented text, so two views of the same spans compare as two strings:
-- spans as the plugin-shaped handler encoded them (kong_otel_handler.lua), and spans as kt
-- exported them, read by the OpenTelemetry schema's decoder (runner.decode_file). Children
-- follow their parent, ordered by start time then name; numbers print as the doubles Kong's
-- encoder holds.
local M = {}

local function hex(binary)
    return (binary:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

local function number(n)
    return ("%.17g"):format(tonumber(n))
end

local function time(n)
    return ("%.0f"):format(tonumber(n))
end

local function value_text(value)
    if type(value) == "table" then
        local items = {}
        for i, item in ipairs(value) do items[i] = value_text(item) end
        return "[" .. table.concat(items, ",") .. "]"
    elseif type(value) == "string" then
        return ("%q"):format(value)
    elseif type(value) == "number" then
        return number(value)
    end
    return tostring(value)
end

local function attributes_text(attributes)
    local parts = {}
    for key, value in pairs(attributes or {}) do parts[#parts + 1] = key .. "=" .. value_text(value) end
    table.sort(parts)
    return "{" .. table.concat(parts, ", ") .. "}"
end

-- ---- both views as plain records: ids in hex, times as numbers, attributes as Lua values -----

local function from_encoded_value(v)
    if v.array_value then
        local items = {}
        for i, item in ipairs(v.array_value.values) do items[i] = from_encoded_value(item) end
        return items
    end
    if v.string_value ~= nil then return v.string_value end
    if v.double_value ~= nil then return v.double_value end
    if v.int_value ~= nil then return v.int_value end
    return v.bool_value
end

local function from_encoded_attributes(list)
    local map = {}
    for _, a in ipairs(list or {}) do map[a.key] = from_encoded_value(a.value) end
    return map
end

--- A span table of kong_otel_handler.encode_span as a record.
function M.from_encoded(span)
    local events = {}
    for i, e in ipairs(span.events or {}) do
        events[i] = { name = e.name, time = e.time_unix_nano, attributes = from_encoded_attributes(e.attributes) }
    end
    return {
        trace_id = hex(span.trace_id), span_id = hex(span.span_id),
        parent_id = span.parent_span_id ~= "" and hex(span.parent_span_id) or nil,
        name = span.name, kind = span.kind, start = span.start_time_unix_nano, finish = span.end_time_unix_nano,
        status = span.status and span.status.code or 0,
        attributes = from_encoded_attributes(span.attributes), events = events,
    }
end

local function from_otlp_value(v)
    if v.arrayValue then
        local items = {}
        for i, item in ipairs(v.arrayValue.values or {}) do items[i] = from_otlp_value(item) end
        return items
    end
    if v.stringValue ~= nil then return v.stringValue end
    if v.intValue ~= nil then return tonumber(v.intValue) end
    if v.doubleValue ~= nil then return v.doubleValue end
    return v.boolValue
end

local function from_otlp_attributes(list)
    local map = {}
    for _, a in ipairs(list or {}) do map[a.key] = from_otlp_value(a.value) end
    return map
end

--- A span of the OTLP decoder's output as a record.
function M.from_otlp(span)
    local events = {}
    for i, e in ipairs(span.events or {}) do
        events[i] = { name = e.name, time = tonumber(e.timeUnixNano), attributes = from_otlp_attributes(e.attributes) }
    end
    return {
        trace_id = span.traceId, span_id = span.spanId, parent_id = span.parentSpanId,
        name = span.name, kind = span.kind or 0, start = tonumber(span.startTimeUnixNano), finish = tonumber(span.endTimeUnixNano),
        status = span.status and span.status.code or 0,
        attributes = from_otlp_attributes(span.attributes), events = events,
    }
end

--- The records as an indented tree: one line per span and per event.
function M.print(records)
    local by_id, children, roots = {}, {}, {}
    for _, r in ipairs(records) do by_id[r.span_id] = r end
    for _, r in ipairs(records) do
        if r.parent_id and by_id[r.parent_id] then
            children[r.parent_id] = children[r.parent_id] or {}
            table.insert(children[r.parent_id], r)
        else
            roots[#roots + 1] = r
        end
    end
    local function order(a, b)
        if a.start ~= b.start then return a.start < b.start end
        return a.name < b.name
    end
    local lines = {}
    local function walk(r, depth)
        local pad = ("  "):rep(depth)
        lines[#lines + 1] = ("%s%s kind=%d status=%d trace=%s parent=%s start=%s end=%s %s"):format(pad, r.name, r.kind, r.status,
            r.trace_id, r.parent_id or "-", time(r.start), r.finish and time(r.finish) or "-", attributes_text(r.attributes))
        for _, e in ipairs(r.events) do
            lines[#lines + 1] = ("%s  event %s at %s %s"):format(pad, e.name, time(e.time), attributes_text(e.attributes))
        end
        local list = children[r.span_id] or {}
        table.sort(list, order)
        for _, child in ipairs(list) do walk(child, depth + 1) end
    end
    table.sort(roots, order)
    for _, r in ipairs(roots) do walk(r, 0) end
    return table.concat(lines, "\n")
end

return M
