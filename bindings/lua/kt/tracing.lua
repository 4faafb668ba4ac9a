-- kt's tracing API for LuaJIT and OpenResty, shaped as Kong's kong.tracing:
--
--   local tracing = require "kt.tracing"
--   tracing.init { service_name = "checkout" }          -- in init_worker_by_lua*, or once in LuaJIT
--   local span = tracing:start_span("my-span", { span_kind = tracing.SPAN_KIND.SERVER })
--   span:set_attribute("key", "value")
--   span:finish()
--
-- The module is the global tracer (a no-op until the engine runs); tracing.new(name, options)
-- makes others, and so does calling a tracer, as in Kong. Spans live in libkt.so's preallocated
-- slots; a Lua span is one 64-bit handle.
local engine = require "kt.engine"
local request = require "kt.request"
local span = require "kt.span"
local tracer = require "kt.tracer"
local propagation = require "kt.propagation"
local span_lists = require "kt.span_lists"
local registry = require "kt.registry"
local noop_tracer = require "kt.noop_tracer"

local type, tostring, rawget, setmetatable = type, tostring, rawget, setmetatable

local DEFAULT_NAMESPACE = span_lists.DEFAULT_NAMESPACE

local tracing = tracer.new("kt", 1.0, DEFAULT_NAMESPACE, 0)
registry.add(tracing, "kt", DEFAULT_NAMESPACE)

tracing.SPAN_KIND = { UNSPECIFIED = 0, INTERNAL = 1, SERVER = 2, CLIENT = 3, PRODUCER = 4, CONSUMER = 5 }
tracing.SPAN_STATUS = { UNSET = 0, OK = 1, ERROR = 2 }

local tracers = {}

-- Every tracer, the global one and the no-op one included, has new and set_global_tracer, and
-- is callable as tracing.new.
local callable = { __call = function(_, ...) return tracing.new(...) end }
local function decorate(made)
    made.new = tracing.new
    made.set_global_tracer = tracing.set_global_tracer
    made.SPAN_KIND, made.SPAN_STATUS = tracing.SPAN_KIND, tracing.SPAN_STATUS
    return setmetatable(made, callable)
end

--- tracing.new(name, options): a tracer whose spans carry `name` (default "default") as their
--- instrumentation scope, with its sampling rate (options.sampling_rate, default 1). Tracers share
--- one namespace, and so one active span per request, unless options.namespace names another
--- ("KONG" is the shared one's name, as in Kong). options.noop gives Kong's no-op tracer. The same
--- name and options give the same tracer.
function tracing.new(name, options)
    if name == nil then name = "default" end
    if type(name) ~= "string" or #name == 0 then
        return nil, "bad argument #1 to 'new' (a non-empty string expected, got " .. (type(name) == "string" and "an empty string" or type(name)) .. ")"
    end
    if options ~= nil and type(options) ~= "table" then
        return nil, "bad argument #2 to 'new' (table expected, got " .. type(options) .. ")"
    end
    options = options or {}
    if options.noop then return noop_tracer end
    local rate = options.sampling_rate
    if rate == nil then rate = 1.0 end
    if type(rate) ~= "number" or not (rate >= 0 and rate <= 1) then
        return nil, "new: sampling_rate must be a number between 0 and 1, not " .. tostring(rate)
    end
    local namespace = options.namespace
    if namespace ~= nil and type(namespace) ~= "string" then
        return nil, "new: namespace must be a string, not a " .. type(namespace)
    end
    if namespace == nil or namespace == "" or namespace == "KONG" then namespace = DEFAULT_NAMESPACE end
    local key = name .. "\0" .. namespace .. "\0" .. rate
    local existing = tracers[key]
    if existing then return existing end
    local made = decorate(tracer.new(name, rate, namespace, nil))
    registry.add(made, name, namespace)
    tracers[key] = made
    return made
end

--- tracing.set_global_tracer(tracer): Kong's: makes tracer the global one, which in kt means
--- kong.tracing when a global `kong` table exists (the module itself stays the global tracer of
--- code that required it).
function tracing.set_global_tracer(t)
    if type(t) ~= "table" or type(t.start_span) ~= "function" or type(t.process_span) ~= "function" then
        return nil, "bad argument #1 to 'set_global_tracer' (a tracer expected, got " .. type(t) .. ")"
    end
    local kong = rawget(_G, "kong")
    if type(kong) == "table" then kong.tracing = t end
    return true
end

decorate(tracing)
decorate(noop_tracer)

--- tracing.init(settings): starts the engine (kt_init's keys: exporter, endpoint, protocol,
--- headers, service_name, resource_attributes, file, sampling_rate, max_spans and the span
--- limits...); what is not given comes from the OTEL_* environment variables. The binding's own:
--- libkt (the path of libkt.so) and keep_request_spans: whether a request's finished spans stay
--- readable (and listed) until it ends, as Kong's do. By default they do in requests the Nginx
--- kt module ends; true makes every request keep them, a promise that log_by_lua* calls
--- tracing.end_request() when the module is not loaded; false sends them to export as they finish.
--- It may be given again once the engine runs, and only this setting then changes.
function tracing.init(settings)
    if type(settings) == "table" and settings.keep_request_spans ~= nil then
        if type(settings.keep_request_spans) ~= "boolean" then
            return nil, "tracing.init: keep_request_spans must be a boolean, not a " .. type(settings.keep_request_spans)
        end
    end
    local ok, err = engine.init(settings)
    if ok and type(settings) == "table" then
        if tonumber(settings.sampling_rate) then tracing.sampling_rate = tonumber(settings.sampling_rate) end
        if settings.keep_request_spans ~= nil then request.keep_request_spans = settings.keep_request_spans end
    end
    return ok, err
end

tracing.shutdown = engine.shutdown
tracing.flush = engine.flush
tracing.counters = engine.counters
tracing.exporter_counters = engine.exporter_counters
tracing.input_counters = engine.input_counters

--- tracing.end_request(): releases every span the current request (or, outside Nginx requests,
--- the Lua state's context) still holds open, and exports the finished ones it kept. The Nginx kt
--- module does it at the end of each request.
tracing.end_request = request.finish

--- tracing.begin_request(): outside Nginx requests (plain LuaJIT, timers), gives the Lua state's
--- spans a request's life until tracing.end_request(): finished spans stay readable and listed
--- (process_span, get_root_span) until then. In a request it changes nothing.
tracing.begin_request = request.begin

--- tracing.extract(formats, headers): continues the caller's trace (see kt.propagation).
tracing.extract = propagation.extract
tracing.PROPAGATION_FORMATS = propagation.FORMATS

--- True when v is a span.
tracing.is_span = span.is

return tracing
