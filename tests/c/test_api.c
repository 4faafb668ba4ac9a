/*
** test_api.c: the whole of kt.h end to end, each test a promise of the header.
**
** Order matters: the first tests run before any kt_ call (fork) and before kt_init; the
** engine then runs with the options of k_options until test_shutdown_then_init_again, and a
** last engine checks limits given by options and by the environment.
*/
#include "test_util.h"

#include <limits.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/wait.h>

static const char k_traceparent[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
static const uint8_t k_remote_trace_id[16] = { 0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd,
                                               0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c };
static const uint8_t k_remote_span_id[8] = { 0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31 };

/* "max_spans" and "64" are read from inside a longer buffer: lengths are honoured, and
** nothing needs a NUL. link_count_limit here overrides OTEL_SPAN_LINK_COUNT_LIMIT=1 set in
** main. Every key kt.h lists is given once. */
static const char k_not_terminated[] = "max_spans=64;";
static const kt_option k_options[] = {
    { { k_not_terminated, 9 }, { k_not_terminated + 10, 2 } },
    { { S("attributes_per_span") }, { S("32") } },
    { { S("events_per_span") }, { S("8") } },
    { { S("links_per_span") }, { S("4") } },
    { { S("event_and_link_attributes_per_span") }, { S("32") } },
    { { S("bytes_per_span") }, { S("4096") } },
    { { S("queue_capacity_per_thread") }, { S("256") } },
    { { S("max_export_batch_size") }, { S("32") } },
    { { S("schedule_delay_ms") }, { S("100") } },
    { { S("poll_interval_ms") }, { S("2") } },
    { { S("sampling_rate") }, { S("1") } },
    { { S("attribute_count_limit") }, { S("32") } },
    { { S("attribute_value_length_limit") }, { S("1024") } },
    { { S("event_count_limit") }, { S("8") } },
    { { S("link_count_limit") }, { S("4") } },
    { { S("event_attribute_count_limit") }, { S("16") } },
    { { S("link_attribute_count_limit") }, { S("16") } },
};
#define OPTION_COUNT (sizeof k_options / sizeof k_options[0])

static kt_tracer g_tracer;
static kt_context g_context;

/* ---- helpers ------------------------------------------------------------------------ */

static kt_counters_t counters(void)
{
    kt_counters_t c;
    memset(&c, 0, sizeof c);
    CHECK_STATUS(kt_counters(&c), KT_OK);
    return c;
}

static kt_span start(kt_tracer tracer, kt_context context, const char *name, const kt_span_options *options)
{
    kt_span span = 0;
    CHECK_STATUS(kt_start_span(tracer, context, name, strlen(name), options, &span), KT_OK);
    CHECK(span != 0);
    return span;
}

typedef struct ids {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    int sampled;
} ids;

static ids span_ids(kt_span span)
{
    ids result;
    memset(&result, 0xEE, sizeof result);
    result.sampled = -7;
    CHECK_STATUS(kt_span_ids(span, result.trace_id, result.span_id, &result.sampled), KT_OK);
    return result;
}

static int is_lower_hex(const char *text, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++)
        if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
            return 0;
    return 1;
}

/* The trace-flags field of a traceparent: two lower-case hex digits. */
static int flags_of(const char *traceparent)
{
    const char *digits = "0123456789abcdef";
    const char *high = strchr(digits, traceparent[53]), *low = strchr(digits, traceparent[54]);
    if (traceparent[52] != '-' || traceparent[53] == '\0' || traceparent[54] == '\0' || high == NULL || low == NULL)
        return -1;
    return (int)((high - digits) * 16 + (low - digits));
}

static kt_attribute attr_string(const char *key, const char *value)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.ptr = key;
    a.key.len = strlen(key);
    a.type = KT_ATTR_STRING;
    a.value.string.ptr = value;
    a.value.string.len = strlen(value);
    return a;
}

static kt_attribute attr_scalar(const char *key, int32_t type, int64_t integer, double real)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.ptr = key;
    a.key.len = strlen(key);
    a.type = type;
    if (type == KT_ATTR_BOOL)
        a.value.boolean = (int32_t)integer;
    else if (type == KT_ATTR_INT)
        a.value.integer = integer;
    else
        a.value.real = real;
    return a;
}

static kt_attribute attr_array(const char *key, int32_t type, const void *items, size_t count)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.ptr = key;
    a.key.len = strlen(key);
    a.type = type;
    a.value.array.items = items;
    a.value.array.count = count;
    return a;
}

static const kt_str k_string_items[] = { { S("GET") }, { S("caf\xC3\xA9") }, { NULL, 0 } };
static const uint8_t k_bool_items[] = { 1, 0, 1 };
static const int64_t k_int_items[] = { 0, -1, INT64_MAX, INT64_MIN };
static const double k_double_items[] = { 0.5, -1e300, 3.25 };

/* One attribute of every type kt.h names, arrays included. */
static size_t every_type(kt_attribute *out)
{
    out[0] = attr_string("http.request.method", "GET");
    out[1] = attr_scalar("http.ok", KT_ATTR_BOOL, 1, 0);
    out[2] = attr_scalar("http.response.status_code", KT_ATTR_INT, 200, 0);
    out[3] = attr_scalar("server.load", KT_ATTR_DOUBLE, 0, 0.75);
    out[4] = attr_array("strings", KT_ATTR_STRING_ARRAY, k_string_items, 3);
    out[5] = attr_array("bools", KT_ATTR_BOOL_ARRAY, k_bool_items, 3);
    out[6] = attr_array("ints", KT_ATTR_INT_ARRAY, k_int_items, 4);
    out[7] = attr_array("doubles", KT_ATTR_DOUBLE_ARRAY, k_double_items, 3);
    return 8;
}

/* ---- before anything ---------------------------------------------------------------- */

static int child_step(int step)
{
    fprintf(stderr, "fork child %d: step %d failed: kt_last_error() \"%s\"\n", (int)getpid(), step,
            kt_last_error());
    return step;
}

