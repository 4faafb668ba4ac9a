-- kt's tracing API for LuaJIT and OpenResty, shaped as Kong's kong.tracing:
--
--   local tracing = require "kt.tracing"
--   tracing.init { service_name = "checkout" }          -- in init_worker_by_lua*, or once in LuaJIT
--   local span = tracing:start_span("my-span", { span_kind = tracing.SPAN_KIND.SERVER })
--   span:set_attribute("key", "value")
--   span:finish()
--
-- The module is the global tracer (a no-op until the engine runs); tracing.new(name, options)
-- makes others. Spans live in libkt.so's preallocated slots; a Lua span is one 64-bit handle.
local engine = require "kt.engine"
local request = require "kt.request"
local span = require "kt.span"
local tracer = require "kt.tracer"
local propagation = require "kt.propagation"

local type, tostring = type, tostring

local tracing = tracer.new("kt", 1.0, "", 0)

tracing.SPAN_KIND = { UNSPECIFIED = 0, INTERNAL = 1, SERVER = 2, CLIENT = 3, PRODUCER = 4, CONSUMER = 5 }
tracing.SPAN_STATUS = { UNSET = 0, OK = 1, ERROR = 2 }

local tracers = {}

--- tracing.new(name, options): a tracer whose spans carry `name` as their instrumentation scope,
--- with its own active span (its namespace: options.namespace, default the name) and sampling
--- rate (options.sampling_rate, default 1). The same name and options give the same tracer.
function tracing.new(name, options)
    if type(name) ~= "string" or #name == 0 then
        return nil, "bad argument #1 to 'new' (a non-empty string expected, got " .. (type(name) == "string" and "an empty string" or type(name)) .. ")"
    end
    if options ~= nil and type(options) ~= "table" then
        return nil, "bad argument #2 to 'new' (table expected, got " .. type(options) .. ")"
    end
    options = options or {}
    local rate = options.sampling_rate
    if rate == nil then rate = 1.0 end
    if type(rate) ~= "number" or not (rate >= 0 and rate <= 1) then
        return nil, "new: sampling_rate must be a number between 0 and 1, not " .. tostring(rate)
    end
    local namespace = options.namespace or name
    if type(namespace) ~= "string" then
        return nil, "new: namespace must be a string, not a " .. type(namespace)
    end
    local key = name .. "\0" .. namespace .. "\0" .. rate
    local existing = tracers[key]
    if existing then return existing end
    local made = tracer.new(name, rate, namespace, nil)
    made.new = tracing.new
    made.SPAN_KIND, made.SPAN_STATUS = tracing.SPAN_KIND, tracing.SPAN_STATUS
    tracers[key] = made
    return made
end

--- tracing.init(settings): starts the engine (kt_init's keys: exporter, endpoint, protocol,
--- headers, service_name, resource_attributes, file, sampling_rate, max_spans and the span
--- limits...); what is not given comes from the OTEL_* environment variables.
function tracing.init(settings)
    local ok, err = engine.init(settings)
    if ok and type(settings) == "table" and tonumber(settings.sampling_rate) then
        tracing.sampling_rate = tonumber(settings.sampling_rate)
    end
    return ok, err
end

tracing.shutdown = engine.shutdown
tracing.flush = engine.flush
tracing.counters = engine.counters
tracing.exporter_counters = engine.exporter_counters
tracing.input_counters = engine.input_counters

--- tracing.end_request(): releases every span the current request (or, outside Nginx requests,
--- the Lua state's context) still holds. The Nginx kt module does it at the end of each request.
tracing.end_request = request.finish

--- tracing.extract(formats, headers): continues the caller's trace (see kt.propagation).
tracing.extract = propagation.extract
tracing.PROPAGATION_FORMATS = propagation.FORMATS

--- True when v is a span.
tracing.is_span = span.is

return tracing
