-- Tracers: the seed's tracing.new(name, options) and the global tracer. Each tracer's functions
-- are closures over it, so both tracer:start_span(...) and tracer.start_span(...) work, as the
-- seed's examples call them. A tracer made before the engine runs (in init_by_lua*, say) takes
-- its kt_tracer handle on first use in a worker.
local ffi = require "ffi"
local native = require "kt.native"
local engine = require "kt.engine"
local request = require "kt.request"
local span = require "kt.span"
local attributes = require "kt.attributes"

local type, tostring, select = type, tostring, select
local OK = native.OK
local INTERNAL = 1
local NOOP = span.NOOP
local new_span = span.type
local failure, bad_argument = span.failure, span.bad_argument

local M = {}

local options_buffer = ffi.new("kt_span_options")
local out_span = ffi.new("kt_span[1]")
local out_tracer = ffi.new("kt_tracer[1]")
local out_count = ffi.new("size_t[1]")
local sampled_out = ffi.new("int[1]")
local spans_capacity = 64
local spans_buffer = ffi.new("kt_span[?]", spans_capacity)

local function check_options(options, where)
    if options == nil then return true end
    if type(options) ~= "table" then return bad_argument(2, where, "options table", options) end
    local start = options.start_time_ns
    if start ~= nil and (type(start) ~= "number" or start ~= start or start < 0) and not attributes.is_int64(start) then
        return nil, where .. ": options.start_time_ns must be Unix nanoseconds, not " .. tostring(start)
    end
    local kind = options.span_kind
    if kind ~= nil and (type(kind) ~= "number" or kind < 0 or kind > 5 or kind ~= math.floor(kind)) then
        return nil, where .. ": options.span_kind must be a span kind (0 to 5), not " .. tostring(kind)
    end
    local sample = options.should_sample
    if sample ~= nil and type(sample) ~= "boolean" then
        return nil, where .. ": options.should_sample must be a boolean, not a " .. type(sample)
    end
    local parent = options.parent
    if parent ~= nil and not span.is(parent) then
        return nil, where .. ": options.parent must be a span, not a " .. type(parent)
    end
    return true
end

