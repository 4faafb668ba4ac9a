/*
** kt.h: the C interface of libkt, a zero-allocation tracing engine.
**
** This header is the contract: what is not declared here is not public. Every symbol
** starts with kt_, every type with kt_, every macro with KT_.
**
** Conventions, true of every function below unless its comment says otherwise:
**
**   - Functions return an int status: KT_OK (0) or a negative KT_E_* code. Results come
**     back through out-parameters, which are written only on success.
**   - Strings are a pointer and a byte length, UTF-8, not NUL-terminated. A NULL pointer
**     with length 0 is the empty string; a NULL pointer with a non-zero length, a length
**     above KT_MAX_STRING, or bytes that are not UTF-8 give KT_E_INVALID_ARGUMENT. The
**     engine copies what it keeps; the caller's buffers are never retained.
**   - kt_errstr(code) names a code; kt_last_error() returns the calling thread's message
**     for its last failed call, naming the argument that was wrong.
**   - No call crashes the host or throws through this boundary, whatever its arguments:
**     NULL pointers, bad lengths, stale or forged handles, calls before kt_init or after
**     kt_shutdown all give a status.
**   - Nothing runs before the host's first call: loading the library starts no thread and
**     no runtime, so a process may load it, fork, and call kt_init in each child. Any kt_
**     call, even kt_abi_version, starts the runtime in the calling process: call nothing in
**     a process that will fork before the fork.
**   - Thread safety: every function may be called from any thread. A span and a context
**     must not be used by two threads at the same time.
*/
#ifndef KT_H
#define KT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header. kt_abi_version() returns the library's; a host must refuse
** to run against a library whose ABI version differs from the one it was compiled with. */
#define KT_ABI_VERSION 1

/* The longest string accepted, in bytes. */
#define KT_MAX_STRING (1 << 24)

/* Status codes, as an X-macro: XX(NAME, value, message). Codes are only ever appended.
** KT_E_SPANS_LOST is returned only by kt_flush and kt_shutdown, which returned KT_OK in its
** place before it was added: a host that logs every status other than KT_OK now sees the
** losses it used not to. */
#define KT_STATUS_MAP(XX)                                                              \
    XX(OK, 0, "success")                                                               \
    XX(E_STALE, -1, "the span has finished or was released")                           \
    XX(E_INVALID_HANDLE, -2, "not a handle of this engine")                            \
    XX(E_INVALID_ARGUMENT, -3, "an argument is out of range or malformed")            \
    XX(E_LIMIT, -4, "a limit was reached; the item was dropped and counted")           \
    XX(E_NOT_INITIALIZED, -5, "the engine is not initialised, or has shut down")       \
    XX(E_BUFFER_TOO_SMALL, -6, "the destination buffer is too small")                  \
    XX(E_ALREADY_INITIALIZED, -7, "the engine is already initialised")                 \
    XX(E_TIMEOUT, -8, "the time limit passed first")                                   \
    XX(E_INTERNAL, -9, "an internal error; kt_last_error() says which")               \
    XX(E_SPANS_LOST, -10, "spans were lost: dropped, failed to export or rejected")

typedef enum kt_status {
#define KT_STATUS_ENUM(name, value, message) KT_##name = value,
    KT_STATUS_MAP(KT_STATUS_ENUM)
#undef KT_STATUS_ENUM
    KT_STATUS_END_ = 1
} kt_status;

/* A span: 0 is the no-op span, on which every call succeeds and does nothing. */
typedef uint64_t kt_span;

/* A tracer; 0 is the global tracer. */
typedef uint64_t kt_tracer;

/* A request context, made by kt_context_begin. */
typedef uint64_t kt_context;

/* Span kinds, numbered as OpenTelemetry numbers them. */
enum {
    KT_KIND_UNSPECIFIED = 0,
    KT_KIND_INTERNAL = 1,
    KT_KIND_SERVER = 2,
    KT_KIND_CLIENT = 3,
    KT_KIND_PRODUCER = 4,
    KT_KIND_CONSUMER = 5
};

/* Status codes of a span. */
enum { KT_STATUS_UNSET = 0, KT_STATUS_OK = 1, KT_STATUS_ERROR = 2 };

/* Attribute value types. */
enum {
    KT_ATTR_STRING = 1,
    KT_ATTR_BOOL = 2,
    KT_ATTR_INT = 3,
    KT_ATTR_DOUBLE = 4,
    KT_ATTR_STRING_ARRAY = 5,
    KT_ATTR_BOOL_ARRAY = 6,
    KT_ATTR_INT_ARRAY = 7,
    KT_ATTR_DOUBLE_ARRAY = 8
};

/* A string: a pointer and a byte length. */
typedef struct kt_str {
    const char *ptr;
    size_t len;
} kt_str;

/* One attribute: a key and a value of the given type. For arrays, items points to count
** elements: kt_str for strings, uint8_t (0 or 1) for booleans, int64_t, double. */
typedef struct kt_attribute {
    kt_str key;
    int32_t type;
    union {
        kt_str string;
        int32_t boolean;
        int64_t integer;
        double real;
        struct {
            const void *items;
            size_t count;
        } array;
    } value;
} kt_attribute;

