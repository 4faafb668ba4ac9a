-- A log-phase handler shaped as Kong's opentelemetry plugin's, written against kong.tracing's API
-- only: it walks the request's spans with process_span, skips the ones not to be sampled, writes
-- the request's trace id onto each (as the plugin does with the id its propagation settled on),
-- reads every field Kong's OTLP encoder reads, and encodes each span as an OTLP span table, with
-- the same rules: ids cut or padded to 16 and 8 bytes, numbers as doubles, arrays as arrays.
-- The tests run it unchanged on kt.tracing and compare what it encoded with kt's own export.
local M = {}

local function fit(id, size)
    if #id > size then return id:sub(-size) end
    return ("\0"):rep(size - #id) .. id
end

local function encode_value(value)
    local kind = type(value)
    if kind == "table" then
        local values = {}
        for i, item in ipairs(value) do values[i] = encode_value(item) end
        return { array_value = { values = values } }
    elseif kind == "string" then
        return { string_value = value }
    elseif kind == "number" then
        return { double_value = value }
    elseif kind == "boolean" then
        return { bool_value = value }
    end
    return {}
end

local function encode_attributes(attributes)
    local encoded = {}
    for key, value in pairs(attributes) do
        encoded[#encoded + 1] = { key = key, value = encode_value(value) }
    end
    return encoded
end

local function encode_events(events)
    local encoded = {}
    for _, event in ipairs(events) do
        encoded[#encoded + 1] = {
            name = event.name,
            time_unix_nano = event.time_ns,
            attributes = event.attributes and encode_attributes(event.attributes),
        }
    end
    return encoded
end

--- One span as Kong's encoder makes it.
function M.encode_span(span)
    return {
        trace_id = fit(span.trace_id, 16),
        span_id = span.span_id,
        parent_span_id = span.parent_id and fit(span.parent_id, 8) or "",
        name = span.name,
        kind = span.kind or 0,
        start_time_unix_nano = span.start_time_ns,
        end_time_unix_nano = span.end_time_ns,
        attributes = span.attributes and encode_attributes(span.attributes),
        events = span.events and encode_events(span.events),
        status = span.status and { code = span.status },
    }
end

--- The log phase: the request's spans, encoded. trace_id, when given, is written onto each span
--- first, as Kong's plugin writes the request's raw trace id.
function M.log(kong, trace_id)
    local encoded = {}
    kong.tracing.process_span(function(span)
        if span.should_sample == false then return end
        if trace_id then span.trace_id = trace_id end
        encoded[#encoded + 1] = M.encode_span(span)
    end)
    return encoded
end

return M
