-- libkt.so through LuaJIT's FFI: the one place that declares kt.h's types and functions, and
-- finds the library. Loading runs no kt_ code, so requiring this in Nginx's master is safe;
-- the engine starts with the first kt_ call, which kt.engine keeps out of the master.
local ffi = require "ffi"

ffi.cdef [[
typedef uint64_t kt_span;
typedef uint64_t kt_tracer;
typedef uint64_t kt_context;
typedef struct kt_str { const char *ptr; size_t len; } kt_str;
typedef struct kt_attribute {
    kt_str key;
    int32_t type;
    union {
        kt_str string;
        int32_t boolean;
        int64_t integer;
        double real;
        struct { const void *items; size_t count; } array;
    } value;
} kt_attribute;
typedef struct kt_option { kt_str key; kt_str value; } kt_option;
typedef struct kt_span_options {
    int64_t start_time_ns;
    int32_t kind;
    int32_t should_sample;
    kt_span parent;
    const kt_attribute *attributes;
    size_t attribute_count;
} kt_span_options;
typedef struct kt_counters_t {
    uint64_t spans_started, spans_finished, spans_sampled_out, spans_released, dropped_no_slot,
             dropped_queue_full, dropped_after_shutdown, spans_exported, export_failed_spans, slots_in_use;
} kt_counters_t;
typedef struct kt_exporter_counters_t {
    uint64_t batches_exported, spans_exported, retries, spans_rejected, spans_failed, bytes_sent;
} kt_exporter_counters_t;
typedef struct kt_input_counters_t {
    uint64_t contexts_refused, tracestates_dropped, values_repaired, values_refused;
} kt_input_counters_t;

/* The binding's own boxes: a span is one handle, with methods (kt.span). */
typedef struct kt_lua_span { const kt_span handle; } kt_lua_span;
typedef struct kt_lua_context { kt_context handle; int owned; } kt_lua_context;

int kt_abi_version(void);
const char *kt_version(void);
const char *kt_errstr(int code);
const char *kt_last_error(void);
int kt_nop(void);
int kt_init(const kt_option *options, size_t count);
int kt_shutdown(int64_t timeout_ms);
int kt_flush(int64_t timeout_ms);
int kt_counters(kt_counters_t *out);
int kt_exporter_counters(kt_exporter_counters_t *out);
int kt_input_counters(kt_input_counters_t *out);
int kt_contexts_refused(int format, int reason, uint64_t *out);
int kt_tracestates_dropped(int reason, uint64_t *out);
const char *kt_reason_name(int reason);
int kt_tracer_new(const char *name, size_t name_len, double sampling_rate, const char *ns, size_t ns_len, kt_tracer *out);
int kt_context_begin(kt_context *out);
int kt_context_end(kt_context context);
int kt_start_span(kt_tracer tracer, kt_context context, const char *name, size_t name_len, const kt_span_options *options, kt_span *out);
int kt_span_finish(kt_span span, int64_t end_time_ns);
int kt_span_release(kt_span span);
int kt_span_set_attribute(kt_span span, const kt_attribute *attribute);
int kt_span_set_attributes(kt_span span, const kt_attribute *attributes, size_t count);
int kt_span_set_string(kt_span span, const char *key, size_t key_len, const char *value, size_t value_len);
int kt_span_set_int(kt_span span, const char *key, size_t key_len, int64_t value);
int kt_span_set_double(kt_span span, const char *key, size_t key_len, double value);
int kt_span_set_bool(kt_span span, const char *key, size_t key_len, int value);
int kt_span_add_event(kt_span span, const char *name, size_t name_len, int64_t time_ns, const kt_attribute *attributes, size_t count);
int kt_span_record_error(kt_span span, const char *message, size_t message_len);
int kt_span_set_status(kt_span span, int code, const char *message, size_t message_len);
int kt_span_ids(kt_span span, uint8_t *trace_id, uint8_t *span_id, int *sampled);
int kt_active_span(kt_tracer tracer, kt_context context, kt_span *out);
int kt_set_active_span(kt_tracer tracer, kt_context context, kt_span span);
int kt_context_extract(kt_context context, const char *traceparent, size_t traceparent_len, const char *tracestate, size_t tracestate_len);
int kt_span_inject(kt_span span, char *buffer, size_t capacity, size_t *written);
int kt_span_update_name(kt_span span, const char *name, size_t name_len);
int kt_span_set_start_time(kt_span span, int64_t start_time_ns);
int kt_context_attach(kt_context context, kt_span span);
int kt_context_spans(kt_context context, kt_span *spans, size_t capacity, size_t *count);
int kt_context_set_should_sample(kt_context context, int should_sample);
int kt_trace_sampled(const uint8_t *trace_id, double sampling_rate, int *sampled);
typedef struct kt_header { kt_str name; kt_str value; } kt_header;
int kt_format_from_name(const char *name, size_t name_len, int *out);
int kt_context_extract_headers(kt_context context, const int *formats, size_t format_count,
                               const kt_header *headers, size_t header_count, int *used_format);
int kt_span_inject_headers(kt_span span, int format, char *buffer, size_t capacity,
                           kt_header *headers, size_t header_capacity, size_t *header_count);
int kt_context_keep_finished(kt_context context, int keep);
int kt_start_span_in_trace(kt_tracer tracer, kt_context context, const char *name, size_t name_len,
                           const kt_span_options *options, const uint8_t *trace_id,
                           const uint8_t *parent_span_id, kt_span *out);
typedef struct kt_span_info_t {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t parent_span_id[8];
    kt_span parent;
    kt_str name;
    kt_str tracer;
    kt_str tracer_namespace;
    kt_str status_message;
    int64_t start_time_ns;
    int64_t end_time_ns;
    int32_t kind, status, sampled, recording, finished, in_context, parent_is_remote;
    uint32_t attribute_count, event_count, link_count;
} kt_span_info_t;
int kt_span_info(kt_span span, kt_span_info_t *out);
int kt_span_attribute(kt_span span, int32_t event, size_t index, kt_attribute *out);
int kt_span_attribute_string(kt_span span, int32_t event, size_t index, size_t item, kt_str *out);
int kt_span_event(kt_span span, size_t index, kt_str *name, int64_t *time_ns, size_t *attribute_count);
int kt_span_remove_attribute(kt_span span, const char *key, size_t key_len);
int kt_span_set_trace_id(kt_span span, const uint8_t *trace_id);
int kt_span_set_parent_id(kt_span span, const uint8_t *parent_span_id);
int kt_span_withdraw(kt_span span);
]]

