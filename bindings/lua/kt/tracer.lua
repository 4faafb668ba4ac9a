-- Tracers: the seed's tracing.new(name, options) and the global tracer, with what Kong's core and
-- plugins use beside it. Each tracer's functions are closures over it, so both
-- tracer:start_span(...) and tracer.start_span(...) work, as the seed's examples call them. A
-- tracer made before the engine runs (in init_by_lua*, say) takes its kt_tracer handle on first
-- use in a worker.
--
-- Instrumentation must not break a request: start_span and create_span always return a span (the
-- no-op span when they cannot start one), with the reason as a second value, logged once.
local ffi = require "ffi"
local native = require "kt.native"
local engine = require "kt.engine"
local request = require "kt.request"
local span = require "kt.span"
local attributes = require "kt.attributes"
local fields = require "kt.fields"
local span_lists = require "kt.span_lists"
local log = require "kt.log"

local type, tostring, select, pairs = type, tostring, select, pairs
local OK = native.OK
local INTERNAL = 1
local NOOP = span.NOOP
local new_span = span.type
local failure, bad_argument = span.failure, span.bad_argument

local M = {}

local options_buffer = ffi.new("kt_span_options")
local out_span = ffi.new("kt_span[1]")
local out_tracer = ffi.new("kt_tracer[1]")
local sampled_out = ffi.new("int[1]")
local trace_id_buffer = ffi.new("uint8_t[16]")
local parent_id_buffer = ffi.new("uint8_t[8]")
local sampler_buffer = ffi.new("uint8_t[16]")
local info = ffi.new("kt_span_info_t")

-- A span could not start: the no-op span, and why (logged once).
local function refused(err)
    log.once(err)
    return NOOP, err
end

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
    local trace_id, parent_id = options.trace_id, options.parent_id
    if trace_id ~= nil and type(trace_id) ~= "string" then
        return nil, where .. ": options.trace_id must be a byte string, not a " .. type(trace_id)
    end
    if parent_id ~= nil and type(parent_id) ~= "string" then
        return nil, where .. ": options.parent_id must be a byte string, not a " .. type(parent_id)
    end
    local given = options.attributes
    if given ~= nil and type(given) ~= "table" then
        return nil, where .. ": options.attributes must be a table, not a " .. type(given)
    end
    return true
end