/* What a forked child does with a library its parent loaded but never called. */
static int child_traces(void)
{
    kt_span span = 0;
    uint8_t trace_id[16];
    int sampled = 0;
    kt_counters_t c;
    if (kt_init(NULL, 0) != KT_OK)
        return child_step(10);
    if (kt_start_span(0, 0, S("in a child"), NULL, &span) != KT_OK || span == 0)
        return child_step(11);
    if (kt_span_ids(span, trace_id, NULL, &sampled) != KT_OK || tu_all_zero(trace_id, 16) || sampled != 1)
        return child_step(12);
    if (kt_span_finish(span, 0) != KT_OK)
        return child_step(13);
    if (kt_flush(5000) != KT_OK)
        return child_step(14);
    if (kt_counters(&c) != KT_OK || c.spans_started != 1 || c.spans_exported != 1)
        return child_step(15);
    if (kt_shutdown(5000) != KT_OK)
        return child_step(16);
    return 0;
}

/* "a process may load it, fork, and call kt_init in each child" */
static void test_fork_then_init_in_each_child(void)
{
    pid_t children[2];
    int i;
    fflush(stdout);
    fflush(stderr);
    for (i = 0; i < 2; i++) {
        children[i] = fork();
        if (children[i] == 0)
            _exit(child_traces());
        CHECK(children[i] > 0);
    }
    for (i = 0; i < 2; i++) {
        int status = 0;
        if (children[i] <= 0)
            continue;
        CHECK(waitpid(children[i], &status, 0) == children[i]);
        NOTE("child %d: %s %d", i, WIFEXITED(status) ? "exit status" : "killed by signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

/* "kt_last_error() ... or "" if none" */
static void test_last_error_is_empty_before_any_failure(void)
{
    const char *message = kt_last_error();
    CHECK(message != NULL);
    CHECK(message != NULL && message[0] == '\0');
}

static void test_abi_version_matches_header(void)
{
    CHECK(kt_abi_version() == KT_ABI_VERSION);
}

/* "Does nothing and returns KT_OK, before kt_init too" */
static void test_nop_before_init(void)
{
    CHECK_STATUS(kt_nop(), KT_OK);
}

static void test_version_is_a_static_non_empty_string(void)
{
    const char *first = kt_version();
    const char *second;
    size_t i;
    CHECK(first != NULL);
    if (first == NULL)
        return;
    CHECK(first[0] != '\0');
    for (i = 0; first[i] != '\0'; i++)
        CHECK(first[i] > ' ' && first[i] < 127);
    second = kt_version();
    CHECK(second != NULL && strcmp(first, second) == 0);
}

static void test_errstr_names_every_code(void)
{
    static const struct {
        int code;
        const char *name;
    } codes[] = {
#define CODE_ENTRY(name, value, message) { KT_##name, "KT_" #name },
        KT_STATUS_MAP(CODE_ENTRY)
#undef CODE_ENTRY
    };
    static const int others[] = { 12345, 1, 2, -100, INT_MIN, INT_MAX, KT_STATUS_END_ };
    const size_t count = sizeof codes / sizeof codes[0];
    size_t i, j;
    CHECK(count == 11);
    for (i = 0; i < count; i++) {
        const char *text = kt_errstr(codes[i].code);
        NOTE("kt_errstr(%s)", codes[i].name);
        CHECK(text != NULL);
        if (text == NULL)
            continue;
        CHECK(text[0] != '\0');
        CHECK(strcmp(text, "unknown status") != 0);
        for (j = 0; j < i; j++) {
            const char *other = kt_errstr(codes[j].code);
            CHECK(other == NULL || strcmp(text, other) != 0);
        }
    }
    for (i = 0; i < sizeof others / sizeof others[0]; i++) {
        const char *text = kt_errstr(others[i]);
        NOTE("kt_errstr(%d)", others[i]);
        CHECK(text != NULL && strcmp(text, "unknown status") == 0);
    }
}

/* "calls before kt_init ... give a status": each function lists KT_E_NOT_INITIALIZED, and
** out-parameters are written only on success. */
static void test_calls_before_init_are_not_initialized(void)
{
    const kt_span made_up = 0x0123456789ABCDEFull;
    kt_span span = 777;
    kt_tracer tracer = 777;
    kt_context context = 777;
    kt_counters_t c;
    uint8_t trace_id[16], span_id[8];
    int sampled = 7;
    char buffer[64];
    size_t written = 777;
    const char *message;

    memset(&c, 0xAB, sizeof c);
    memset(trace_id, 0xAB, sizeof trace_id);
    memset(span_id, 0xAB, sizeof span_id);
    memset(buffer, 0xAB, sizeof buffer);

    CHECK_STATUS(kt_start_span(0, 0, S("early"), NULL, &span), KT_E_NOT_INITIALIZED);
    CHECK(span == 777);
    message = kt_last_error();
    CHECK(message != NULL && message[0] != '\0');
    CHECK_STATUS(kt_span_finish(made_up, 0), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_tracer_new(S("early"), 1.0, NULL, 0, &tracer), KT_E_NOT_INITIALIZED);
    CHECK(tracer == 777);
    CHECK_STATUS(kt_context_begin(&context), KT_E_NOT_INITIALIZED);
    CHECK(context == 777);
    CHECK_STATUS(kt_counters(&c), KT_E_NOT_INITIALIZED);
    CHECK(tu_all_equal(&c, 0xAB, sizeof c));
    CHECK_STATUS(kt_flush(5000), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_shutdown(5000), KT_E_NOT_INITIALIZED);

    CHECK_STATUS(kt_context_end(made_up), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_release(made_up), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_int(made_up, S("k"), 1), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_string(made_up, S("k"), S("v")), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_double(made_up, S("k"), 1.5), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_bool(made_up, S("k"), 1), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_add_event(made_up, S("e"), 0, NULL, 0), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_record_error(made_up, S("boom")), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_status(made_up, KT_STATUS_ERROR, S("boom")), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_add_link(made_up, k_remote_trace_id, k_remote_span_id, 1, NULL, 0), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_ids(made_up, trace_id, span_id, &sampled), KT_E_NOT_INITIALIZED);
    CHECK(tu_all_equal(trace_id, 0xAB, 16) && tu_all_equal(span_id, 0xAB, 8) && sampled == 7);
    CHECK_STATUS(kt_span_inject(made_up, buffer, sizeof buffer, &written), KT_E_NOT_INITIALIZED);
    CHECK(written == 777 && tu_all_equal(buffer, 0xAB, sizeof buffer));
    CHECK_STATUS(kt_active_span(0, made_up, &span), KT_E_NOT_INITIALIZED);
    CHECK(span == 777);
    CHECK_STATUS(kt_set_active_span(0, made_up, 0), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_context_extract(made_up, S(k_traceparent), NULL, 0), KT_E_NOT_INITIALIZED);
    {
        kt_attribute a = attr_scalar("k", KT_ATTR_INT, 1, 0);
        CHECK_STATUS(kt_span_set_attribute(made_up, &a), KT_E_NOT_INITIALIZED);
        CHECK_STATUS(kt_span_set_attributes(made_up, &a, 1), KT_E_NOT_INITIALIZED);
    }
}

/* ---- the engine ------------------------------------------------------------------- */

static void test_init_with_every_option_then_second_init_is_refused(void)
{
    kt_counters_t c;
    CHECK_STATUS(kt_init(k_options, OPTION_COUNT), KT_OK);
    CHECK_STATUS(kt_init(k_options, OPTION_COUNT), KT_E_ALREADY_INITIALIZED);
    CHECK_STATUS(kt_init(NULL, 0), KT_E_ALREADY_INITIALIZED);
    /* the refused calls left the first engine running */
    CHECK_STATUS(kt_counters(&c), KT_OK);
}

static void test_counters_of_a_new_engine_are_zero(void)
{
    kt_counters_t c = counters();
    CHECK(c.spans_started == 0);
    CHECK(c.spans_finished == 0);
    CHECK(c.spans_sampled_out == 0);
    CHECK(c.spans_released == 0);
    CHECK(c.dropped_no_slot == 0);
    CHECK(c.dropped_queue_full == 0);
    CHECK(c.dropped_after_shutdown == 0);
    CHECK(c.spans_exported == 0);
    CHECK(c.export_failed_spans == 0);
    CHECK(c.slots_in_use == 0);
}

static void test_tracer_and_context(void)
{
    g_tracer = 0;
    g_context = 0;
    CHECK_STATUS(kt_tracer_new(S("kt-c-tests"), 1.0, S("kt-c-tests"), &g_tracer), KT_OK);
    CHECK(g_tracer != 0); /* 0 is the global tracer */
    CHECK_STATUS(kt_context_begin(&g_context), KT_OK);
    CHECK(g_context != 0); /* 0 means no context to kt_start_span */
}

/* "For the no-op span the ids are zero"; "0 is the no-op span, on which every call succeeds" */
static void test_noop_span_accepts_every_call(void)
{
    kt_attribute all[8];
    size_t count = every_type(all);
    uint8_t trace_id[16], span_id[8];
    int sampled = 7;
    memset(trace_id, 0xAB, sizeof trace_id);
    memset(span_id, 0xAB, sizeof span_id);
    CHECK_STATUS(kt_span_ids(0, trace_id, span_id, &sampled), KT_OK);
    CHECK(tu_all_zero(trace_id, 16) && tu_all_zero(span_id, 8) && sampled == 0);
    CHECK_STATUS(kt_span_set_string(0, S("k"), S("v")), KT_OK);
    CHECK_STATUS(kt_span_set_int(0, S("k"), 1), KT_OK);
    CHECK_STATUS(kt_span_set_double(0, S("k"), 1.5), KT_OK);
    CHECK_STATUS(kt_span_set_bool(0, S("k"), 1), KT_OK);
    CHECK_STATUS(kt_span_set_attribute(0, &all[4]), KT_OK);
    CHECK_STATUS(kt_span_add_event(0, S("e"), 0, all, count), KT_OK);
    CHECK_STATUS(kt_span_record_error(0, S("boom")), KT_OK);
    CHECK_STATUS(kt_span_set_status(0, KT_STATUS_ERROR, S("boom")), KT_OK);
    CHECK_STATUS(kt_span_add_link(0, k_remote_trace_id, k_remote_span_id, 1, all, 2), KT_OK);
    CHECK_STATUS(kt_set_active_span(g_tracer, g_context, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(0, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(0, 0), KT_OK);
    CHECK_STATUS(kt_span_release(0), KT_OK);
}

/* ---- spans -------------------------------------------------------------------------- */

static void test_root_span_with_options_and_children(void)
{
    kt_attribute all[8];
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_span_options child_options = KT_SPAN_OPTIONS_INIT;
    kt_span root, child, child_null_options, explicit_child, active = 999;
    ids r, c1, c2, c3;

    options.kind = KT_KIND_SERVER;
    options.start_time_ns = INT64_C(1700000000000000000);
    options.attributes = all;
    options.attribute_count = every_type(all);
    root = start(g_tracer, g_context, "GET /users/{id}", &options);
    r = span_ids(root);
    CHECK(!tu_all_zero(r.trace_id, 16));
    CHECK(!tu_all_zero(r.span_id, 8));
    CHECK(r.sampled == 1);

    CHECK_STATUS(kt_active_span(g_tracer, g_context, &active), KT_OK);
    CHECK(active == 0);
    CHECK_STATUS(kt_set_active_span(g_tracer, g_context, root), KT_OK);
    CHECK_STATUS(kt_active_span(g_tracer, g_context, &active), KT_OK);
    CHECK(active == root);

    /* parent 0: the tracer's active span in the context is the parent */
    child_options.kind = KT_KIND_CLIENT;
    child = start(g_tracer, g_context, "SELECT users", &child_options);
    c1 = span_ids(child);
    CHECK(memcmp(c1.trace_id, r.trace_id, 16) == 0);
    CHECK(memcmp(c1.span_id, r.span_id, 8) != 0);
    CHECK(c1.sampled == 1);

    /* options may be NULL: the same defaults */
    child_null_options = start(g_tracer, g_context, "cache lookup", NULL);
    c2 = span_ids(child_null_options);
    CHECK(memcmp(c2.trace_id, r.trace_id, 16) == 0);
    CHECK(memcmp(c2.span_id, c1.span_id, 8) != 0);

    /* an explicit parent, with no context at all */
    child_options.parent = root;
    child_options.kind = KT_KIND_INTERNAL;
    explicit_child = start(g_tracer, 0, "render", &child_options);
    c3 = span_ids(explicit_child);
    CHECK(memcmp(c3.trace_id, r.trace_id, 16) == 0);

    CHECK_STATUS(kt_span_finish(explicit_child, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(child_null_options, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(child, 0), KT_OK);
    CHECK_STATUS(kt_set_active_span(g_tracer, g_context, 0), KT_OK);
    CHECK_STATUS(kt_active_span(g_tracer, g_context, &active), KT_OK);
    CHECK(active == 0);
    CHECK_STATUS(kt_span_finish(root, INT64_C(1700000000000500000)), KT_OK);
}

static void test_every_span_kind_is_accepted(void)
{
    int kind;
    for (kind = KT_KIND_UNSPECIFIED; kind <= KT_KIND_CONSUMER; kind++) {
        kt_span_options options = KT_SPAN_OPTIONS_INIT;
        kt_span span;
        options.kind = kind;
        NOTE("kind %d", kind);
        span = start(g_tracer, 0, "kind", &options);
        CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    }
}

static void test_attributes_of_every_type(void)
{
    kt_attribute all[8];
    size_t i, count = every_type(all);
    kt_span span = start(g_tracer, 0, "attributes", NULL);
    kt_attribute empty_value = attr_string("empty", "");

    CHECK_STATUS(kt_span_set_string(span, S("user.name"), S("alice")), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("user.id"), 42), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("int.min"), INT64_MIN), KT_OK);
    CHECK_STATUS(kt_span_set_double(span, S("ratio"), 0.25), KT_OK);
    CHECK_STATUS(kt_span_set_bool(span, S("cached"), 1), KT_OK);
    CHECK_STATUS(kt_span_set_bool(span, S("stale"), 0), KT_OK);
    for (i = 0; i < count; i++) {
        NOTE("attribute %s (type %d)", all[i].key.ptr, (int)all[i].type);
        CHECK_STATUS(kt_span_set_attribute(span, &all[i]), KT_OK);
    }
    NOTE("");
    /* "a key set twice keeps the last value" */
    CHECK_STATUS(kt_span_set_string(span, S("user.name"), S("bob")), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("user.name"), 7), KT_OK);
    /* "A NULL pointer with length 0 is the empty string" */
    CHECK_STATUS(kt_span_set_string(span, S("empty.null"), NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_set_attribute(span, &empty_value), KT_OK);
    /* UTF-8 of two, three and four bytes */
    CHECK_STATUS(kt_span_set_string(span, S("caf\xC3\xA9"), S("\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80")), KT_OK);
    /* not NUL-terminated: the lengths say where strings end */
    CHECK_STATUS(kt_span_set_string(span, "keyXXXX", 3, "valueYYYY", 5), KT_OK);
    /* every type again, in one call */
    CHECK_STATUS(kt_span_set_attributes(span, all, count), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

static void test_events_errors_status_and_links(void)
{
    kt_attribute all[8];
    size_t count = every_type(all);
    kt_span span = start(g_tracer, 0, "events", NULL);
    kt_span other = start(g_tracer, 0, "linked", NULL);
    ids o = span_ids(other);

    CHECK_STATUS(kt_span_add_event(span, S("cache.miss"), 0, all, count), KT_OK);
    CHECK_STATUS(kt_span_add_event(span, S("retry"), INT64_C(1700000000000000001), NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_record_error(span, S("connection refused")), KT_OK);
    CHECK_STATUS(kt_span_set_status(span, KT_STATUS_UNSET, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_set_status(span, KT_STATUS_ERROR, S("upstream unavailable")), KT_OK);
    CHECK_STATUS(kt_span_add_link(span, o.trace_id, o.span_id, 1, all, 2), KT_OK);
    /* a second link: link_count_limit=4 from kt_init overrides OTEL_SPAN_LINK_COUNT_LIMIT=1 */
    CHECK_STATUS(kt_span_add_link(span, k_remote_trace_id, k_remote_span_id, 0, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_set_status(other, KT_STATUS_OK, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(other, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "Writes the span's traceparent (55 bytes, not NUL-terminated)" */
static void test_inject_writes_the_spans_traceparent(void)
{
    kt_span span = start(g_tracer, 0, "inject", NULL);
    ids i = span_ids(span);
    char buffer[64], expected_trace[33], expected_span[17];
    size_t written = 999;

    memset(buffer, 0x5A, sizeof buffer);
    CHECK_STATUS(kt_span_inject(span, buffer, sizeof buffer, &written), KT_OK);
    CHECK(written == 55);
    tu_hex(i.trace_id, 16, expected_trace);
    tu_hex(i.span_id, 8, expected_span);
    CHECK(memcmp(buffer, "00-", 3) == 0);
    CHECK(is_lower_hex(buffer + 3, 32));
    CHECK(memcmp(buffer + 3, expected_trace, 32) == 0);
    CHECK(buffer[35] == '-');
    CHECK(is_lower_hex(buffer + 36, 16));
    CHECK(memcmp(buffer + 36, expected_span, 16) == 0);
    /* the sampled flag (01); kt.h leaves the other bits to W3C (Level 2 adds 02, random) */
    NOTE("flags \"%.2s\"", buffer + 53);
    CHECK(flags_of(buffer) >= 0 && (flags_of(buffer) & 1) == 1);
    NOTE("");
    CHECK(tu_all_equal(buffer + 55, 0x5A, sizeof buffer - 55)); /* no NUL, nothing beyond */

    memset(buffer, 0x5A, sizeof buffer);
    written = 999;
    CHECK_STATUS(kt_span_inject(span, buffer, 55, &written), KT_OK); /* exactly enough */
    CHECK(written == 55);
    CHECK(memcmp(buffer + 3, expected_trace, 32) == 0);
    CHECK(tu_all_equal(buffer + 55, 0x5A, sizeof buffer - 55));
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

static void test_extract_continues_the_remote_trace(void)
{
    kt_context context = 0;
    kt_span span, global_span;
    ids s, g;
    char buffer[55];
    size_t written = 0;
    char span_hex[17];

    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_context_extract(context, S(k_traceparent), S("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")), KT_OK);
    span = start(g_tracer, context, "continued", NULL);
    s = span_ids(span);
    CHECK(memcmp(s.trace_id, k_remote_trace_id, 16) == 0);
    CHECK(memcmp(s.span_id, k_remote_span_id, 8) != 0);
    CHECK(!tu_all_zero(s.span_id, 8));

    CHECK_STATUS(kt_span_inject(span, buffer, sizeof buffer, &written), KT_OK);
    CHECK(written == 55);
    tu_hex(s.span_id, 8, span_hex);
    CHECK(memcmp(buffer, "00-0af7651916cd43dd8448eb211c80319c-", 36) == 0);
    CHECK(memcmp(buffer + 36, span_hex, 16) == 0);
    CHECK(memcmp(buffer + 52, "-01", 3) == 0); /* the remote parent's flags, sampled */

    {
        char state[64];
        size_t state_len = 0;
        CHECK_STATUS(kt_span_tracestate(span, state, sizeof state, &state_len), KT_OK);
        CHECK(state_len == 39 && memcmp(state, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", 39) == 0);
        CHECK_STATUS(kt_span_tracestate(span, state, 10, &state_len), KT_E_BUFFER_TOO_SMALL);
        CHECK_STATUS(kt_span_tracestate(span, state, sizeof state, NULL), KT_E_INVALID_ARGUMENT);
    }

    /* the remote parent belongs to the context: the global tracer continues it too */
    global_span = start(0, context, "global", NULL);
    g = span_ids(global_span);
    CHECK(memcmp(g.trace_id, k_remote_trace_id, 16) == 0);

    CHECK_STATUS(kt_span_finish(global_span, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);

    /* the same traceparent inside a longer buffer, without tracestate */
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    {
        char longer[80];
        memcpy(longer, k_traceparent, 55);
        memcpy(longer + 55, "-trailing-junk", 14);
        CHECK_STATUS(kt_context_extract(context, longer, 55, NULL, 0), KT_OK);
    }
    span = start(g_tracer, context, "continued again", NULL);
    s = span_ids(span);
    CHECK(memcmp(s.trace_id, k_remote_trace_id, 16) == 0);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "A second call is KT_E_STALE and changes nothing"; flush "Exports every span finished
** before the call"; counters count what happened. */
static void test_finish_flush_and_counters(void)
{
    kt_counters_t before, after, again;
    kt_span spans[5];
    size_t i;

    CHECK_STATUS(kt_flush(5000), KT_OK);
    before = counters();
    for (i = 0; i < 5; i++)
        spans[i] = start(g_tracer, 0, "counted", NULL);
    for (i = 0; i < 5; i++)
        CHECK_STATUS(kt_span_finish(spans[i], 0), KT_OK);
    CHECK_STATUS(kt_flush(5000), KT_OK);
    after = counters();
    CHECK(after.spans_started - before.spans_started == 5);
    CHECK(after.spans_finished - before.spans_finished == 5);
    CHECK(after.spans_exported - before.spans_exported == 5);
    CHECK(after.spans_sampled_out == before.spans_sampled_out);
    CHECK(after.spans_released == before.spans_released);
    CHECK(after.dropped_no_slot == before.dropped_no_slot);
    CHECK(after.dropped_queue_full == before.dropped_queue_full);
    CHECK(after.dropped_after_shutdown == before.dropped_after_shutdown);
    CHECK(after.export_failed_spans == before.export_failed_spans);

    for (i = 0; i < 5; i++)
        CHECK_STATUS(kt_span_finish(spans[i], 0), KT_E_STALE);
    CHECK_STATUS(kt_flush(5000), KT_OK);
    again = counters();
    CHECK(again.spans_finished == after.spans_finished);
    CHECK(again.spans_exported == after.spans_exported);

    /* totals agree with one another */
    CHECK(again.spans_finished + again.spans_released <= again.spans_started);
    CHECK(again.spans_exported + again.dropped_queue_full + again.dropped_after_shutdown <= again.spans_finished);
    CHECK(again.slots_in_use <= 64);
}

/* "Ends a context: releases every span started in it that has not ended. The handle is
** stale afterwards." */
static void test_context_end_releases_unfinished_spans(void)
{
    kt_context context = 0, next = 0;
    kt_span unfinished, finished, outside, out = 555;
    kt_counters_t before, after;
    uint8_t trace_id[16];

    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    unfinished = start(g_tracer, context, "forgotten", NULL);
    finished = start(g_tracer, context, "done", NULL);
    outside = start(g_tracer, 0, "no context", NULL);
    CHECK_STATUS(kt_set_active_span(g_tracer, context, unfinished), KT_OK);
    CHECK_STATUS(kt_span_finish(finished, 0), KT_OK);

    before = counters();
    CHECK_STATUS(kt_context_end(context), KT_OK);
    after = counters();
    CHECK(after.spans_released == before.spans_released + 1);
    CHECK(after.spans_finished == before.spans_finished);

    CHECK_STATUS(kt_span_set_int(unfinished, S("k"), 1), KT_E_STALE);
    CHECK_STATUS(kt_span_finish(unfinished, 0), KT_E_STALE);
    CHECK_STATUS(kt_span_release(unfinished), KT_E_STALE);
    CHECK_STATUS(kt_span_ids(unfinished, trace_id, NULL, NULL), KT_E_STALE);

    /* a span started with context 0 is not released */
    CHECK_STATUS(kt_span_ids(outside, trace_id, NULL, NULL), KT_OK);
    CHECK_STATUS(kt_span_set_int(outside, S("k"), 1), KT_OK);

    /* the context handle is stale */
    CHECK_STATUS(kt_context_end(context), KT_E_STALE);
    CHECK_STATUS(kt_start_span(g_tracer, context, S("late"), NULL, &out), KT_E_STALE);
    CHECK(out == 555);
    CHECK_STATUS(kt_context_extract(context, S(k_traceparent), NULL, 0), KT_E_STALE);
    CHECK_STATUS(kt_active_span(g_tracer, context, &out), KT_E_STALE);
    CHECK(out == 555);
    CHECK_STATUS(kt_set_active_span(g_tracer, context, 0), KT_E_STALE);

    /* and stays stale when a new context begins, perhaps in the same place */
    CHECK_STATUS(kt_context_begin(&next), KT_OK);
    CHECK(next != context);
    CHECK_STATUS(kt_context_end(context), KT_E_STALE);
    CHECK_STATUS(kt_active_span(g_tracer, next, &out), KT_OK);
    CHECK(out == 0);
    CHECK_STATUS(kt_context_end(next), KT_OK);

    before = counters();
    CHECK_STATUS(kt_span_release(outside), KT_OK);
    after = counters();
    CHECK(after.spans_released == before.spans_released + 1);
}

static void test_sampling_rate_and_should_sample(void)
{
    kt_tracer never = 0;
    kt_span_options force = KT_SPAN_OPTIONS_INIT;
    kt_span unsampled, forced, vetoed;
    kt_counters_t before, after;
    ids u, f, v;
    char buffer[55];
    size_t written = 0;

    CHECK_STATUS(kt_tracer_new(S("never"), 0.0, NULL, 0, &never), KT_OK);
    before = counters();
    unsampled = start(never, 0, "unsampled", NULL);
    after = counters();
    CHECK(after.spans_sampled_out == before.spans_sampled_out + 1);
    u = span_ids(unsampled);
    CHECK(u.sampled == 0);
    CHECK(!tu_all_zero(u.trace_id, 16));
    CHECK(!tu_all_zero(u.span_id, 8));
    CHECK_STATUS(kt_span_inject(unsampled, buffer, sizeof buffer, &written), KT_OK);
    CHECK(written == 55);
    NOTE("flags \"%.2s\"", buffer + 53);
    CHECK(flags_of(buffer) >= 0 && (flags_of(buffer) & 1) == 0);
    NOTE("");
    /* an unsampled span records nothing, but every call on it is valid */
    CHECK_STATUS(kt_span_set_int(unsampled, S("k"), 1), KT_OK);
    CHECK_STATUS(kt_span_add_event(unsampled, S("e"), 0, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_set_status(unsampled, KT_STATUS_ERROR, S("x")), KT_OK);
    CHECK_STATUS(kt_span_finish(unsampled, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(unsampled, 0), KT_E_STALE);

    force.should_sample = 1;
    forced = start(never, 0, "forced", &force);
    f = span_ids(forced);
    CHECK(f.sampled == 1);
    CHECK_STATUS(kt_span_finish(forced, 0), KT_OK);

    force.should_sample = 0;
    vetoed = start(g_tracer, 0, "vetoed", &force);
    v = span_ids(vetoed);
    CHECK(v.sampled == 0);
    CHECK_STATUS(kt_span_finish(vetoed, 0), KT_OK);
}

/* "ns is the namespace of its active span (the name when ns.len is 0)" */
static void test_active_span_is_per_namespace_and_context(void)
{
    kt_tracer a = 0, b = 0, named_shared = 0, own = 0;
    kt_context other = 0;
    kt_span span, child, out = 555;
    ids s, c;

    CHECK_STATUS(kt_tracer_new(S("tracer-a"), 1.0, S("shared"), &a), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("tracer-b"), 1.0, S("shared"), &b), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("shared"), 1.0, NULL, 0, &named_shared), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("tracer-own"), 1.0, NULL, 0, &own), KT_OK);
    CHECK_STATUS(kt_context_begin(&other), KT_OK);

    span = start(a, g_context, "shared parent", NULL);
    CHECK_STATUS(kt_set_active_span(a, g_context, span), KT_OK);
    CHECK_STATUS(kt_active_span(b, g_context, &out), KT_OK);
    CHECK(out == span);
    out = 555;
    CHECK_STATUS(kt_active_span(named_shared, g_context, &out), KT_OK);
    CHECK(out == span);
    out = 555;
    CHECK_STATUS(kt_active_span(own, g_context, &out), KT_OK);
    CHECK(out == 0);
    out = 555;
    CHECK_STATUS(kt_active_span(a, other, &out), KT_OK);
    CHECK(out == 0);

    /* b's child finds a's span as its parent */
    child = start(b, g_context, "child of shared", NULL);
    s = span_ids(span);
    c = span_ids(child);
    CHECK(memcmp(s.trace_id, c.trace_id, 16) == 0);
    CHECK_STATUS(kt_span_finish(child, 0), KT_OK);

    /* 0 clears it, for every tracer of the namespace */
    CHECK_STATUS(kt_set_active_span(b, g_context, 0), KT_OK);
    out = 555;
    CHECK_STATUS(kt_active_span(a, g_context, &out), KT_OK);
    CHECK(out == 0);

    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_STATUS(kt_context_end(other), KT_OK);
}

struct thread_work {
    kt_span span;
    int set_status, event_status, finish_status;
};

static void *use_span_elsewhere(void *argument)
{
    struct thread_work *work = (struct thread_work *)argument;
    work->set_status = kt_span_set_int(work->span, S("thread"), 2);
    work->event_status = kt_span_add_event(work->span, S("on another thread"), 0, NULL, 0);
    work->finish_status = kt_span_finish(work->span, 0);
    return NULL;
}

/* "every function may be called from any thread" (one thread at a time per span) */
static void test_span_used_from_another_thread(void)
{
    struct thread_work work;
    pthread_t thread;
    memset(&work, 0, sizeof work);
    work.span = start(g_tracer, 0, "crosses threads", NULL);
    CHECK_STATUS(kt_span_set_int(work.span, S("thread"), 1), KT_OK);
    CHECK(pthread_create(&thread, NULL, use_span_elsewhere, &work) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK_STATUS(work.set_status, KT_OK);
    CHECK_STATUS(work.event_status, KT_OK);
    CHECK_STATUS(work.finish_status, KT_OK);
    CHECK_STATUS(kt_span_set_int(work.span, S("thread"), 3), KT_E_STALE);
    CHECK_STATUS(kt_flush(5000), KT_OK);
}

/* kt_shutdown: "Handles stay safe to use (they report KT_E_NOT_INITIALIZED or do nothing).
** ... After it, kt_init may be called again." */
static void test_shutdown_then_init_again(void)
{
    kt_span live = start(g_tracer, g_context, "alive at shutdown", NULL);
    kt_span fresh = 0, out = 555;
    kt_tracer tracer = 555;
    kt_context context = 555;
    kt_counters_t c;
    ids f;
    int status;

    CHECK_STATUS(kt_shutdown(5000), KT_OK);

    CHECK_STATUS(kt_flush(5000), KT_E_NOT_INITIALIZED);
    /* "The counters stay readable ... until the next kt_init" */
    CHECK_STATUS(kt_counters(&c), KT_OK);
    CHECK(c.spans_started > 0 && c.spans_exported > 0);
    CHECK_STATUS(kt_tracer_new(S("late"), 1.0, NULL, 0, &tracer), KT_E_NOT_INITIALIZED);
    CHECK(tracer == 555);
    CHECK_STATUS(kt_context_begin(&context), KT_E_NOT_INITIALIZED);
    CHECK(context == 555);
    CHECK_STATUS(kt_start_span(g_tracer, 0, S("late"), NULL, &out), KT_E_NOT_INITIALIZED);
    CHECK(out == 555);
    CHECK_STATUS(kt_start_span(0, 0, S("late"), NULL, &out), KT_E_NOT_INITIALIZED);
    CHECK(out == 555);
    CHECK_STATUS(kt_shutdown(5000), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_context_end(g_context), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_nop(), KT_OK);

    status = kt_span_set_int(live, S("k"), 1);
    NOTE("kt_span_set_int on a span alive at shutdown gave %d %s", status, tu_code_name(status));
    CHECK(status == KT_E_NOT_INITIALIZED || status == KT_OK);
    status = kt_span_finish(live, 0);
    NOTE("kt_span_finish on a span alive at shutdown gave %d %s", status, tu_code_name(status));
    CHECK(status == KT_E_NOT_INITIALIZED || status == KT_OK);
    NOTE("");

    CHECK_STATUS(kt_init(NULL, 0), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("second engine"), 1.0, NULL, 0, &tracer), KT_OK);
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_start_span(tracer, context, S("after init again"), NULL, &fresh), KT_OK);
    CHECK(fresh != 0);
    f = span_ids(fresh);
    CHECK(!tu_all_zero(f.trace_id, 16) && f.sampled == 1);
    /* the first engine's handle is not a handle of this one */
    status = kt_span_set_int(live, S("k"), 1);
    NOTE("first engine's span in the second engine gave %d %s", status, tu_code_name(status));
    CHECK(status == KT_E_INVALID_HANDLE || status == KT_E_STALE);
    status = kt_span_release(live);
    CHECK(status == KT_E_INVALID_HANDLE || status == KT_E_STALE);
    NOTE("");
    CHECK_STATUS(kt_span_finish(fresh, 0), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    CHECK_STATUS(kt_flush(5000), KT_OK);
    c = counters();
    CHECK(c.spans_started == 1 && c.spans_exported == 1);
    CHECK_STATUS(kt_shutdown(5000), KT_OK);
}

/* "Limits not given come from the OTEL_* environment variables, then OpenTelemetry's
** defaults"; kt_span_record_error adds an "exception" event; sampling_rate is the global
** tracer's. */
static void test_limits_from_options_and_environment(void)
{
    static const kt_option limits[] = {
        { { S("attribute_count_limit") }, { S("2") } },
        { { S("event_count_limit") }, { S("1") } },
        { { S("sampling_rate") }, { S("0") } },
    };
    kt_tracer tracer = 0;
    kt_span span, global_span;
    ids g;

    CHECK_STATUS(kt_init(limits, sizeof limits / sizeof limits[0]), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("limited"), 1.0, NULL, 0, &tracer), KT_OK);
    span = start(tracer, 0, "limited", NULL);

    CHECK_STATUS(kt_span_set_int(span, S("a"), 1), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("b"), 2), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("c"), 3), KT_E_LIMIT);
    CHECK_STATUS(kt_span_set_int(span, S("a"), 4), KT_OK); /* replaces a: no new attribute */

    CHECK_STATUS(kt_span_add_event(span, S("first"), 0, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_add_event(span, S("second"), 0, NULL, 0), KT_E_LIMIT);
    CHECK_STATUS(kt_span_record_error(span, S("third")), KT_E_LIMIT);

    /* OTEL_SPAN_LINK_COUNT_LIMIT=1, set in main before the first kt_ call */
    CHECK_STATUS(kt_span_add_link(span, k_remote_trace_id, k_remote_span_id, 1, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_add_link(span, k_remote_trace_id, k_remote_span_id, 1, NULL, 0), KT_E_LIMIT);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);

    global_span = start(0, 0, "global, rate 0", NULL);
    g = span_ids(global_span);
    CHECK(g.sampled == 0);
    CHECK_STATUS(kt_span_finish(global_span, 0), KT_OK);
    CHECK_STATUS(kt_shutdown(5000), KT_OK);
}

/* kt_span_set_attributes checks every attribute before it applies any: a bad one changes
** nothing and is named by its index; a limit drops what is past it and says so. */
static void test_set_attributes_checks_every_one_first(void)
{
    static const kt_option limits[] = { { { S("attribute_count_limit") }, { S("3") } } };
    kt_attribute batch[3];
    kt_span span, finished;

    CHECK_STATUS(kt_init(limits, 1), KT_OK);
    span = start(0, 0, "batch", NULL);

    batch[0] = attr_scalar("a", KT_ATTR_INT, 1, 0);
    batch[1] = attr_string("b", "\xC3\x28"); /* an invalid two-byte sequence */
    batch[2] = attr_scalar("c", KT_ATTR_INT, 3, 0);
    CHECK_ERROR(kt_span_set_attributes(span, batch, 3), KT_E_INVALID_ARGUMENT, "attributes[1].value.string");
    batch[1].type = 99;
    CHECK_ERROR(kt_span_set_attributes(span, batch, 3), KT_E_INVALID_ARGUMENT, "attributes[1].type");
    CHECK_ERROR(kt_span_set_attributes(span, NULL, 2), KT_E_INVALID_ARGUMENT, "attributes");
    CHECK_STATUS(kt_span_set_attributes(span, NULL, 0), KT_OK);

    /* nothing of the refused calls was applied: three attributes still fit, a fourth does not */
    batch[1] = attr_scalar("b", KT_ATTR_INT, 2, 0);
    CHECK_STATUS(kt_span_set_attributes(span, batch, 2), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("c"), 3), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("d"), 4), KT_E_LIMIT);
    /* a key set before keeps its place: replacing needs no room */
    CHECK_STATUS(kt_span_set_attributes(span, batch, 2), KT_OK);
    batch[2] = attr_scalar("e", KT_ATTR_INT, 5, 0);
    CHECK_ERROR(kt_span_set_attributes(span, batch, 3), KT_E_LIMIT, "attributes[2]");

    /* on span 0 the checks still run */
    CHECK_STATUS(kt_span_set_attributes(0, batch, 3), KT_OK);
    batch[0] = attr_string("a", "\xFF");
    CHECK_ERROR(kt_span_set_attributes(0, batch, 3), KT_E_INVALID_ARGUMENT, "attributes[0].value.string");
    batch[0] = attr_scalar("a", KT_ATTR_INT, 1, 0);

    finished = span;
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_ERROR(kt_span_set_attributes(finished, batch, 1), KT_E_STALE, "span");
    CHECK_ERROR(kt_span_set_attributes(0x0123456789ABCDEFull, batch, 1), KT_E_INVALID_HANDLE, "span");
    CHECK_STATUS(kt_shutdown(5000), KT_OK);
}

/* The exporter keys of kt_init are checked and named; the OTLP JSON file gets every span, and
** kt_exporter_counters says so. (run.sh sets OTEL_TRACES_EXPORTER=none; the exporter key wins.) */
static void test_exporter_settings_and_counters(void)
{
    const kt_option bad_endpoint[] = { { { S("endpoint") }, { S("collector:4318") } } };
    const kt_option bad_protocol[] = { { { S("endpoint") }, { S("http://127.0.0.1:9/v1/traces") } }, { { S("protocol") }, { S("thrift") } } };
    const kt_option to_file[] = { { { S("exporter") }, { S("otlp") } }, { { S("file") }, { S("c-test-traces.jsonl") } },
                                  { { S("service_name") }, { S("c-tests") } } };
    kt_exporter_counters_t c;
    kt_span span;
    FILE *file;
    char line[4096];

    /* the engine before shut down: its exporter's counters stay readable until the next kt_init */
    CHECK_STATUS(kt_exporter_counters(&c), KT_OK);
    {
        size_t none = 99;
        CHECK_STATUS(kt_exporter_last_error(line, sizeof line, &none), KT_OK);
        CHECK(none == 0);
    }
    CHECK_STATUS(kt_init(bad_endpoint, 1), KT_E_INVALID_ARGUMENT);
    CHECK(strstr(kt_last_error(), "endpoint") != NULL);
    CHECK_STATUS(kt_init(bad_protocol, 2), KT_E_INVALID_ARGUMENT);
    CHECK(strstr(kt_last_error(), "protocol") != NULL);

    remove("c-test-traces.jsonl");
    CHECK_STATUS(kt_init(to_file, 3), KT_OK);
    CHECK_STATUS(kt_exporter_counters(NULL), KT_E_INVALID_ARGUMENT);
    for (int i = 0; i < 3; i++) {
        span = start(0, 0, "filed", NULL);
        CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    }
    CHECK_STATUS(kt_flush(5000), KT_OK);
    CHECK_STATUS(kt_exporter_counters(&c), KT_OK);
    CHECK(c.batches_exported >= 1);
    CHECK(c.spans_exported == 3);
    CHECK(c.spans_failed == 0);
    CHECK(c.bytes_sent > 0);
    {
        char message[256];
        size_t message_len = 99;
        CHECK_STATUS(kt_exporter_last_error(message, sizeof message, &message_len), KT_OK);
        CHECK(message_len == 0); /* the file took every batch */
        CHECK_STATUS(kt_exporter_last_error(message, sizeof message, NULL), KT_E_INVALID_ARGUMENT);
    }
    CHECK_STATUS(kt_shutdown(5000), KT_OK);

    file = fopen("c-test-traces.jsonl", "r");
    CHECK(file != NULL);
    if (file != NULL) {
        CHECK(fgets(line, sizeof line, file) != NULL);
        CHECK(strstr(line, "\"resourceSpans\"") != NULL);
        CHECK(strstr(line, "c-tests") != NULL);
        CHECK(strstr(line, "filed") != NULL);
        fclose(file);
    }
}

int main(void)
{
    tu_install_crash_handler();
    /* before the library's first call, so the runtime sees it whenever it reads it */
    setenv("OTEL_SPAN_LINK_COUNT_LIMIT", "1", 1);

    RUN(test_fork_then_init_in_each_child); /* calls nothing before its fork */
    RUN(test_last_error_is_empty_before_any_failure);
    RUN(test_abi_version_matches_header);
    RUN(test_nop_before_init);
    RUN(test_version_is_a_static_non_empty_string);
    RUN(test_errstr_names_every_code);
    RUN(test_calls_before_init_are_not_initialized);
    RUN(test_init_with_every_option_then_second_init_is_refused);
    RUN(test_counters_of_a_new_engine_are_zero);
    RUN(test_tracer_and_context);
    RUN(test_noop_span_accepts_every_call);
    RUN(test_root_span_with_options_and_children);
    RUN(test_every_span_kind_is_accepted);
    RUN(test_attributes_of_every_type);
    RUN(test_events_errors_status_and_links);
    RUN(test_inject_writes_the_spans_traceparent);
    RUN(test_extract_continues_the_remote_trace);
    RUN(test_finish_flush_and_counters);
    RUN(test_context_end_releases_unfinished_spans);
    RUN(test_sampling_rate_and_should_sample);
    RUN(test_active_span_is_per_namespace_and_context);
    RUN(test_span_used_from_another_thread);
    RUN(test_shutdown_then_init_again);
    RUN(test_limits_from_options_and_environment);
    RUN(test_set_attributes_checks_every_one_first);
    RUN(test_exporter_settings_and_counters);
    return tu_summary();
}