/* A configuration setting for kt_init: a key and its value as text. */
typedef struct kt_option {
    kt_str key;
    kt_str value;
} kt_option;

/* The options of kt_start_span, as the seed's start_span takes them. Zero them first
** (or use KT_SPAN_OPTIONS_INIT) and set what you need. */
typedef struct kt_span_options {
    int64_t start_time_ns;   /* Unix nanoseconds; 0 means now */
    int32_t kind;            /* KT_KIND_*; 0 is unspecified */
    int32_t should_sample;   /* -1 lets the sampler decide; 0 or 1 overrides it */
    kt_span parent;          /* 0: the tracer's active span in the context is the parent */
    const kt_attribute *attributes;
    size_t attribute_count;
} kt_span_options;

#define KT_SPAN_OPTIONS_INIT { 0, 0, -1, 0, NULL, 0 }

/* The engine's counters, as kt_counters fills them. */
typedef struct kt_counters_t {
    uint64_t spans_started;
    uint64_t spans_finished;
    uint64_t spans_sampled_out;
    uint64_t spans_released;
    uint64_t dropped_no_slot;
    uint64_t dropped_queue_full;
    uint64_t dropped_after_shutdown; /* finished after kt_shutdown began, or still waiting for
                                        export when its time limit passed */
    uint64_t spans_exported;
    uint64_t export_failed_spans;
    uint64_t slots_in_use;
} kt_counters_t;

/* The exporter's counters, as kt_exporter_counters fills them. */
typedef struct kt_exporter_counters_t {
    uint64_t batches_exported;
    uint64_t spans_exported;
    uint64_t retries;
    uint64_t spans_rejected;   /* by the receiver, in partial successes */
    uint64_t spans_failed;     /* dropped: not retryable, or out of time */
    uint64_t bytes_sent;
} kt_exporter_counters_t;

/* ---- the library --------------------------------------------------------------------- */

/* The library's ABI version; compare it with KT_ABI_VERSION. Never fails. */
int kt_abi_version(void);

/* The library's version as a NUL-terminated string, e.g. "0.1.0". Never fails; the string
** is static. */
const char *kt_version(void);

/* The name of a status code, NUL-terminated and static; "unknown status" for any other
** value. Never fails. */
const char *kt_errstr(int code);

/* The calling thread's message for its last failed call, NUL-terminated, or "" if none.
** Valid until the thread's next kt_ call. */
const char *kt_last_error(void);

/* Does nothing and returns KT_OK, before kt_init too: the cost of a call into the library,
** which the benchmarks compare with a span's. */
int kt_nop(void);

/* ---- the engine ---------------------------------------------------------------------- */

/* Starts the engine: allocates every slot and starts the exporter thread. options points
** to count settings (NULL when count is 0); unknown keys and bad values are refused and
** named. Keys: max_spans, attributes_per_span, events_per_span, links_per_span,
** event_and_link_attributes_per_span, bytes_per_span, queue_capacity_per_thread,
** max_export_batch_size, schedule_delay_ms, poll_interval_ms, sampling_rate (the global
** tracer's), and OpenTelemetry's span limits: attribute_count_limit,
** attribute_value_length_limit, event_count_limit, link_count_limit,
** event_attribute_count_limit, link_attribute_count_limit. Limits not given come from the
** OTEL_* environment variables, then OpenTelemetry's defaults. invalid_utf8 is "refuse" (the
** default: a span's name, key, value or message that is not UTF-8 gives KT_E_INVALID_ARGUMENT)
** or "replace" (such text is recorded with U+FFFD in place of each invalid sequence, as
** OpenTelemetry SDKs do, and the call succeeds): hosts that record what requests send choose
** "replace", so that a request with such bytes is still traced. Both are counted
** (kt_input_counters).
** Returns KT_OK, KT_E_INVALID_ARGUMENT, KT_E_ALREADY_INITIALIZED, KT_E_INTERNAL. */
int kt_init(const kt_option *options, size_t count);

/* Exports what has finished, stops the exporter thread and makes new spans no-ops. Waits
** at most timeout_ms. Handles stay safe to use (they report KT_E_NOT_INITIALIZED or do
** nothing). Returns KT_OK; KT_E_SPANS_LOST when spans were lost since the last kt_flush or
** kt_shutdown that reported (as kt_flush says); KT_E_TIMEOUT when the time limit passed first:
** the spans still waiting, or on their way, are not exported and are counted in
** dropped_after_shutdown. Either way kt_last_error() names how many spans were lost. Also
** KT_E_NOT_INITIALIZED, KT_E_INVALID_ARGUMENT (negative timeout). The counters stay readable
** (kt_counters, kt_exporter_counters, kt_exporter_last_error) until the next kt_init, which
** may be called afterwards. */
int kt_shutdown(int64_t timeout_ms);