--- Makes a tracer. `namespace` is the engine namespace of its active span; `handle` is fixed for
--- the global tracer (0), other tracers make theirs lazily.
function M.new(name, sampling_rate, namespace, handle)
    local tracer = {
        name = name,
        sampling_rate = sampling_rate,
        namespace = namespace,
        -- Kong's key of this namespace's span list in ngx.ctx (see kt.span_lists).
        spans_table_key = (namespace == span_lists.DEFAULT_NAMESPACE and "KONG" or namespace) .. "_SPANS",
    }
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

    -- Kong: a span with a local parent (options.parent, else the active span) follows the
    -- parent's sampling decision, whatever options.should_sample says; every span of a trace is
    -- exported, or none.
    local function has_local_parent(t, context, parent)
        local C = native.C
        if parent ~= nil and parent.handle ~= 0 and C.kt_span_info(parent.handle, info) == OK and info.finished == 0 then
            return true
        end
        return context ~= nil and C.kt_active_span(t, context, out_span) == OK and out_span[0] ~= 0
    end

    -- kt_start_span, or kt_start_span_in_trace when Kong's trace_id or parent_id were given.
    local function start_native(t, context, span_name, o, trace_id, parent_id)
        if trace_id ~= nil or parent_id ~= nil then
            return native.C.kt_start_span_in_trace(t, context or 0, span_name, #span_name, o, trace_id, parent_id, out_span)
        end
        return native.C.kt_start_span(t, context or 0, span_name, #span_name, o, out_span)
    end

    -- The engine refused an attribute that Lua could not check (bad UTF-8): the span starts
    -- without them, then takes them one by one, and the ones refused are named.
    local function start_then_set(t, context, span_name, options, where, trace_id, parent_id)
        local o = options_buffer
        o.attributes, o.attribute_count = nil, 0
        local status = start_native(t, context, span_name, o, trace_id, parent_id)
        if status ~= OK then
            local _, message = failure(status, where)
            return refused(message)
        end
        local started = new_span(out_span[0])
        local left_out
        for key, value in pairs(options.attributes) do
            local ok, err = started:set_attribute(key, value)
            if not ok then left_out = (left_out and left_out .. "; " or "") .. where .. ": options.attributes: " .. err end
        end
        if left_out ~= nil then
            log.once(left_out)
            return started, left_out
        end
        return started
    end

    local function start(context, span_name, options, where)
        local ok, err = check_options(options, where)
        if not ok then return refused(err) end
        local t = resolve()
        if t == nil then return NOOP end
        -- Kong's spans are INTERNAL unless options.span_kind says otherwise.
        local o = options_buffer
        local anchors, left_out, trace_id, parent_id
        o.start_time_ns, o.kind, o.should_sample, o.parent = 0, INTERNAL, -1, 0
        o.attributes, o.attribute_count = nil, 0
        if options ~= nil then
            o.start_time_ns = options.start_time_ns or 0
            o.kind = options.span_kind or INTERNAL
            local parent = options.parent
            if parent ~= nil then o.parent = parent.handle end
            local sample = options.should_sample
            if sample ~= nil and not has_local_parent(t, context, parent) then o.should_sample = sample and 1 or 0 end
            if options.trace_id ~= nil then trace_id = fields.to_id(options.trace_id, trace_id_buffer, 16) end
            if options.parent_id ~= nil then parent_id = fields.to_id(options.parent_id, parent_id_buffer, 8) end
            if options.attributes ~= nil then
                anchors = attributes.pin()
                o.attributes, o.attribute_count, left_out = attributes.from_table(options.attributes, anchors, where .. ": options.attributes", true)
            end
        end
        local status = start_native(t, context, span_name, o, trace_id, parent_id)
        if anchors then attributes.unpin() end
        if status == native.E_INVALID_ARGUMENT and o.attribute_count > 0 and native.last_error():find("options.attributes", 1, true) then
            return start_then_set(t, context, span_name, options, where, trace_id, parent_id)
        end
        if status ~= OK then
            local _, message = failure(status, where)
            return refused(message)
        end
        local started = new_span(out_span[0])
        if left_out ~= nil then
            -- The span starts without the entries that cannot be attributes.
            log.once(left_out)
            return started, left_out
        end
        return started
    end

    --- tracer:start_span(name, options): options are start_time_ns, span_kind, should_sample,
    --- parent, attributes, and Kong's trace_id and parent_id (a remote trace to continue when
    --- there is no local parent). The parent is options.parent, else the tracer's active span.
    --- Always returns a span: the no-op span and the reason when it cannot start one.
    function tracer.start_span(...)
        local span_name, options = args(...)
        if type(span_name) ~= "string" or #span_name == 0 then
            return refused("bad argument #1 to 'start_span' (a non-empty string expected, got "
                .. (type(span_name) == "string" and "an empty string" or type(span_name)) .. ")")
        end
        if not engine.ready() then return NOOP end
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
        if not ok then return refused(err) end
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

    --- tracer.process_span(processor, ...): calls processor(span, ...) for each span of the
    --- current request made by a tracer of this name in this namespace, as Kong's does, oldest
    --- first, finished ones included while the request keeps them (until it ends).
    function tracer.process_span(...)
        local processor = args(...)
        if type(processor) ~= "function" then return bad_argument(1, "process_span", "function", processor) end
        if not engine.ready() then return true end
        local list = span_lists.list(namespace, name)
        for i = 1, #list do processor(list[i], select(2, args(...))) end
        return true
    end

    --- tracer.get_root_span(): the request's first span in this namespace, finished or not (with
    --- the Nginx module, its SERVER span).
    function tracer.get_root_span()
        if not engine.ready() then return nil end
        return span_lists.first(namespace)
    end

    --- tracer.get_spans(): the request's spans in this namespace, oldest first, as a new list (the
    --- list Kong keeps in ngx.ctx[tracer.spans_table_key]).
    function tracer.get_spans()
        if not engine.ready() then return {} end
        return span_lists.list(namespace)
    end

    --- tracer.init_spans(): Kong's starts an empty list; kt's list is the request's spans, which
    --- only the end of the request (or release) takes away, so it returns what get_spans does.
    tracer.init_spans = tracer.get_spans

    --- tracer:set_should_sample(should_sample): decides sampling for the rest of the request;
    --- false also withdraws the request's spans, open and finished, from export.
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

    --- tracer.sampler(trace_id, sampling_rate): Kong's sampler function, with kt's rule: the
    --- consistent probability sampler on the trace id's rightmost 56 bits (see the README). The
    --- rate defaults to the tracer's; 1 or more keeps every trace, 0 or less none. An id shorter
    --- than 8 bytes has too few random bits: nil and a message, as Kong's.
    function tracer.sampler(trace_id, rate)
        -- The field, not the argument of new: tracing.init sets the global tracer's rate.
        rate = rate or tracer.sampling_rate
        if type(rate) ~= "number" or rate ~= rate then return nil, "sampler: the sampling rate is not a number" end
        if rate >= 1 then return true end
        if rate <= 0 then return false end
        if type(trace_id) ~= "string" or #trace_id < 8 then
            return nil, "sampler: a trace id of at least 8 bytes is needed, not " .. (type(trace_id) == "string" and #trace_id .. " bytes" or "a " .. type(trace_id))
        end
        local id = fields.to_id(trace_id, sampler_buffer, 16)
        if id == nil then return false end
        -- The sampler is arithmetic in libkt.so, but any call starts its runtime: not in the master.
        if engine.in_nginx_master() then return nil, "sampler: not available in init_by_lua* (Nginx's master)" end
        if native.load() == nil then return nil, "sampler: libkt.so is not loaded" end
        if native.C.kt_trace_sampled(id, rate, sampled_out) ~= OK then return nil, "sampler: " .. native.last_error() end
        return sampled_out[0] == 1
    end

    --- tracer:get_sampling_decision(parent_should_sample, sampling_rate): Kong's: false without
    --- a root span or for a root span that only carries headers (kong.propagation_only); the
    --- parent's decision when it is false; else the sampler at sampling_rate (default: the
    --- tracer's) on the request's trace id.
    function tracer.get_sampling_decision(...)
        local parent_should_sample, rate = args(...)
        if parent_should_sample ~= nil and type(parent_should_sample) ~= "boolean" then
            return bad_argument(1, "get_sampling_decision", "boolean", parent_should_sample)
        end
        if rate ~= nil and (type(rate) ~= "number" or rate ~= rate) then
            return nil, "get_sampling_decision: sampling_rate must be a number, not " .. tostring(rate)
        end
        local root = tracer.get_root_span()
        if root == nil then return false end
        local root_attributes = root.attributes
        if root_attributes and root_attributes["kong.propagation_only"] then return false end
        if parent_should_sample == false then return false end
        local trace_id = root.trace_id
        if trace_id == nil then return parent_should_sample == true end
        local sampled, err = tracer.sampler(trace_id, rate)
        if sampled == nil then return nil, "get_sampling_decision: " .. tostring(err) end
        return sampled
    end

    return tracer
end

return M
