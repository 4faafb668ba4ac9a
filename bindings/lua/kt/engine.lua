-- Whether the engine runs in this process, and starting and stopping it. No kt_ function is
-- called in Nginx's master (init_by_lua*): the engine's threads must not exist before workers fork.
local ffi = require "ffi"
local native = require "kt.native"

local M = {
    -- Bumped by every init and shutdown: tracer and context handles of an earlier engine are stale.
    epoch = 0,
}

local UNKNOWN, ON, OFF = 0, 1, 2
local state = UNKNOWN

-- A worker's queue of finished spans: at 150,000 spans a second, about 55 ms of spans while the
-- exporter thread waits for a core, in 4 MB of records (protobuf; 8 MB for JSON).
local WORKER_QUEUE_SIZE = 8192

local function in_nginx_master()
    local ngx = rawget(_G, "ngx")
    return ngx ~= nil and ngx.get_phase and ngx.get_phase() == "init"
end

M.in_nginx_master = in_nginx_master

local function in_init_worker()
    local ngx = rawget(_G, "ngx")
    return ngx ~= nil and ngx.get_phase and ngx.get_phase() == "init_worker"
end

--- True when spans record: tracing.init ran, or another part of the process (the Nginx module)
--- started the engine. Asks the library once; until then, and in the master, the answer is false.
function M.ready()
    if state == ON then return true end
    if state == OFF then return false end
    if in_nginx_master() then return false end
    local C = native.load()
    local running = false
    if C then
        -- The global tracer's active span without a context: answered only while an engine runs
        -- (the counters are not a test: they stay readable after a shutdown).
        local out = ffi.new("kt_span[1]")
        running = C.kt_active_span(0, 0, out) == native.OK
    end
    -- In init_worker the Nginx module may not have started the engine yet: ask again later.
    if running or not in_init_worker() then
        state = running and ON or OFF
        if running then M.epoch = M.epoch + 1 end
    end
    return running
end