/* Exports every span finished before the call, waiting at most timeout_ms. Returns KT_OK when
** the exporter was done in time and no span was lost since the last kt_flush or kt_shutdown
** that reported (or since kt_init); KT_E_SPANS_LOST when some were: dropped for a full queue,
** failed to export (a status that is not retried, such as HTTP 400, or retries that ran out of
** OTEL_EXPORTER_OTLP_TIMEOUT) or rejected by the receiver; kt_last_error() says how many, with
** the exporter's last error. Each loss is reported by one call. KT_E_TIMEOUT when the time limit
** passed first (losses seen so far are named, and reported again by the next call).
** Also KT_E_NOT_INITIALIZED, KT_E_INVALID_ARGUMENT. */
int kt_flush(int64_t timeout_ms);

/* Fills *out with the engine's counters. After kt_shutdown, the final counters of the engine
** that shut down, until the next kt_init. Returns KT_OK, KT_E_NOT_INITIALIZED (before the
** first kt_init), KT_E_INVALID_ARGUMENT (out is NULL). */
int kt_counters(kt_counters_t *out);

/* Fills *out with the exporter's counters: what it sent, retried and lost (kt_counters has
** the engine's side: spans finished, queued, dropped before export); after kt_shutdown, as
** kt_counters. Returns KT_OK, KT_E_NOT_INITIALIZED, KT_E_INVALID_ARGUMENT (out is NULL). */
int kt_exporter_counters(kt_exporter_counters_t *out);

/* Writes the exporter's last failure, naming the endpoint and the status (e.g. "HTTP 503 ...
** (retried until the 10000 ms limit)"; a gRPC status's message percent-decoded), to buffer, not
** NUL-terminated; *written is 0 when the exporter has not failed. After kt_shutdown, as
** kt_counters. OUT: *written. Returns KT_OK, KT_E_BUFFER_TOO_SMALL, KT_E_NOT_INITIALIZED,
** KT_E_INVALID_ARGUMENT. */
int kt_exporter_last_error(char *buffer, size_t capacity, size_t *written);

/* ---- tracers and contexts ------------------------------------------------------------ */

/* Creates a tracer (tracing.new): name is its instrumentation scope; sampling_rate is 0 to
** 1; ns is the namespace of its active span (the name when ns.len is 0).
** OUT: *out, the tracer. Returns KT_OK, KT_E_INVALID_ARGUMENT, KT_E_NOT_INITIALIZED. */
int kt_tracer_new(const char *name, size_t name_len, double sampling_rate,
                  const char *ns, size_t ns_len, kt_tracer *out);

/* Begins a request context. OUT: *out. Returns KT_OK, KT_E_INVALID_ARGUMENT,
** KT_E_NOT_INITIALIZED. */
int kt_context_begin(kt_context *out);

/* Ends a context: releases every span started in it that has not ended. The handle is
** stale afterwards. Returns KT_OK, KT_E_INVALID_HANDLE, KT_E_STALE, KT_E_NOT_INITIALIZED. */
int kt_context_end(kt_context context);

/* ---- spans --------------------------------------------------------------------------- */

/* Starts a span (tracer:start_span). context may be 0 (no context: no active span, and
** kt_context_end will not release it); options may be NULL. When no slot is free the span
** is the no-op span 0 and the drop is counted. OUT: *out, the span.
** Returns KT_OK, KT_E_INVALID_ARGUMENT, KT_E_INVALID_HANDLE (tracer or context),
** KT_E_STALE (context), KT_E_NOT_INITIALIZED. */
int kt_start_span(kt_tracer tracer, kt_context context, const char *name, size_t name_len,
                  const kt_span_options *options, kt_span *out);

/* Ends a span (span:finish); end_time_ns in Unix nanoseconds, 0 for now. A second call is
** KT_E_STALE and changes nothing. An end time before the span's start (its start_time_ns, or
** the time kt took when it started) is refused and the span stays open: finish it again.
** Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT (negative time, or
** before the start), KT_E_NOT_INITIALIZED. */
int kt_span_finish(kt_span span, int64_t end_time_ns);

/* Gives the slot back now without exporting the span (span:release).
** Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_NOT_INITIALIZED. */
int kt_span_release(kt_span span);

/* Sets one attribute (span:set_attribute); a key set twice keeps the last value. An empty key
** is refused (KT_E_INVALID_ARGUMENT), as every call that takes attributes refuses it.
** Returns KT_OK, KT_E_LIMIT, KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT,
** KT_E_NOT_INITIALIZED. */
int kt_span_set_attribute(kt_span span, const kt_attribute *attribute);

/* Sets count attributes in one call (span:set_attributes), in order, as count calls of
** kt_span_set_attribute would, but every attribute is checked first: a bad one (NULL
** pointer, bad length, bad UTF-8, an empty key, a kt_key never given, unknown type) changes
** nothing and is named by its index in kt_last_error(). attributes may be NULL when count is
** 0. A limit reached drops the attributes past it, counted in the export, and returns
** KT_E_LIMIT. On span 0 or a span that does not record, only the checks run. Thread-safety: as kt_span_set_attribute.
** Returns KT_OK, KT_E_LIMIT, KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT,
** KT_E_NOT_INITIALIZED. */
int kt_span_set_attributes(kt_span span, const kt_attribute *attributes, size_t count);

