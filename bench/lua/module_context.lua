-- Two ways for Lua in a request to reach the kt module's context of that request: reading
-- $kt_context and parsing its 16 hex digits (what the binding did before, and what Lua code of
-- one's own can do), and asking the module through the FFI (ngx_http_kt_lua_context, what the
-- binding does now). Each raises if it finds no context, so neither can be measured empty.
local ffi = require "ffi"
require "kt.native"

pcall(ffi.cdef, "kt_context ngx_http_kt_lua_context(void *r);")
local get_request = require("resty.core.base").get_request
local C = ffi.C

local M = {}

local function from_hex(hex)
    local high, low = tonumber(hex:sub(1, 8), 16), tonumber(hex:sub(9, 16), 16)
    if not high or not low then return nil end
    return ffi.cast("uint64_t", high) * 4294967296ULL + low
end

function M.variable()
    local hex = ngx.var.kt_context
    if hex == nil or #hex ~= 16 or from_hex(hex) == nil then error("no $kt_context") end
end

function M.ffi()
    if C.ngx_http_kt_lua_context(get_request()) == 0 then error("no context from ngx_http_kt_lua_context") end
end

return M
