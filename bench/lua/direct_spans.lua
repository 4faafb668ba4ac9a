-- The calls spans.lua's five() makes, made straight through the FFI without the binding: a
-- context, a SERVER span made active, three steps with an attribute, a CLIENT span. What the
-- binding adds per request is the difference between the two.
local ffi = require "ffi"
local native = require "kt.native"

local M = {}

local options = ffi.new("kt_span_options")
local out_span = ffi.new("kt_span[1]")
local out_context = ffi.new("kt_context[1]")
local SERVER, INTERNAL, CLIENT = 2, 1, 3

local function start(C, context, name, kind)
    options.start_time_ns, options.kind, options.should_sample, options.parent = 0, kind, -1, 0
    options.attributes, options.attribute_count = nil, 0
    C.kt_start_span(0, context, name, #name, options, out_span)
    return out_span[0]
end

function M.five()
    local C = native.C
    C.kt_context_begin(out_context)
    local context = out_context[0]
    local root = start(C, context, "request", SERVER)
    C.kt_set_active_span(0, context, root)
    for i = 1, 3 do
        local step = start(C, context, "step", INTERNAL)
        C.kt_span_set_int(step, "step.index", 10, i)
        C.kt_span_finish(step, 0)
    end
    local db = start(C, context, "db.query", CLIENT)
    C.kt_span_set_string(db, "db.system", 9, "postgresql", 10)
    C.kt_span_finish(db, 0)
    C.kt_span_set_int(root, "http.response.status_code", 25, 200)
    C.kt_span_finish(root, 0)
    C.kt_context_end(context)
end

return M