/* Attribute keys registered once. A caller that sets the same keys on every span (a module's
** fixed keys) may register each key once and pass its kt_key in place of its text: the key is
** checked and copied here, once, and spans refer to that copy instead of checking and copying
** the key on every call. To pass one, OR KT_ATTR_REGISTERED_KEY into the attribute's type and
** put the kt_key in key.len; key.ptr is not read. Every call that takes kt_attribute values
** accepts them. A kt_key lasts as long as the process: kt_key_register works before kt_init and
** after kt_shutdown, and every engine knows every kt_key given before it. The same text
** registered again gives the same kt_key. 0 is never a kt_key. Limits: KT_MAX_REGISTERED_KEYS
** keys and KT_MAX_REGISTERED_KEY_BYTES bytes of keys in all. Thread-safe.
** Returns KT_OK, KT_E_INVALID_ARGUMENT (NULL out; NULL, empty or bad UTF-8 key), KT_E_LIMIT. */
typedef uint32_t kt_key;
#define KT_ATTR_REGISTERED_KEY 0x100
#define KT_MAX_REGISTERED_KEYS 1024
#define KT_MAX_REGISTERED_KEY_BYTES 32768
int kt_key_register(const char *key, size_t key_len, kt_key *out);

/* Shorthands of kt_span_set_attribute for the common types; same statuses. */
int kt_span_set_string(kt_span span, const char *key, size_t key_len, const char *value, size_t value_len);
int kt_span_set_int(kt_span span, const char *key, size_t key_len, int64_t value);
int kt_span_set_double(kt_span span, const char *key, size_t key_len, double value);
int kt_span_set_bool(kt_span span, const char *key, size_t key_len, int value);

/* Adds an event (span:add_event) with count attributes; time_ns 0 means now.
** Returns KT_OK, KT_E_LIMIT, KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT,
** KT_E_NOT_INITIALIZED. */
int kt_span_add_event(kt_span span, const char *name, size_t name_len, int64_t time_ns,
                      const kt_attribute *attributes, size_t count);

/* Records an error (span:record_error): an "exception" event with exception.message.
** Same statuses as kt_span_add_event. */
int kt_span_record_error(kt_span span, const char *message, size_t message_len);

/* Sets the status (span:set_status): KT_STATUS_UNSET is ignored, KT_STATUS_OK is final, the
** message is kept for KT_STATUS_ERROR only. Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE,
** KT_E_INVALID_ARGUMENT, KT_E_NOT_INITIALIZED. */
int kt_span_set_status(kt_span span, int code, const char *message, size_t message_len);

/* Links the span to another: trace_id is 16 bytes, span_id 8 (network order), neither all
** zero. Returns KT_OK, KT_E_LIMIT, KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT,
** KT_E_NOT_INITIALIZED. */
int kt_span_add_link(kt_span span, const uint8_t *trace_id, const uint8_t *span_id, uint8_t flags,
                     const kt_attribute *attributes, size_t count);

/* The span's ids and sampled flag. OUT: trace_id (16 bytes), span_id (8 bytes), *sampled
** (0 or 1); any may be NULL. For the no-op span the ids are zero. A finished span that its
** context keeps (kt_context_keep_finished) still has its ids. Returns KT_OK, KT_E_STALE,
** KT_E_INVALID_HANDLE, KT_E_NOT_INITIALIZED. */
int kt_span_ids(kt_span span, uint8_t *trace_id, uint8_t *span_id, int *sampled);

/* ---- the active span ----------------------------------------------------------------- */

/* The tracer's active span in the context (tracer.active_span), 0 when none.
** OUT: *out. Returns KT_OK, KT_E_INVALID_HANDLE, KT_E_STALE, KT_E_INVALID_ARGUMENT,
** KT_E_NOT_INITIALIZED. */
int kt_active_span(kt_tracer tracer, kt_context context, kt_span *out);

/* Makes span the tracer's active span in the context (tracer.set_active_span); 0 clears
** it. Returns KT_OK, KT_E_INVALID_HANDLE, KT_E_STALE, KT_E_NOT_INITIALIZED. */
int kt_set_active_span(kt_tracer tracer, kt_context context, kt_span span);

/* ---- a request's spans (what Kong's plugins use beside the seed's calls) --------------- */

/* Renames a span (OpenTelemetry's UpdateName; Kong's link_span names a created span). Does
** nothing to an unsampled span. Returns KT_OK, KT_E_LIMIT (no room left in the span's text
** storage), KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT, KT_E_NOT_INITIALIZED. */
int kt_span_update_name(kt_span span, const char *name, size_t name_len);

/* Moves a span's start to start_time_ns, Unix nanoseconds greater than 0 (Kong's link_span
** times a created span). Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE,
** KT_E_INVALID_ARGUMENT, KT_E_NOT_INITIALIZED. */
int kt_span_set_start_time(kt_span span, int64_t start_time_ns);

/* Makes a span started with context 0 (Kong's create_span) one of the context's spans, so
** kt_context_end releases it (Kong's link_span). A span already in this context is left as it
** is; one in another context is refused. The no-op span 0 succeeds and does nothing.
** Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE (span or context), KT_E_INVALID_ARGUMENT,
** KT_E_NOT_INITIALIZED. */
int kt_context_attach(kt_context context, kt_span span);

