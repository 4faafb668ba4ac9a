-- OpenResty locations for the tests of Kong's shapes in Nginx (OpenRestyLuaTests.cs):
--   scenario(): runs kong_pdk_scenarios[n] for GET ...?n=N and answers "ok NAME" or
--     "FAIL NAME: why"; without n it answers how many scenarios there are.
--   kong_like(phase): one phase of kong_like_request.lua; at the log phase the handler's spans
--     go to the shared dict `collected` as one line each (see collected_line), under the trace.
--   collected(): answers the lines collected for ?trace=HEX.
local scenarios = require "kong_pdk_scenarios"
local kong_like = require "kong_like_request"
local tree = require "span_tree"
local tracing = require "kt.tracing"

local M = {}

function M.scenario()
    local n = tonumber(ngx.var.arg_n)
    if n == nil then
        ngx.say(#scenarios)
        return
    end
    local s = scenarios[n]
    local ok, err = xpcall(s.run, debug.traceback, tracing)
    ngx.say(ok and ("ok " .. s.name) or ("FAIL " .. s.name .. ": " .. tostring(err)))
end

local function value_text(value)
    if type(value) == "table" then
        local items = {}
        for i, item in ipairs(value) do items[i] = value_text(item) end
        return "[" .. table.concat(items, ",") .. "]"
    elseif type(value) == "number" then
        return ("%.17g"):format(value)
    end
    return tostring(value)
end

-- span_id|trace_id|parent_id|name|kind|status|key=value;... (keys sorted), ids in hex.
local function collected_line(record)
    local attributes = {}
    for key, value in pairs(record.attributes) do attributes[#attributes + 1] = key .. "=" .. value_text(value) end
    table.sort(attributes)
    return table.concat({ record.span_id, record.trace_id, record.parent_id or "", record.name, record.kind,
        record.status, table.concat(attributes, ";") }, "|")
end

local function from_hex(hex)
    return (hex:gsub("%x%x", function(byte) return string.char(tonumber(byte, 16)) end))
end

function M.kong_like(phase)
    local kong = { tracing = tracing }
    if phase == "rewrite" then
        assert(tracing.extract("w3c") ~= nil)
        kong_like.rewrite(kong)
    elseif phase == "access" then
        kong_like.access(kong)
    elseif phase == "header_filter" then
        kong_like.header_filter(kong)
    elseif phase == "log" then
        -- As Kong's plugin, the trace id the propagation settled on is written onto every span.
        local traceparent = ngx.var.http_traceparent
        local trace_id = traceparent and from_hex(traceparent:sub(4, 35)) or nil
        local lines = {}
        for _, span in ipairs(kong_like.log(kong, trace_id)) do
            lines[#lines + 1] = collected_line(tree.from_encoded(span))
        end
        tracing.end_request()
        if lines[1] then ngx.shared.collected:set(lines[1]:match("^%x+|(%x+)|"), table.concat(lines, "\n")) end
    end
end

function M.collected()
    ngx.print(ngx.shared.collected:get(ngx.var.arg_trace) or "")
end

return M
