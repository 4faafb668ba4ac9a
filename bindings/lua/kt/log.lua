-- Failures that instrumentation must not turn into a broken request (a span that could not start,
-- a field that could not be written) are returned to the caller where the call can return, and
-- written to the log once: the first time each message is seen in this Lua state. A bounded set
-- of messages is remembered, so a message that varies with its input cannot grow memory.
local rawget, tostring = rawget, tostring

local M = {}

local REMEMBERED = 256
local seen, count = {}, 0

--- Logs message at warning level (Nginx's error log, else stderr) unless it was logged before.
function M.once(message)
    message = tostring(message)
    if seen[message] then return end
    if count < REMEMBERED then
        seen[message] = true
        count = count + 1
    end
    local ngx = rawget(_G, "ngx")
    if ngx ~= nil and type(ngx.log) == "function" and ngx.WARN ~= nil then
        ngx.log(ngx.WARN, "kt: ", message)
    else
        io.stderr:write("kt: ", message, "\n")
    end
end

return M