/* The context's open spans, and the finished ones it keeps (kt_context_keep_finished), oldest
** first, so spans[0] is the request's root span (Kong's get_root_span and process_span). Writes
** at most capacity handles (spans may be NULL when capacity is 0). OUT: *count, how many spans
** there are, which may exceed capacity.
** Returns KT_OK, KT_E_INVALID_HANDLE, KT_E_STALE, KT_E_INVALID_ARGUMENT, KT_E_NOT_INITIALIZED. */
int kt_context_spans(kt_context context, kt_span *spans, size_t capacity, size_t *count);

/* Decides sampling for the rest of the request (Kong's set_should_sample): every span started
** in the context afterwards is sampled when should_sample is 1 and not when it is 0, whatever
** the sampler or the parent says. With 0, the context's open spans stop recording and are not
** exported, nor are the finished spans it keeps; with 1, spans that were started unsampled
** stay so (they recorded nothing).
** kt_context_end forgets the decision. Returns KT_OK, KT_E_INVALID_HANDLE, KT_E_STALE,
** KT_E_INVALID_ARGUMENT (should_sample not 0 or 1), KT_E_NOT_INITIALIZED. */
int kt_context_set_should_sample(kt_context context, int should_sample);

/* The sampler's decision for a trace at a rate (Kong's get_sampling_decision): trace_id is
** 16 bytes, not all zero; sampling_rate is 0 to 1. Every process decides the same for the same
** trace. Works before kt_init. OUT: *sampled (0 or 1). Returns KT_OK, KT_E_INVALID_ARGUMENT. */
int kt_trace_sampled(const uint8_t *trace_id, double sampling_rate, int *sampled);

/* Makes the context keep its finished spans, as Kong's requests keep theirs until the log
** phase, when keep is 1: a span of the context that finishes afterwards stays in it, and its
** handles can still be read (kt_span_info, kt_span_ids, kt_context_spans...) and take
** kt_span_set_trace_id, kt_span_set_parent_id and kt_span_withdraw, until kt_context_end,
** which exports it. Every other call on it gives KT_E_STALE, as on any finished span. Nothing
** is copied when a span finishes: what keeping costs is the span's slot, held until the end of
** the context, and its export waiting for it. With 0 (the default), spans that finish go to
** export at once. kt_context_end sets it back to 0. Returns KT_OK, KT_E_INVALID_HANDLE,
** KT_E_STALE, KT_E_INVALID_ARGUMENT (keep not 0 or 1), KT_E_NOT_INITIALIZED. */
int kt_context_keep_finished(kt_context context, int keep);

/* kt_start_span, continuing a trace given by its ids (Kong's start_span options trace_id and
** parent_id) when the span has no local parent (options->parent, else the tracer's active span
** in the context), in which case they are ignored, as Kong ignores them. trace_id (16 bytes):
** the trace to join, NULL for a new one; parent_span_id (8 bytes): the parent in another
** process, NULL for none. They come before the context's remote parent (kt_context_extract).
** The sampler decides on the trace id unless options->should_sample or the context
** (kt_context_set_should_sample) does. Returns what kt_start_span returns, and
** KT_E_INVALID_ARGUMENT for an id that is all zero. */
int kt_start_span_in_trace(kt_tracer tracer, kt_context context, const char *name, size_t name_len,
                           const kt_span_options *options, const uint8_t *trace_id,
                           const uint8_t *parent_span_id, kt_span *out);

/* ---- reading a span (Kong's span fields) ---------------------------------------------- */

/* What kt_span_info reads of a span. The strings point into the engine's storage of the span:
** valid until the span next changes, and at most until it is exported or released (the end of
** its context for a kept span); copy what you keep. */
typedef struct kt_span_info_t {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t parent_span_id[8];  /* all zero for a root span */
    kt_span parent;             /* the local parent while it can still be read, else 0 */
    kt_str name;                /* empty for a span that does not record */
    kt_str tracer;              /* the name of the tracer that started it */
    kt_str tracer_namespace;    /* the namespace of that tracer's active span */
    kt_str status_message;
    int64_t start_time_ns;      /* Unix nanoseconds */
    int64_t end_time_ns;        /* Unix nanoseconds; 0 while the span is open */
    int32_t kind;               /* KT_KIND_* */
    int32_t status;             /* KT_STATUS_* */
    int32_t sampled;            /* 1 when the span is to be exported */
    int32_t recording;          /* 1 while it is open and sampled */
    int32_t finished;           /* 1 for a finished span its context keeps */
    int32_t in_context;         /* 1 when it belongs to a context (Kong's linked) */
    int32_t parent_is_remote;   /* 1 when the parent is in another process */
    uint32_t attribute_count;
    uint32_t event_count;
    uint32_t link_count;
} kt_span_info_t;

/* Reads a span: an open one, or a finished one its context keeps. Costs nothing unless called:
** the fields are read in place. For the no-op span everything is zero. OUT: *out.
** Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT (out NULL),
** KT_E_NOT_INITIALIZED. */
int kt_span_info(kt_span span, kt_span_info_t *out);