local function option_text(key, value)
    local kind = type(value)
    if kind == "string" then return value end
    if kind == "number" or kind == "boolean" then return tostring(value) end
    if kind == "table" and (key == "headers" or key == "resource_attributes") then
        local parts = {}
        for k, v in pairs(value) do
            if type(k) ~= "string" or (type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean") then
                return nil, "tracing.init: " .. key .. " must map names to strings"
            end
            parts[#parts + 1] = k .. "=" .. tostring(v)
        end
        table.sort(parts)
        return table.concat(parts, ",")
    end
    return nil, "tracing.init: " .. key .. " must be a string, a number or a boolean, not a " .. kind
end

--- Starts the engine with kt_init's settings (kt.h lists the keys); settings not given come from
--- the OTEL_* environment variables. `libkt` is the path of libkt.so; `keep_request_spans` is the
--- binding's (kt.request). When the engine already runs (the Nginx module started it), it is kept
--- as it is and true is returned.
function M.init(settings)
    if settings ~= nil and type(settings) ~= "table" then
        return nil, "tracing.init: settings must be a table, not a " .. type(settings)
    end
    settings = settings or {}
    if in_nginx_master() then
        return nil, "tracing.init: call it in init_worker_by_lua*, not in init_by_lua* (the master must not start the engine)"
    end
    local libkt = settings.libkt
    if libkt ~= nil and type(libkt) ~= "string" then
        return nil, "tracing.init: libkt must be the path of libkt.so"
    end
    local C, err = native.load(libkt)
    if not C then return nil, "tracing.init: " .. err end

    -- Lua strings are bytes and routinely carry what requests sent: text that is not UTF-8 is
    -- recorded repaired (U+FFFD) unless the caller asks for refusals.
    local keys, values = {}, {}
    if settings.invalid_utf8 == nil then
        keys[1], values[1] = "invalid_utf8", "replace"
    end
    -- An Nginx worker finishes every span on its one thread: its queue is the worker's, the only
    -- one in the process, so it is larger than the engine's default (a thread pool's threads have
    -- one each), as the Nginx module's is. OTEL_BSP_MAX_QUEUE_SIZE, when set, is left to the engine.
    if settings.queue_capacity_per_thread == nil and rawget(_G, "ngx") ~= nil and os.getenv("OTEL_BSP_MAX_QUEUE_SIZE") == nil then
        keys[#keys + 1], values[#values + 1] = "queue_capacity_per_thread", tostring(WORKER_QUEUE_SIZE)
    end
    for key, value in pairs(settings) do
        if type(key) ~= "string" then
            return nil, "tracing.init: setting names must be strings, got a " .. type(key)
        end
        if key ~= "libkt" and key ~= "keep_request_spans" then
            local text, text_err = option_text(key, value)
            if not text then return nil, text_err end
            keys[#keys + 1], values[#values + 1] = key, text
        end
    end
    local options = ffi.new("kt_option[?]", #keys + 1)
    for i = 1, #keys do
        local option = options[i - 1]
        option.key.ptr, option.key.len = keys[i], #keys[i]
        option.value.ptr, option.value.len = values[i], #values[i]
    end
    local status = C.kt_init(options, #keys)
    if status == native.OK or status == native.E_ALREADY_INITIALIZED then
        state = ON
        M.epoch = M.epoch + 1
        return true
    end
    return nil, "tracing.init: " .. native.last_error()
end

--- Exports what has finished and stops the engine, waiting at most timeout_ms (default 5000).
--- Returns true, or nil and why not: spans lost since the last flush (kt_flush's reasons), or the
--- time ran out (the spans still waiting are lost and counted in dropped_after_shutdown); either
--- way the message says how many. The counters stay readable afterwards.
function M.shutdown(timeout_ms)
    if state ~= ON then return nil, "tracing.shutdown: the engine is not running" end
    if timeout_ms ~= nil and (type(timeout_ms) ~= "number" or timeout_ms < 0) then
        return nil, "tracing.shutdown: timeout_ms must be a number of milliseconds, 0 or more"
    end
    local status = native.C.kt_shutdown(timeout_ms or 5000)
    state = OFF
    M.epoch = M.epoch + 1
    if status ~= native.OK then return nil, "tracing.shutdown: " .. native.last_error() end
    return true
end

--- Exports every span finished so far, waiting at most timeout_ms (default 5000). Returns true, or
--- nil and why not: the time ran out, or spans were lost since the last flush (dropped for a full
--- queue, failed to export, rejected by the receiver), the message saying how many.
function M.flush(timeout_ms)
    if not M.ready() then return nil, "tracing.flush: the engine is not running" end
    if timeout_ms ~= nil and (type(timeout_ms) ~= "number" or timeout_ms < 0) then
        return nil, "tracing.flush: timeout_ms must be a number of milliseconds, 0 or more"
    end
    local status = native.C.kt_flush(timeout_ms or 5000)
    if status ~= native.OK then return nil, "tracing.flush: " .. native.last_error() end
    return true
end

local COUNTERS = { "spans_started", "spans_finished", "spans_sampled_out", "spans_released", "dropped_no_slot",
    "dropped_queue_full", "dropped_after_shutdown", "spans_exported", "export_failed_spans", "slots_in_use" }
local EXPORTER_COUNTERS = { "batches_exported", "spans_exported", "retries", "spans_rejected", "spans_failed", "bytes_sent" }

-- Readable while the engine runs and after it shut down (the last engine's, until the next init).
local function read(ctype, fn, names, caller)
    if in_nginx_master() then return nil, caller .. ": the engine is not running" end
    local C = native.load()
    if not C then return nil, caller .. ": the engine is not running" end
    local out = ffi.new(ctype)
    local status = C[fn](out)
    if status == native.E_NOT_INITIALIZED then return nil, caller .. ": the engine is not running" end
    if status ~= native.OK then return nil, caller .. ": " .. native.last_error() end
    local result = {}
    for _, name in ipairs(names) do result[name] = tonumber(out[name]) end
    return result
end

local INPUT_COUNTERS = { "contexts_refused", "tracestates_dropped", "values_repaired", "values_refused" }
local FORMATS = { "w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "aws", "gcp" }
local REASONS = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 19 }

--- What requests sent that libkt refused or repaired, for the whole process (kt_input_counters), with
--- the refusals by format and reason name (`refused["b3"]["bad_trace_id"]`) and the dropped tracestates
--- by reason (`tracestates["bad_key"]`), only where not zero. Works before init.
function M.input_counters()
    if in_nginx_master() then
        return nil, "tracing.input_counters: not in nginx's master (a kt_ call there would start the runtime before the fork)"
    end
    local C, err = native.load()
    if not C then return nil, "tracing.input_counters: " .. err end
    local out = ffi.new("kt_input_counters_t")
    if C.kt_input_counters(out) ~= native.OK then return nil, "tracing.input_counters: " .. native.last_error() end
    local result = { refused = {}, tracestates = {} }
    for _, name in ipairs(INPUT_COUNTERS) do result[name] = tonumber(out[name]) end
    local n = ffi.new("uint64_t[1]")
    for format, format_name in ipairs(FORMATS) do
        for _, reason in ipairs(REASONS) do
            if C.kt_contexts_refused(format, reason, n) == native.OK and n[0] > 0 then
                local by_reason = result.refused[format_name] or {}
                by_reason[ffi.string(C.kt_reason_name(reason))] = tonumber(n[0])
                result.refused[format_name] = by_reason
            end
        end
    end
    for _, reason in ipairs(REASONS) do
        if C.kt_tracestates_dropped(reason, n) == native.OK and n[0] > 0 then
            result.tracestates[ffi.string(C.kt_reason_name(reason))] = tonumber(n[0])
        end
    end
    return result
end

--- The engine's counters as a table of numbers (kt_counters); after shutdown, its final ones.
function M.counters()
    return read("kt_counters_t", "kt_counters", COUNTERS, "tracing.counters")
end

--- The exporter's counters as a table of numbers (kt_exporter_counters).
function M.exporter_counters()
    return read("kt_exporter_counters_t", "kt_exporter_counters", EXPORTER_COUNTERS, "tracing.exporter_counters")
end

return M
