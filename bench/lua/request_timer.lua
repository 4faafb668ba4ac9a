-- Times a function inside each request with the monotonic clock, and keeps the sum and the
-- count per name in a shared dictionary (lua_shared_dict kt_request_timer), so that every
-- worker's requests count; report() gives each name's mean since the last report.
local ffi = require "ffi"

pcall(ffi.cdef, [[
typedef struct { long tv_sec; long tv_nsec; } kt_timer_timespec;
int clock_gettime(int clk_id, kt_timer_timespec *tp);
]])

local M = {}

local now_buffer = ffi.new("kt_timer_timespec")

local function now_ns()
    ffi.C.clock_gettime(1, now_buffer)
    return tonumber(now_buffer.tv_sec) * 1e9 + tonumber(now_buffer.tv_nsec)
end

function M.time(name, f)
    local started = now_ns()
    f()
    local elapsed = now_ns() - started
    local dict = ngx.shared.kt_request_timer
    dict:incr(name .. ".ns", elapsed, 0)
    dict:incr(name .. ".n", 1, 0)
end

--- "name mean-ns count" per name, one per line, then forgets them.
function M.report()
    local dict = ngx.shared.kt_request_timer
    local lines = {}
    for _, key in ipairs(dict:get_keys(0)) do
        local name = key:match("^(.*)%.n$")
        if name then
            local n = dict:get(key)
            lines[#lines + 1] = string.format("%s %.0f %d", name, dict:get(name .. ".ns") / n, n)
        end
    end
    dict:flush_all()
    table.sort(lines)
    return table.concat(lines, "\n")
end

return M