/* Attribute index of the span (event -1) or of its event number event, as a kt_attribute whose
** strings and arrays point into the span's storage, valid as kt_span_info's strings are.
** Integer and float arrays are 8-byte aligned; for a string array value.array.items is NULL
** and kt_span_attribute_string reads its elements. OUT: *out. Returns KT_OK, KT_E_STALE,
** KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT (out NULL, event below -1 or not below the event
** count, index not below the attribute count), KT_E_NOT_INITIALIZED. */
int kt_span_attribute(kt_span span, int32_t event, size_t index, kt_attribute *out);

/* Element item of the string array that is attribute index of the span (event -1) or of its
** event number event. OUT: *out. Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE,
** KT_E_INVALID_ARGUMENT (as kt_span_attribute's, and: the attribute is not a string array,
** item not below its length), KT_E_NOT_INITIALIZED. */
int kt_span_attribute_string(kt_span span, int32_t event, size_t index, size_t item, kt_str *out);

/* Event index of the span: its name, time (Unix nanoseconds) and number of attributes. OUT:
** *name, *time_ns, *attribute_count; any may be NULL. Returns KT_OK, KT_E_STALE,
** KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT (index not below the event count),
** KT_E_NOT_INITIALIZED. */
int kt_span_event(kt_span span, size_t index, kt_str *name, int64_t *time_ns, size_t *attribute_count);

/* ---- writing Kong's span fields -------------------------------------------------------- */

/* Removes an attribute of an open span (Kong's set_attribute(key, nil)); a key the span does
** not have changes nothing. The span 0 succeeds and does nothing. Returns KT_OK, KT_E_STALE,
** KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT (key), KT_E_NOT_INITIALIZED. */
int kt_span_remove_attribute(kt_span span, const char *key, size_t key_len);

/* Moves a span, open or finished and kept, into the trace trace_id (16 bytes, not all zero):
** Kong's span.trace_id = id, which its opentelemetry plugin writes to continue a remote trace.
** Spans started under it afterwards join that trace; spans started before keep theirs. The
** span 0 succeeds and does nothing. Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE,
** KT_E_INVALID_ARGUMENT (trace_id NULL or all zero), KT_E_NOT_INITIALIZED. */
int kt_span_set_trace_id(kt_span span, const uint8_t *trace_id);

/* Makes a span, open or finished and kept, the child of parent_span_id (8 bytes), a span in
** another process (Kong's span.parent_id = id); NULL or all zero makes it a root. The span 0
** succeeds and does nothing. Returns KT_OK, KT_E_STALE, KT_E_INVALID_HANDLE,
** KT_E_NOT_INITIALIZED. */
int kt_span_set_parent_id(kt_span span, const uint8_t *parent_span_id);

/* Withdraws a span, open or finished and kept, from export (Kong's span.should_sample = false):
** it records nothing more and its sampled flag is cleared. There is no way back: a span that
** did not record has nothing to export. The span 0 succeeds and does nothing. Returns KT_OK,
** KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_NOT_INITIALIZED. */
int kt_span_withdraw(kt_span span);

/* ---- W3C trace context --------------------------------------------------------------- */

/* Takes the remote parent from incoming traceparent and tracestate headers (W3C Trace Context
** Level 2), with the rules of kt_context_extract_headers: the headers' bytes are parsed as they
** are (they need not be UTF-8). An invalid traceparent gives KT_E_INVALID_ARGUMENT and leaves no
** parent (a new trace starts). The tracestate is kept as a list: its members without the
** whitespace and empty members around them, a repeated key kept once (the first), cut to 512
** bytes by whole members (those over 128 characters first, then from the end); a malformed
** member or more than 32 members drop it whole, counted, and a valid traceparent beside it is
** kept (KT_OK). A host that received several tracestate lines may pass them joined with commas
** (or pass the lines to kt_context_extract_headers). Any refused call, a bad pointer or length
** included, leaves the context with no remote parent, never one from an earlier call. Returns
** KT_OK, KT_E_INVALID_ARGUMENT, KT_E_INVALID_HANDLE, KT_E_STALE, KT_E_NOT_INITIALIZED. */
int kt_context_extract(kt_context context, const char *traceparent, size_t traceparent_len,
                       const char *tracestate, size_t tracestate_len);

/* Writes the span's traceparent (55 bytes, not NUL-terminated) to buffer.
** OUT: *written. Returns KT_OK, KT_E_BUFFER_TOO_SMALL, KT_E_STALE, KT_E_INVALID_HANDLE,
** KT_E_INVALID_ARGUMENT, KT_E_NOT_INITIALIZED. */
int kt_span_inject(kt_span span, char *buffer, size_t capacity, size_t *written);

/* Writes the span's tracestate (inherited from a remote parent, sampled or not; often empty) to
** buffer, not NUL-terminated, at most 512 bytes: what to send on as the tracestate header beside
** kt_span_inject's traceparent.
** OUT: *written (0 for an empty tracestate). Returns KT_OK, KT_E_BUFFER_TOO_SMALL, KT_E_STALE,
** KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT, KT_E_NOT_INITIALIZED. */
int kt_span_tracestate(kt_span span, char *buffer, size_t capacity, size_t *written);

/* ---- trace-context formats ------------------------------------------------------------ */

