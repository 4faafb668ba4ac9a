/*
** Hostile input: kt_context_extract's rules (a valid traceparent survives a bad tracestate; a
** refused call leaves no stale parent), the input counters, the rate-limited log lines, and
** invalid_utf8=replace, against the real libkt.so.
*/
#include "test_util.h"

#include <time.h>

#define H(name, value) { { S(name) }, { S(value) } }

static const char k_traceparent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
static const char k_other_traceparent[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
static const char k_trace[] = "4bf92f3577b34da6a3ce929d0e0e4736";
static const char k_other_trace[] = "0af7651916cd43dd8448eb211c80319c";

static const kt_option k_options[] = {
    { { S("max_spans") }, { S("256") } },
    { { S("sampling_rate") }, { S("1") } },
    { { S("invalid_utf8") }, { S("replace") } },
};

static kt_tracer g_tracer;

/* ---- helpers ------------------------------------------------------------------------ */

static kt_context begin(void)
{
    kt_context context = 0;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    return context;
}

/* Starts a span in the context and writes its trace id (hex) and tracestate length. */
static void first_span(kt_context context, char trace[33], size_t *tracestate_len)
{
    kt_span span = 0;
    uint8_t trace_id[16];
    char state[600];
    memset(trace, 0, 33);
    *tracestate_len = 999;
    CHECK_STATUS(kt_start_span(g_tracer, context, S("server"), NULL, &span), KT_OK);
    CHECK(span != 0);
    CHECK_STATUS(kt_span_ids(span, trace_id, NULL, NULL), KT_OK);
    tu_hex(trace_id, 16, trace);
    CHECK_STATUS(kt_span_tracestate(span, state, sizeof state, tracestate_len), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

static uint64_t dropped(int reason)
{
    uint64_t n = 0;
    CHECK_STATUS(kt_tracestates_dropped(reason, &n), KT_OK);
    return n;
}

static uint64_t refused(int format, int reason)
{
    uint64_t n = 0;
    CHECK_STATUS(kt_contexts_refused(format, reason, &n), KT_OK);
    return n;
}

static kt_input_counters_t input(void)
{
    kt_input_counters_t c;
    memset(&c, 0xAB, sizeof c);
    CHECK_STATUS(kt_input_counters(&c), KT_OK);
    return c;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wait_seconds(double seconds)
{
    double until = seconds_now() + seconds;
    struct timespec pause = { 0, 50 * 1000 * 1000 };
    while (seconds_now() < until)
        nanosleep(&pause, NULL);
}

/* ---- the log handler ---------------------------------------------------------------- */

static int g_lines;
static int g_context_lines;
static int g_last_level;
static char g_last_context_line[1024];
static int g_line_had_raw_control;
static int g_nul_terminated = 1;

static void collect(void *user, int level, const char *message, size_t len)
{
    size_t i;
    (void)user;
    g_lines++;
    g_last_level = level;
    if (message[len] != '\0')
        g_nul_terminated = 0;
    for (i = 0; i < len; i++)
        if ((unsigned char)message[i] < 0x20)
            g_line_had_raw_control = 1;
    if (strstr(message, "trace context") != NULL) {
        g_context_lines++;
        snprintf(g_last_context_line, sizeof g_last_context_line, "%.*s", (int)len, message);
    }
}

/* ---- before kt_init ----------------------------------------------------------------- */

/* The counters are the process's: readable before kt_init, and bad arguments named. */
static void test_counters_before_init_and_bad_arguments(void)
{
    uint64_t n = 77;
    kt_input_counters_t c = input();
    CHECK(c.contexts_refused == 0 && c.tracestates_dropped == 0);
    CHECK_ERROR(kt_input_counters(NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_contexts_refused(0, 0, &n), KT_E_INVALID_ARGUMENT, "format");
    CHECK_ERROR(kt_contexts_refused(9, 0, &n), KT_E_INVALID_ARGUMENT, "format");
    CHECK_ERROR(kt_contexts_refused(KT_FORMAT_W3C, 1, &n), KT_E_INVALID_ARGUMENT, "reason");
    CHECK_ERROR(kt_contexts_refused(KT_FORMAT_W3C, 14, &n), KT_E_INVALID_ARGUMENT, "reason");
    CHECK_ERROR(kt_contexts_refused(KT_FORMAT_W3C, -3, &n), KT_E_INVALID_ARGUMENT, "reason");
    CHECK_ERROR(kt_contexts_refused(KT_FORMAT_W3C, 0, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_tracestates_dropped(18, &n), KT_E_INVALID_ARGUMENT, "reason");
    CHECK_ERROR(kt_tracestates_dropped(0, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK(n == 77);
}

static void test_reason_names(void)
{
    CHECK(strcmp(kt_reason_name(KT_REASON_BAD_TRACE_ID), "bad_trace_id") == 0);
    CHECK(strcmp(kt_reason_name(KT_REASON_TOO_MANY_MEMBERS), "too_many_members") == 0);
    CHECK(strcmp(kt_reason_name(KT_REASON_BAD_SAMPLING), "bad_sampling") == 0);
    CHECK(strcmp(kt_reason_name(KT_REASON_MISSING), "missing") == 0);
    CHECK(strcmp(kt_reason_name(KT_REASON_REPEATED_HEADER), "repeated_header") == 0);
    CHECK(strcmp(kt_reason_name(18), "unknown reason") == 0);
    CHECK(strcmp(kt_reason_name(0), "unknown reason") == 0);
    CHECK(strcmp(kt_reason_name(14), "unknown reason") == 0);
    CHECK(strcmp(kt_reason_name(-1), "unknown reason") == 0);
    CHECK(kt_reason_name(KT_REASON_BAD_KEY) == kt_reason_name(KT_REASON_BAD_KEY));
}

/* "invalid_utf8 is refuse or replace": anything else is named. */
static void test_invalid_utf8_setting_is_checked(void)
{
    static const kt_option bad[] = { { { S("invalid_utf8") }, { S("ignore") } } };
    CHECK_ERROR(kt_init(bad, 1), KT_E_INVALID_ARGUMENT, "invalid_utf8");
}

/* ---- kt_context_extract's rules ---------------------------------------------------- */

/* A valid traceparent is kept when only the tracestate is bad: the tracestate is dropped and
** counted, the call succeeds, as kt_context_extract_headers does. */
static void test_a_bad_tracestate_keeps_the_traceparent(void)
{
    static const struct {
        const char *what;
        const char *bytes;
        size_t length;
        int reason;
    } bad[] = {
        { "not UTF-8", "congo=\xff\xfe", 8, KT_REASON_BAD_VALUE },
        { "a member without =", "congo", 5, KT_REASON_BAD_FORMAT },
        { "an upper-case key", "Congo=t61", 9, KT_REASON_BAD_KEY },
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kt_context context = begin();
        char trace[33];
        size_t state_len;
        uint64_t before = dropped(bad[i].reason), total = input().tracestates_dropped;
        NOTE("%s", bad[i].what);
        CHECK_STATUS(kt_context_extract(context, S(k_traceparent), bad[i].bytes, bad[i].length), KT_OK);
        first_span(context, trace, &state_len);
        CHECK(strcmp(trace, k_trace) == 0);
        CHECK(state_len == 0);
        CHECK(dropped(bad[i].reason) == before + 1);
        CHECK(input().tracestates_dropped == total + 1);
        CHECK_STATUS(kt_context_end(context), KT_OK);
    }
}

/* "a refused call leaves the context with no remote parent, never a stale one". */
static void test_a_refused_extract_leaves_no_stale_parent(void)
{
    static const struct {
        const char *what;
        const char *traceparent;
        size_t traceparent_len;
        const char *tracestate;
        size_t tracestate_len;
    } refused_calls[] = {
        { "a malformed traceparent", "00-zz", 5, NULL, 0 },
        { "a traceparent that is not UTF-8", "00-\xff\xfe", 5, NULL, 0 },
        { "an all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", 55, NULL, 0 },
        { "a NULL traceparent with a length", NULL, 55, NULL, 0 },
        { "a NULL tracestate with a length", k_traceparent, 55, NULL, 4 },
        { "a traceparent longer than KT_MAX_STRING", k_traceparent, (size_t)KT_MAX_STRING + 1, NULL, 0 },
    };
    size_t i;
    for (i = 0; i < sizeof refused_calls / sizeof refused_calls[0]; i++) {
        kt_context context = begin();
        char trace[33];
        size_t state_len;
        NOTE("%s", refused_calls[i].what);
        /* an earlier call gave a parent and a tracestate */
        CHECK_STATUS(kt_context_extract(context, S(k_other_traceparent), S("congo=t61rcWkgMzE")), KT_OK);
        CHECK_STATUS(kt_context_extract(context, refused_calls[i].traceparent, refused_calls[i].traceparent_len,
                                        refused_calls[i].tracestate, refused_calls[i].tracestate_len),
                     KT_E_INVALID_ARGUMENT);
        first_span(context, trace, &state_len);
        CHECK(strcmp(trace, k_other_trace) != 0);
        CHECK(strcmp(trace, k_trace) != 0);
        CHECK(state_len == 0);
        CHECK_STATUS(kt_context_end(context), KT_OK);
    }
}

/* Refused headers are counted by format and reason; reason 0 sums them. */
static void test_refusals_are_counted_by_format_and_reason(void)
{
    static const kt_header b3[] = { H("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"),
                                    H("x-b3-spanid", "a2fb4a1d1a96d312"), H("x-b3-sampled", "maybe") };
    int format = KT_FORMAT_B3, used = -1;
    uint64_t w3c = refused(KT_FORMAT_W3C, KT_REASON_ZERO_TRACE_ID), w3c_all = refused(KT_FORMAT_W3C, 0);
    uint64_t b3_sampling = refused(KT_FORMAT_B3, KT_REASON_BAD_SAMPLING), b3_other = refused(KT_FORMAT_B3, KT_REASON_BAD_SPAN_ID);
    uint64_t total = input().contexts_refused;
    kt_context context = begin();

    CHECK_STATUS(kt_context_extract(context, S("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), NULL, 0),
                 KT_E_INVALID_ARGUMENT);
    CHECK_STATUS(kt_context_extract_headers(context, &format, 1, b3, 3, &used), KT_E_INVALID_ARGUMENT);
    CHECK(refused(KT_FORMAT_W3C, KT_REASON_ZERO_TRACE_ID) == w3c + 1);
    CHECK(refused(KT_FORMAT_W3C, 0) == w3c_all + 1);
    CHECK(refused(KT_FORMAT_B3, KT_REASON_BAD_SAMPLING) == b3_sampling + 1);
    CHECK(refused(KT_FORMAT_B3, KT_REASON_BAD_SPAN_ID) == b3_other);
    CHECK(input().contexts_refused == total + 2);
    /* a header that is absent is not a refusal */
    CHECK_STATUS(kt_context_extract(context, NULL, 0, NULL, 0), KT_E_INVALID_ARGUMENT);
    CHECK(input().contexts_refused == total + 2);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* ---- the log ------------------------------------------------------------------------ */

/* A flood of bad headers writes at most one line a second for its kind, whatever the rate,
** with the count and one example whose control bytes are escaped. */
static void test_a_flood_is_reported_at_most_once_a_second(void)
{
    kt_context context = begin();
    double started, elapsed;
    int i;
    CHECK_STATUS(kt_set_log_handler(collect, NULL), KT_OK);
    /* lines of earlier tests are at least a second old before counting starts */
    wait_seconds(1.1);
    g_context_lines = 0;
    started = seconds_now();
    for (i = 0; i < 20000; i++)
        (void)kt_context_extract(context, S("00-\xff\n-forged log line"), NULL, 0);
    elapsed = seconds_now() - started;
    CHECK(g_context_lines >= 1);
    CHECK(g_context_lines <= (int)elapsed + 1);
    CHECK(strstr(g_last_context_line, "\\xff\\x0a") != NULL);
    CHECK(!g_line_had_raw_control);
    CHECK(g_nul_terminated);
    CHECK(g_last_level == KT_LOG_INFO);

    /* a second later, the next one writes a line with what was counted since */
    wait_seconds(1.1);
    g_context_lines = 0;
    (void)kt_context_extract(context, S("00-xx"), NULL, 0);
    CHECK(g_context_lines == 1);
    CHECK(strstr(g_last_context_line, "w3c traceparent: bad_length") != NULL);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    CHECK_STATUS(kt_set_log_handler(NULL, NULL), KT_OK);
}

/* ---- invalid_utf8=replace ----------------------------------------------------------- */

/* Span text that is not UTF-8 is recorded repaired, and counted, in every call that takes it. */
static void test_invalid_text_is_repaired_and_counted(void)
{
    kt_span span = 0;
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_attribute attribute;
    kt_str items[2] = { { S("fine") }, { S("bad \xc3") } };
    uint64_t before = input().values_repaired, refused_before = input().values_refused;

    attribute.key.ptr = "user_agent.original";
    attribute.key.len = strlen(attribute.key.ptr);
    attribute.type = KT_ATTR_STRING;
    attribute.value.string.ptr = "curl \xff";
    attribute.value.string.len = 6;
    options.attributes = &attribute;
    options.attribute_count = 1;

    CHECK_STATUS(kt_start_span(g_tracer, 0, S("GET /\xfe"), &options, &span), KT_OK);
    CHECK(span != 0);
    CHECK_STATUS(kt_span_set_string(span, S("url.path"), S("/caf\xe9")), KT_OK);
    CHECK_STATUS(kt_span_set_string(span, S("key \x80"), S("v")), KT_OK);
    CHECK_STATUS(kt_span_set_status(span, KT_STATUS_ERROR, S("bad \xc0\xaf")), KT_OK);
    CHECK_STATUS(kt_span_add_event(span, S("ev \xff"), 0, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_update_name(span, S("GET /\xfd")), KT_OK);
    attribute.type = KT_ATTR_STRING_ARRAY;
    attribute.value.array.items = items;
    attribute.value.array.count = 2;
    CHECK_STATUS(kt_span_set_attributes(span, &attribute, 1), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK(input().values_repaired == before + 8);
    CHECK(input().values_refused == refused_before);
}

/* A batch whose text is valid but for one value: that one is repaired and counted, the others
** are recorded as they are and not counted. */
static void test_one_bad_value_in_a_batch_is_repaired(void)
{
    kt_span span = 0;
    kt_attribute attributes[3];
    uint64_t before = input().values_repaired;

    memset(attributes, 0, sizeof attributes);
    attributes[0].key.ptr = "url.path";
    attributes[0].key.len = 8;
    attributes[0].type = KT_ATTR_STRING;
    attributes[0].value.string.ptr = "/items";
    attributes[0].value.string.len = 6;
    attributes[1].key.ptr = "user_agent.original";
    attributes[1].key.len = 19;
    attributes[1].type = KT_ATTR_STRING;
    attributes[1].value.string.ptr = "curl \xff";
    attributes[1].value.string.len = 6;
    attributes[2].key.ptr = "http.request.method";
    attributes[2].key.len = 19;
    attributes[2].type = KT_ATTR_STRING;
    attributes[2].value.string.ptr = "GET";
    attributes[2].value.string.len = 3;

    CHECK_STATUS(kt_start_span(g_tracer, 0, S("GET /items"), NULL, &span), KT_OK);
    CHECK_STATUS(kt_span_set_attributes(span, attributes, 3), KT_OK);
    CHECK(input().values_repaired == before + 1);
    CHECK_STATUS(kt_span_set_attributes(span, attributes, 1), KT_OK);
    CHECK(input().values_repaired == before + 1);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

int main(void)
{
    tu_install_crash_handler();
    RUN(test_counters_before_init_and_bad_arguments);
    RUN(test_reason_names);
    RUN(test_invalid_utf8_setting_is_checked);
    if (kt_init(k_options, sizeof k_options / sizeof k_options[0]) != KT_OK
        || kt_tracer_new(S("input"), 1.0, NULL, 0, &g_tracer) != KT_OK) {
        printf("FAIL: kt_init: %s\n", kt_last_error());
        printf("0 passed, 1 failed\n");
        return 1;
    }
    RUN(test_a_bad_tracestate_keeps_the_traceparent);
    RUN(test_a_refused_extract_leaves_no_stale_parent);
    RUN(test_refusals_are_counted_by_format_and_reason);
    RUN(test_a_flood_is_reported_at_most_once_a_second);
    RUN(test_invalid_text_is_repaired_and_counted);
    RUN(test_one_bad_value_in_a_batch_is_repaired);
    CHECK_STATUS(kt_shutdown(10000), KT_OK);
    return tu_summary();
}
