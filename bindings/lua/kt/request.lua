-- Which kt_context a call belongs to. In an Nginx request it is the request's: the Nginx kt
-- module's when it is loaded (the one $kt_context names; the module ends it with the request, so
-- Lua spans join its trace), otherwise one this binding begins and keeps in ngx.ctx. A request's
-- context keeps its finished spans until it ends, as Kong's requests do
-- (kt_context_keep_finished), when its end is sure: the module's always; one of the binding's
-- when tracing.init was told keep_request_spans = true, a promise that log_by_lua* calls
-- tracing.end_request() (else it would end only when ngx.ctx is collected). Outside requests
-- (plain LuaJIT, timers, init_worker) one context serves the Lua state, and its spans go to
-- export as they finish, since it never ends; tracing.begin_request() gives it a request's life
-- until tracing.end_request().
local ffi = require "ffi"
local native = require "kt.native"
local engine = require "kt.engine"

local rawget = rawget

local M = {
    -- Whether request contexts keep their finished spans (tracing.init's keep_request_spans):
    -- true for every request, false for none, nil for those the Nginx module ends.
    keep_request_spans = nil,
    -- Called with ngx.ctx when a request first uses kt (kt.span_lists makes Kong's lists there).
    on_request = nil,
}

local CTX_KEY = "kt_context"
local EXTRAS_KEY = "kt_span_fields"
local REQUEST_PHASES = {
    set = true, rewrite = true, server_rewrite = true, access = true, content = true,
    header_filter = true, body_filter = true, log = true, balancer = true,
}

local out_context = ffi.new("kt_context[1]")
local state_handle, state_epoch = nil, -1
local state_extras = nil

local function begin()
    if native.C.kt_context_begin(out_context) ~= native.OK then return nil end
    return out_context[0]
end

local function end_owned(box)
    if box.owned ~= 0 and native.C then
        box.owned = 0
        native.C.kt_context_end(box.handle)
    end
end

local function state_context()
    if state_epoch ~= engine.epoch or state_handle == nil then
        state_handle, state_epoch = begin(), engine.epoch
    end
    return state_handle
end

-- A request's first use of kt: its context keeps finished spans, and Kong's span lists appear
-- in its ngx.ctx.
local function first_use(ctx, handle, owned)
    local keep = M.keep_request_spans
    if keep == nil then keep = not owned end
    if keep then native.C.kt_context_keep_finished(handle, 1) end
    if M.on_request then M.on_request(ctx) end
    return handle
end

-- The Nginx kt module's context for the current request, or nil when there is no module. The
-- module exports ngx_http_kt_lua_context for this (nginx loads modules with RTLD_GLOBAL), asked
-- with the request lua-resty-core knows: one FFI call where reading $kt_context took a variable
-- lookup by name and hex both ways. Without the module nothing is asked.
local module_context
local function find_module_context()
    pcall(ffi.cdef, "kt_context ngx_http_kt_lua_context(void *r);")
    local exported, lua_context = pcall(function() return ffi.C.ngx_http_kt_lua_context end)
    local ok_base, base = pcall(require, "resty.core.base")
    if not exported or not ok_base or type(base) ~= "table" or type(base.get_request) ~= "function" then
        return function() return nil end
    end
    local get_request = base.get_request
    return function()
        local r = get_request()
        if r == nil then return nil end
        local handle = lua_context(r)
        if handle == 0 then return nil end
        return handle
    end
end

local function request_context(ngx)
    local ctx = ngx.ctx
    local box = rawget(ctx, CTX_KEY)
    if box ~= nil then return box.handle end
    module_context = module_context or find_module_context()
    local handle = module_context()
    if handle ~= nil then
        box = ffi.new("kt_lua_context", handle, 0)
        ctx[CTX_KEY] = box
        return first_use(ctx, handle, false)
    end
    handle = begin()
    if handle == nil then return nil end
    -- Without the module nothing tells Lua that the request ended: the context is ended when
    -- ngx.ctx is collected, or at once by tracing.end_request() (e.g. in log_by_lua*).
    box = ffi.gc(ffi.new("kt_lua_context", handle, 1), end_owned)
    ctx[CTX_KEY] = box
    return first_use(ctx, handle, true)
end

local function in_request()
    local ngx = rawget(_G, "ngx")
    if ngx ~= nil and REQUEST_PHASES[ngx.get_phase()] then return ngx end
    return nil
end

--- The current context's handle, or nil when the engine does not run.
function M.current()
    if not engine.ready() then return nil end
    local ngx = in_request()
    if ngx ~= nil then
        return request_context(ngx)
    end
    return state_context()
end

--- The current request's table of span fields that are not Kong's (kt.fields), or nil when
--- there is none yet and create is false. It lives as long as the request (or, outside
--- requests, until tracing.end_request()).
function M.extras(create)
    local ngx = in_request()
    if ngx ~= nil then
        local ctx = ngx.ctx
        local extras = rawget(ctx, EXTRAS_KEY)
        if extras == nil and create then
            extras = {}
            ctx[EXTRAS_KEY] = extras
        end
        return extras
    end
    if state_extras == nil and create then state_extras = {} end
    return state_extras
end

--- Ends the current context now: releases every span it still holds and exports the finished
--- ones it kept. A context the Nginx module owns is left to the module, which ends it with the
--- request.
function M.finish()
    if not engine.ready() then return true end
    local ngx = in_request()
    if ngx ~= nil then
        local ctx = ngx.ctx
        local box = rawget(ctx, CTX_KEY)
        if box ~= nil and box.owned ~= 0 then
            ffi.gc(box, nil)
            end_owned(box)
            ctx[CTX_KEY] = nil
        end
        return true
    end
    if state_handle ~= nil and state_epoch == engine.epoch then
        native.C.kt_context_end(state_handle)
    end
    state_handle = nil
    state_extras = nil
    return true
end

--- Outside Nginx requests: ends the Lua state's context and begins one with a request's life
--- (its finished spans stay readable until M.finish()). In a request it changes nothing.
function M.begin()
    if not engine.ready() then return true end
    if in_request() ~= nil then return true end
    M.finish()
    local handle = state_context()
    if handle == nil then return nil, "begin_request: " .. native.last_error() end
    native.C.kt_context_keep_finished(handle, 1)
    return true
end

return M