/* The trace-context header formats, numbered and named as Kong's propagation settings name
** them. Header names match in any case when read, and are written in lower case. */
enum {
    KT_FORMAT_W3C = 1,       /* "w3c": traceparent, tracestate */
    KT_FORMAT_B3 = 2,        /* "b3": X-B3-TraceId, X-B3-SpanId, X-B3-ParentSpanId, X-B3-Sampled, X-B3-Flags */
    KT_FORMAT_B3_SINGLE = 3, /* "b3-single": b3 */
    KT_FORMAT_JAEGER = 4,    /* "jaeger": uber-trace-id */
    KT_FORMAT_OT = 5,        /* "ot": ot-tracer-traceid, ot-tracer-spanid, ot-tracer-sampled */
    KT_FORMAT_DATADOG = 6,   /* "datadog": x-datadog-trace-id, x-datadog-parent-id,
                                x-datadog-sampling-priority, x-datadog-tags (_dd.p.tid) */
    KT_FORMAT_AWS = 7,       /* "aws": X-Amzn-Trace-Id */
    KT_FORMAT_GCP = 8        /* "gcp": X-Cloud-Trace-Context */
};

/* What kt_span_inject_headers writes at most, for any format: a buffer of KT_INJECT_MAX_BYTES
** and KT_INJECT_MAX_HEADERS headers always suffice. */
#define KT_INJECT_MAX_BYTES 1024
#define KT_INJECT_MAX_HEADERS 4

/* One HTTP header: a name and a value. */
typedef struct kt_header {
    kt_str name;
    kt_str value;
} kt_header;

/* The format of a name: "w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "aws" or "gcp",
** in any ASCII case. OUT: *out, a KT_FORMAT_* value. Works before kt_init. Returns KT_OK,
** KT_E_INVALID_ARGUMENT (an unknown name, which kt_last_error quotes; bad UTF-8; out NULL). */
int kt_format_from_name(const char *name, size_t name_len, int *out);

/* Takes the remote parent from a request's headers: tries the format_count formats in order,
** and the first whose headers are present decides (a line with an empty or blank value is
** absent). headers may hold every request header, a repeated name once per line in the
** request's order: only the ones a tried format reads are looked at, so others may hold
** anything. Repeated lines are read as HTTP reads them: several tracestate lines are one list,
** in order (as kt_context_extract keeps it; its limit of 32 members is over all the lines);
** several traceparent lines are invalid (KT_E_INVALID_ARGUMENT, a new trace starts); of the
** other formats' headers, which carry one value each, the first line that is not blank counts.
** headers and formats may be NULL only when their count is 0.
**   Valid headers give the context its remote parent, exactly as kt_context_extract does: the
** first span started in it without a local parent is its child, and follows its sampling
** decision. Where the format left the decision open (b3 or ot without a sampled header,
** datadog without a priority, aws without Sampled or with Sampled=?), the tracer's sampler
** decides. A decision without ids (b3: 0, X-B3-Sampled alone, ot-tracer-sampled alone, a
** datadog priority alone) gives no parent: a new trace starts, following that decision. An
** aws Root without Parent gives a trace without a span: new spans join that trace as roots.
**   64-bit trace ids (b3, ot, jaeger, datadog) are padded with zeros on the left to 128 bits;
** datadog takes the high 64 bits from _dd.p.tid in x-datadog-tags when it is 16 hex digits
** (a malformed _dd.p.tid is ignored, as Datadog's tracers do). Hex ids may be of either case,
** except in w3c, whose rules are kt_context_extract's.
**   A tracestate header is kept, whichever format decided, when the request's traceparent is
** valid and names the same trace (so w3c and b3 sent together keep the vendors' entries); it
** is dropped otherwise.
**   OUT: *used_format, the format that decided; 0 when no tried format's headers were present
** (no parent: a new trace starts). Present but malformed headers (a wrong length, a character
** that is not a digit, an all-zero id, a decimal above 2^64-1, a missing id, an unknown
** sampling value) give KT_E_INVALID_ARGUMENT, with kt_last_error naming the header (in lower
** case) and leave no parent; no later format is tried.
** Returns KT_OK, KT_E_INVALID_ARGUMENT (also: used_format NULL, a format that is not a
** KT_FORMAT_* value, more than 64 formats or 65536 headers, a name or value that is a NULL
** pointer with a length or longer than KT_MAX_STRING), KT_E_INVALID_HANDLE, KT_E_STALE (the
** context), KT_E_NOT_INITIALIZED. */
int kt_context_extract_headers(kt_context context, const int *formats, size_t format_count,
                               const kt_header *headers, size_t header_count, int *used_format);