--- Makes a tracer. `handle` is fixed for the global tracer (0); other tracers make theirs lazily.
function M.new(name, sampling_rate, namespace, handle)
    local tracer = { name = name, sampling_rate = sampling_rate }
    local tracer_handle, tracer_epoch = handle, -1

    -- The tracer's kt handle for the running engine, or nil when it does not run.
    local function resolve()
        if not engine.ready() then return nil end
        if handle then return handle end
        if tracer_epoch ~= engine.epoch then
            local status = native.C.kt_tracer_new(name, #name, sampling_rate, namespace, #namespace, out_tracer)
            if status ~= OK then return nil end
            tracer_handle, tracer_epoch = out_tracer[0], engine.epoch
        end
        return tracer_handle
    end

    -- Drops the tracer itself when called with a colon.
    local function args(first, ...)
        if first == tracer then return ... end
        return first, ...
    end

    local function start(context, span_name, options, where)
        if type(span_name) ~= "string" then return bad_argument(1, where, "string", span_name) end
        local ok, err = check_options(options, where)
        if not ok then return nil, err end
        local t = resolve()
        if t == nil then return NOOP end
        -- Kong's spans are INTERNAL unless options.span_kind says otherwise.
        local o = options_buffer
        local anchors
        o.start_time_ns, o.kind, o.should_sample, o.parent = 0, INTERNAL, -1, 0
        o.attributes, o.attribute_count = nil, 0
        if options ~= nil then
            o.start_time_ns = options.start_time_ns or 0
            o.kind = options.span_kind or INTERNAL
            local sample = options.should_sample
            if sample ~= nil then o.should_sample = sample and 1 or 0 end
            local parent = options.parent
            if parent ~= nil then o.parent = parent.handle end
            if options.attributes ~= nil then
                anchors = attributes.pin()
                local array, count = attributes.from_table(options.attributes, anchors, where .. ": options.attributes")
                if not array then attributes.unpin() return nil, count end
                o.attributes, o.attribute_count = array, count
            end
        end
        local status = native.C.kt_start_span(t, context or 0, span_name, #span_name, o, out_span)
        if anchors then attributes.unpin() end
        if status ~= OK then return failure(status, where) end
        return new_span(out_span[0])
    end

    --- tracer:start_span(name, options): options are start_time_ns, span_kind, should_sample,
    --- parent and attributes. The parent is options.parent, else the tracer's active span.
    function tracer.start_span(...)
        local span_name, options = args(...)
        if not engine.ready() then
            if type(span_name) ~= "string" then return bad_argument(1, "start_span", "string", span_name) end
            return NOOP
        end
        return start(request.current(), span_name, options, "start_span")
    end

    --- tracer.active_span(): the tracer's active span in the current request, or nil.
    function tracer.active_span()
        local t = resolve()
        if t == nil then return nil end
        local context = request.current()
        if context == nil then return nil end
        if native.C.kt_active_span(t, context, out_span) ~= OK then return nil end
        local active = out_span[0]
        if active == 0 then return nil end
        return new_span(active)
    end

    --- tracer.set_active_span(span): nil clears it.
    function tracer.set_active_span(...)
        local s = args(...)
        if s ~= nil and not span.is(s) then return bad_argument(1, "set_active_span", "span", s) end
        local t = resolve()
        if t == nil then return true end
        local context = request.current()
        if context == nil then return true end
        local status = native.C.kt_set_active_span(t, context, s and s.handle or 0)
        if status == OK then return true end
        return failure(status, "set_active_span")
    end

    --- tracer.create_span(options): Kong's create_span, a span that is not yet the request's:
    --- its ids exist, its parent is options.parent or the active span; link_span names it and
    --- makes it the request's. Also called as tracer.create_span(nil, options).
    function tracer.create_span(...)
        local n = select("#", ...)
        local first, second = ...
        local options
        if first == tracer or (first == nil and n >= 2) then options = second else options = first end
        local ok, err = check_options(options, "create_span")
        if not ok then return nil, err end
        if not engine.ready() then return NOOP end
        local copy = nil
        if options == nil or options.parent == nil then
            copy = {}
            if options then for k, v in pairs(options) do copy[k] = v end end
            copy.parent = tracer.active_span()
        end
        return start(nil, "", copy or options, "create_span")
    end

    --- tracer.link_span(span, name, options): Kong's link_span: names a created span, moves its
    --- start to options.start_time_ns, adds options.attributes, and makes it the request's (so the
    --- end of the request releases it and process_span sees it).
    function tracer.link_span(...)
        local s, span_name, options = args(...)
        if not span.is(s) then return bad_argument(1, "link_span", "span", s) end
        if span_name ~= nil and type(span_name) ~= "string" then return bad_argument(2, "link_span", "string", span_name) end
        local ok, err = check_options(options, "link_span")
        if not ok then return nil, err end
        if s.handle == 0 then return s end
        local C = native.C
        if span_name ~= nil then
            ok, err = s:update_name(span_name)
            if not ok then return nil, err end
        end
        if options ~= nil then
            if options.start_time_ns ~= nil then
                local status = C.kt_span_set_start_time(s.handle, options.start_time_ns)
                if status ~= OK then return failure(status, "link_span") end
            end
            if options.attributes ~= nil then
                if type(options.attributes) ~= "table" then return bad_argument(3, "link_span", "table of attributes", options.attributes) end
                for key, value in pairs(options.attributes) do
                    ok, err = s:set_attribute(key, value)
                    if not ok then return nil, err end
                end
            end
        end
        local context = request.current()
        if context ~= nil then
            local status = C.kt_context_attach(context, s.handle)
            if status ~= OK then return failure(status, "link_span") end
        end
        return s
    end

    local function open_spans()
        local context = request.current()
        if context == nil then return 0 end
        local C = native.C
        if C.kt_context_spans(context, spans_buffer, spans_capacity, out_count) ~= OK then return 0 end
        local count = tonumber(out_count[0])
        if count > spans_capacity then
            spans_capacity = count * 2
            spans_buffer = ffi.new("kt_span[?]", spans_capacity)
            if C.kt_context_spans(context, spans_buffer, spans_capacity, out_count) ~= OK then return 0 end
            count = tonumber(out_count[0])
        end
        return count
    end

    --- tracer.process_span(processor, ...): calls processor(span, ...) for each span of the
    --- current request that is still open, oldest first.
    function tracer.process_span(...)
        local processor = args(...)
        if type(processor) ~= "function" then return bad_argument(1, "process_span", "function", processor) end
        local count = open_spans()
        if count == 0 then return true end
        local list = {}
        for i = 0, count - 1 do list[i + 1] = new_span(spans_buffer[i]) end
        for i = 1, count do processor(list[i], select(2, args(...))) end
        return true
    end

    --- tracer.get_root_span(): the request's oldest open span (with the Nginx module, its SERVER span).
    function tracer.get_root_span()
        if not engine.ready() then return nil end
        if open_spans() == 0 then return nil end
        return new_span(spans_buffer[0])
    end

    --- tracer:set_should_sample(should_sample): decides sampling for the rest of the request;
    --- false also stops the request's open spans from being exported.
    function tracer.set_should_sample(...)
        local should_sample = args(...)
        if type(should_sample) ~= "boolean" then return bad_argument(1, "set_should_sample", "boolean", should_sample) end
        if not engine.ready() then return true end
        local context = request.current()
        if context == nil then return true end
        local status = native.C.kt_context_set_should_sample(context, should_sample and 1 or 0)
        if status == OK then return true end
        return failure(status, "set_should_sample")
    end

    --- tracer:get_sampling_decision(parent_should_sample, sampling_rate): Kong's: false without
    --- a root span; the parent's decision when it is false; else the sampler at sampling_rate
    --- (default: the tracer's) on the request's trace id.
    function tracer.get_sampling_decision(...)
        local parent_should_sample, rate = args(...)
        if parent_should_sample ~= nil and type(parent_should_sample) ~= "boolean" then
            return bad_argument(1, "get_sampling_decision", "boolean", parent_should_sample)
        end
        if rate ~= nil and (type(rate) ~= "number" or not (rate >= 0 and rate <= 1)) then
            return nil, "get_sampling_decision: sampling_rate must be between 0 and 1, not " .. tostring(rate)
        end
        local root = tracer.get_root_span()
        if root == nil then return false end
        if parent_should_sample == false then return false end
        local trace_id = root.trace_id
        if trace_id == nil then return parent_should_sample == true end
        local status = native.C.kt_trace_sampled(trace_id, rate or tracer.sampling_rate, sampled_out)
        if status ~= OK then return failure(status, "get_sampling_decision") end
        return sampled_out[0] == 1
    end

    return tracer
end

return M