local ABI_VERSION = 1

local M = {
    -- kt.h's status codes, as the functions return them.
    OK = 0, E_STALE = -1, E_INVALID_HANDLE = -2, E_INVALID_ARGUMENT = -3, E_LIMIT = -4,
    E_NOT_INITIALIZED = -5, E_BUFFER_TOO_SMALL = -6, E_ALREADY_INITIALIZED = -7, E_TIMEOUT = -8,
    E_INTERNAL = -9, E_SPANS_LOST = -10,
    -- The library's namespace once loaded; nil before.
    C = nil,
}

local function has_kt_symbols(namespace)
    return pcall(function() return namespace.kt_abi_version end)
end

local function candidates(path)
    if path then return { path } end
    local list = {}
    local from_env = os.getenv("KT_LIBRARY")
    if from_env and from_env ~= "" then list[#list + 1] = from_env end
    -- Beside this file in a checkout: bindings/lua/kt/ -> artifacts/native/libkt.so.
    local here = debug.getinfo(1, "S").source:match("^@(.*/)kt/native%.lua$")
    if here then list[#list + 1] = here .. "../../artifacts/native/libkt.so" end
    list[#list + 1] = "kt" -- the system's search path: libkt.so in LD_LIBRARY_PATH or ldconfig's
    return list
end

--- Loads libkt.so once and returns its namespace, or nil and why not. When the Nginx module
--- (or the host) has already loaded libkt.so globally, its symbols are used, so one engine
--- serves both; otherwise `path`, then $KT_LIBRARY, then the checkout's build, then "kt".
function M.load(path)
    if M.C then return M.C end
    local namespace
    if not path and has_kt_symbols(ffi.C) then
        namespace = ffi.C
    else
        local errors = {}
        for _, candidate in ipairs(candidates(path)) do
            local ok, lib = pcall(ffi.load, candidate)
            if ok then namespace = lib break end
            errors[#errors + 1] = tostring(lib)
        end
        if not namespace then
            return nil, "libkt.so not found (set KT_LIBRARY or pass libkt=): " .. table.concat(errors, "; ")
        end
    end
    local abi = namespace.kt_abi_version()
    if abi ~= ABI_VERSION then
        return nil, "libkt.so has ABI version " .. abi .. ", this binding needs " .. ABI_VERSION
    end
    M.C = namespace
    return namespace
end

--- The message of the calling thread's last failed kt_ call.
function M.last_error()
    return ffi.string(M.C.kt_last_error())
end

return M