/* Writes the span's headers in one format, for an outgoing request: names (lower case) and
** values (ASCII) are written into buffer, not NUL-terminated, and headers[i] point into it.
** Trace ids go out whole where the format carries 128 bits (in b3, ot and jaeger as 16 hex
** digits when the high half is zero, else 32); datadog writes the low 64 bits in decimal and,
** when the high half is not zero, _dd.p.tid in x-datadog-tags. b3, b3-single and jaeger carry
** the span's parent span id when it has one. An unsampled span writes its decision not to
** sample, and w3c its tracestate as a sampled one does. A trace id whose low 64 bits are zero
** has no datadog form (x-datadog-trace-id is those bits, and 0 is no trace): datadog then
** writes no header at all (*header_count 0). OUT: *header_count. Returns KT_OK, KT_E_BUFFER_TOO_SMALL (buffer or headers too
** small; nothing is written), KT_E_STALE, KT_E_INVALID_HANDLE, KT_E_INVALID_ARGUMENT (format
** not a KT_FORMAT_* value, the no-op span, header_count NULL, buffer or headers NULL with a
** capacity), KT_E_NOT_INITIALIZED. */
int kt_span_inject_headers(kt_span span, int format, char *buffer, size_t capacity,
                           kt_header *headers, size_t header_capacity, size_t *header_count);

/* ---- input problems and the library's log ----------------------------------------------- */

/* Why trace-context headers were refused, as the counters below count it. */
enum {
    KT_REASON_BAD_LENGTH = 2,       /* a traceparent of the wrong length */
    KT_REASON_BAD_VERSION = 3,      /* a traceparent version that is not hex, or ff */
    KT_REASON_BAD_TRACE_ID = 4,     /* a trace id of the wrong length or alphabet, or too large */
    KT_REASON_BAD_SPAN_ID = 5,      /* the same, of a span id */
    KT_REASON_BAD_FLAGS = 6,        /* flags that are not hex */
    KT_REASON_BAD_FORMAT = 7,       /* a separator missing or misplaced, a field empty or repeated */
    KT_REASON_ZERO_TRACE_ID = 8,    /* an all-zero trace id */
    KT_REASON_ZERO_SPAN_ID = 9,     /* an all-zero span id */
    KT_REASON_TOO_MANY_MEMBERS = 10,/* a tracestate of more than 32 members */
    KT_REASON_BAD_KEY = 11,         /* a tracestate key outside the grammar */
    KT_REASON_BAD_VALUE = 12,       /* a tracestate value empty, too long or outside the grammar */
    KT_REASON_DUPLICATE_KEY = 13,   /* a tracestate key given twice */
    KT_REASON_MISSING = 16,         /* a header the format requires is absent */
    KT_REASON_BAD_SAMPLING = 17,    /* a sampling field with a value its format does not define */
    KT_REASON_REPEATED_HEADER = 19  /* a header sent on several lines that must come on one */
};

/* What requests sent that kt refused or repaired, as kt_input_counters fills them. Counted for
** the whole process since the library was loaded (kt_shutdown and kt_init do not reset them). */
typedef struct kt_input_counters_t {
    uint64_t contexts_refused;     /* requests whose trace-context headers were present but
                                      malformed: no parent taken, a new trace started */
    uint64_t tracestates_dropped;  /* tracestates dropped beside a valid traceparent, kept */
    uint64_t values_repaired;      /* span text recorded with U+FFFD for its invalid UTF-8
                                      (kt_init's invalid_utf8=replace) */
    uint64_t values_refused;       /* span text refused for invalid UTF-8 (the default) */
} kt_input_counters_t;

/* Fills *out. Works before kt_init. Returns KT_OK, KT_E_INVALID_ARGUMENT (out is NULL). */
int kt_input_counters(kt_input_counters_t *out);

/* How many requests had their headers of format (a KT_FORMAT_*) refused for reason (a
** KT_REASON_*, or 0 for any). Works before kt_init. OUT: *out. Returns KT_OK,
** KT_E_INVALID_ARGUMENT (format or reason unknown, out NULL). */
int kt_contexts_refused(int format, int reason, uint64_t *out);

/* How many tracestates were dropped for reason (a KT_REASON_*, or 0 for any). Works before
** kt_init. OUT: *out. Returns KT_OK, KT_E_INVALID_ARGUMENT (reason unknown, out NULL). */
int kt_tracestates_dropped(int reason, uint64_t *out);

/* The name of a KT_REASON_* value, NUL-terminated and static ("bad_trace_id"); "unknown
** reason" for any other value. Never fails. */
const char *kt_reason_name(int reason);

/* Levels of the library's log lines. */
enum { KT_LOG_ERROR = 1, KT_LOG_WARN = 2, KT_LOG_NOTICE = 3, KT_LOG_INFO = 4 };

/* Receives a log line: message is message_len bytes of UTF-8, NUL-terminated, valid only
** during the call. */
typedef void (*kt_log_fn)(void *user, int level, const char *message, size_t message_len);

/* Sends the library's log lines to handler (with user as its first argument); NULL sends them
** to standard error again, the default ("kt: warn: ..."). Works before kt_init, and stays set
** across kt_shutdown and kt_init. The library writes a line when the exporter starts failing
** and when it delivers again, and for problems that requests cause (refused trace-context
** headers, repaired or refused text) at most one line a second for each kind,
** with the count since the previous line and one example, quoted with its non-printable bytes
** escaped: never a line per span, request or header. The handler is called from the thread
** that found the problem (the exporter's among them), must return quickly, and must not call
** kt_set_log_handler. Returns KT_OK. */
int kt_set_log_handler(kt_log_fn handler, void *user);

#ifdef __cplusplus
}
#endif

#endif /* KT_H */
