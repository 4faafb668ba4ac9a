-- A tiny test runner for the Lua tests of kt.tracing, run under OpenResty's LuaJIT:
--
--   local t = require "runner"
--   t.test("name", function() t.eq(1, 1) end)
--   t.run()     -- prints "ok NAME" or "FAIL NAME: why" per test, then "N passed, N failed"
--
-- A failed check raises; the runner catches it, so one test's failure does not stop the rest.
local M = {}
local tests = {}

local function fail(message, level)
    error(message, (level or 1) + 2)
end

function M.test(name, fn)
    tests[#tests + 1] = { name = name, fn = fn }
end

function M.ok(value, message)
    if not value then fail("expected a true value" .. (message and (": " .. message) or ""), 1) end
    return value
end

function M.eq(actual, expected, message)
    if actual ~= expected then
        fail(("expected %s, got %s%s"):format(tostring(expected), tostring(actual), message and (": " .. message) or ""), 1)
    end
end

--- Checks a call's (nil, err) failure and that err contains every given plain text.
function M.fails(texts, value, err)
    if value ~= nil then fail("expected nil and an error, got " .. tostring(value), 1) end
    if type(err) ~= "string" then fail("expected an error message, got " .. tostring(err), 1) end
    if type(texts) == "string" then texts = { texts } end
    for _, text in ipairs(texts) do
        if not err:find(text, 1, true) then fail(("error %q does not mention %q"):format(err, text), 1) end
    end
    return err
end

--- Checks a start that could not start a span: the no-op span, and err contains every text.
function M.refused(texts, span, err)
    if tostring(span) ~= "kt span 0" then fail("expected the no-op span, got " .. tostring(span), 1) end
    if type(err) ~= "string" then fail("expected an error message, got " .. tostring(err), 1) end
    if type(texts) == "string" then texts = { texts } end
    for _, text in ipairs(texts) do
        if not err:find(text, 1, true) then fail(("error %q does not mention %q"):format(err, text), 1) end
    end
    return err
end

function M.run()
    local passed, failed = 0, 0
    for _, t in ipairs(tests) do
        local ok, err = xpcall(t.fn, debug.traceback)
        if ok then
            passed = passed + 1
            print("ok   " .. t.name)
        else
            failed = failed + 1
            print("FAIL " .. t.name .. ": " .. tostring(err))
        end
    end
    print(("%d passed, %d failed"):format(passed, failed))
    os.exit(failed == 0 and 0 or 1)
end

--- The spans of an OTLP JSON lines file, decoded by the OpenTelemetry schema's own code
--- (tests/otlp/decode.js), as a list of { span = ..., scope = ..., resource = ... }.
function M.decode_file(path)
    local here = debug.getinfo(1, "S").source:match("^@(.*/)runner%.lua$") or "./"
    local pipe = assert(io.popen(("node %s../otlp/decode.js --jsonl --lua %q"):format(here, path)))
    local text = pipe:read("*a")
    pipe:close()
    local chunk = assert(loadstring(text), "decode.js printed no Lua table: " .. text:sub(1, 200))
    local spans = {}
    for _, request in ipairs(chunk()) do
        for _, rs in ipairs(request.resourceSpans or {}) do
            for _, ss in ipairs(rs.scopeSpans or {}) do
                for _, span in ipairs(ss.spans or {}) do
                    spans[#spans + 1] = { span = span, scope = ss.scope, resource = rs.resource }
                end
            end
        end
    end
    return spans
end

--- An attribute's value from a decoded span (the OTLP AnyValue's one field), or nil.
function M.attribute(list, key)
    for _, attribute in ipairs(list or {}) do
        if attribute.key == key then
            local v = attribute.value
            if v.stringValue ~= nil then return v.stringValue end
            if v.intValue ~= nil then return tonumber(v.intValue) end
            if v.doubleValue ~= nil then return v.doubleValue end
            if v.boolValue ~= nil then return v.boolValue end
            if v.arrayValue ~= nil then
                local items = {}
                for i, item in ipairs(v.arrayValue.values or {}) do
                    items[i] = item.stringValue or (item.intValue and tonumber(item.intValue)) or item.doubleValue or item.boolValue
                end
                return items
            end
            return v
        end
    end
    return nil
end

function M.hex(binary)
    return (binary:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

return M
