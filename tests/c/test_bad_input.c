/*
** test_bad_input.c: every bad input gives its status, and kt_last_error() names the argument
** as kt.h spells it; nothing crashes. Out-parameters must stay untouched on failure ("written
** only on success"), and a refused call must leave live spans as they were.
*/
#include "test_util.h"

#include <math.h>
#include <pthread.h>

static const char k_traceparent[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
static const uint8_t k_trace_id[16] = { 0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd,
                                        0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c };
static const uint8_t k_span_id[8] = { 0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31 };
static const uint8_t k_zero[16] = { 0 };

#define MAX_SPANS 64
static const kt_option k_options[] = {
    { { S("max_spans") }, { S("64") } },
    { { S("schedule_delay_ms") }, { S("50") } },
    { { S("poll_interval_ms") }, { S("2") } },
};

/* Not UTF-8, each inside otherwise valid text. */
static const struct {
    const char *bytes;
    size_t length;
    const char *what;
} k_bad_utf8[] = {
    { S("\xC3\x28"), "C3 28 (a lead byte without its continuation)" },
    { S("\xFF"), "FF (never valid)" },
    { S("\xC0\xAF"), "C0 AF (overlong '/')" },
    { S("\xE2\x82"), "E2 82 (truncated at the end)" },
    { S("ab\xE2\x82" "cd"), "E2 82 (truncated in the middle)" },
    { S("abc\xFF" "def"), "FF in the middle" },
    { S("\xED\xA0\x80"), "ED A0 80 (a UTF-16 surrogate)" },
    { S("\xF4\x90\x80\x80"), "F4 90 80 80 (above U+10FFFF)" },
    { S("\x80"), "80 (a lone continuation byte)" },
};
#define BAD_UTF8_COUNT (sizeof k_bad_utf8 / sizeof k_bad_utf8[0])

static kt_tracer g_tracer;     /* sampling rate 1 */
static kt_tracer g_unsampled;  /* sampling rate 0 */
static kt_context g_context;

/* ---- helpers ------------------------------------------------------------------------ */

static kt_counters_t counters(void)
{
    kt_counters_t c;
    memset(&c, 0, sizeof c);
    CHECK_STATUS(kt_counters(&c), KT_OK);
    return c;
}

static kt_span start(kt_tracer tracer, kt_context context, const char *name)
{
    kt_span span = 0;
    CHECK_STATUS(kt_start_span(tracer, context, name, strlen(name), NULL, &span), KT_OK);
    CHECK(span != 0);
    return span;
}

typedef struct ids {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    int sampled;
} ids;

static int read_ids(kt_span span, ids *out)
{
    memset(out, 0xEE, sizeof *out);
    out->sampled = -7;
    return kt_span_ids(span, out->trace_id, out->span_id, &out->sampled);
}

static ids span_ids(kt_span span)
{
    ids result;
    CHECK_STATUS(read_ids(span, &result), KT_OK);
    return result;
}

static int same_ids(const ids *a, const ids *b)
{
    return memcmp(a->trace_id, b->trace_id, 16) == 0 && memcmp(a->span_id, b->span_id, 8) == 0
        && a->sampled == b->sampled;
}

/* The span is alive and still has the ids it had. */
static void check_untouched(kt_span span, const ids *before)
{
    ids now;
    CHECK_STATUS(read_ids(span, &now), KT_OK);
    CHECK(same_ids(&now, before));
}

static kt_attribute attr_int(const char *key, size_t key_len, int64_t value)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.ptr = key;
    a.key.len = key_len;
    a.type = KT_ATTR_INT;
    a.value.integer = value;
    return a;
}

static kt_attribute attr_string(const char *value, size_t value_len)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.ptr = "k";
    a.key.len = 1;
    a.type = KT_ATTR_STRING;
    a.value.string.ptr = value;
    a.value.string.len = value_len;
    return a;
}

static kt_attribute attr_array(int32_t type, const void *items, size_t count)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.ptr = "array";
    a.key.len = 5;
    a.type = type;
    a.value.array.items = items;
    a.value.array.count = count;
    return a;
}

/* A refused kt_start_span: its status, a message naming the argument, *out untouched ("written
** only on success"). A span it started anyway is released, so one failure does not take the
** slots of the tests after it. */
#define CHECK_START_REFUSED(expected, argument, tracer, context, options, ...) \
    check_start_refused(__FILE__, __LINE__, "kt_start_span(" #tracer ", " #context ", " #__VA_ARGS__ ", " #options ", &out)", \
                        (expected), (argument), (tracer), (context), (options), __VA_ARGS__)

static void check_start_refused(const char *file, int line, const char *expression, int expected, const char *argument,
                                kt_tracer tracer, kt_context context, const kt_span_options *options, const char *name,
                                size_t name_len)
{
    kt_span out = 555;
    int status = kt_start_span(tracer, context, name, name_len, options, &out);
    tu_check_status(status, expected, argument, file, line, expression, tu_code_name(expected));
    tu_check_detail(out == 555, file, line, "*out untouched by the refused kt_start_span",
                    "*out = 0x%016llx after status %d %s", (unsigned long long)out, status, tu_code_name(status));
    if (out != 555 && out != 0) {
        int released = kt_span_release(out);
        if (status != KT_OK)
            tu_check(released != KT_OK, file, line, "the refused kt_start_span left no live span behind");
    }
}

/* ---- kt_init ------------------------------------------------------------------------ */

static int init_one(const char *key, size_t key_len, const char *value, size_t value_len)
{
    kt_option option;
    option.key.ptr = key;
    option.key.len = key_len;
    option.value.ptr = value;
    option.value.len = value_len;
    return kt_init(&option, 1);
}

/* "unknown keys and bad values are refused and named" */
static void test_init_refuses_bad_options(void)
{
    static const char *const bad_max_spans[] = { "-5", "abc", "", "0", "1.5", "99999999999999999999", "64abc" };
    static const char *const bad_rates[] = { "2", "-0.5", "NaN", "abc", "1.0001" };
    kt_counters_t c;
    size_t i;

    CHECK_ERROR(kt_init(NULL, 1), KT_E_INVALID_ARGUMENT, "options");
    CHECK_ERROR(init_one(S("no_such_option"), S("1")), KT_E_INVALID_ARGUMENT, "no_such_option");
    for (i = 0; i < sizeof bad_max_spans / sizeof bad_max_spans[0]; i++) {
        NOTE("max_spans=\"%s\"", bad_max_spans[i]);
        CHECK_ERROR(init_one(S("max_spans"), bad_max_spans[i], strlen(bad_max_spans[i])), KT_E_INVALID_ARGUMENT,
                    "max_spans");
    }
    for (i = 0; i < sizeof bad_rates / sizeof bad_rates[0]; i++) {
        NOTE("sampling_rate=\"%s\"", bad_rates[i]);
        CHECK_ERROR(init_one(S("sampling_rate"), bad_rates[i], strlen(bad_rates[i])), KT_E_INVALID_ARGUMENT,
                    "sampling_rate");
    }
    NOTE("");
    {
        /* values that parse but are out of the engine's range are named by their key too */
        static const char *const out_of_range[][2] = {
            { "max_spans", "16777216" },          { "bytes_per_span", "1" },
            { "queue_capacity_per_thread", "0" }, { "max_export_batch_size", "0" },
            { "attributes_per_span", "70000" },   { "poll_interval_ms", "0" },
        };
        for (i = 0; i < sizeof out_of_range / sizeof out_of_range[0]; i++) {
            NOTE("%s=\"%s\"", out_of_range[i][0], out_of_range[i][1]);
            CHECK_ERROR(init_one(out_of_range[i][0], strlen(out_of_range[i][0]), out_of_range[i][1],
                                 strlen(out_of_range[i][1])),
                        KT_E_INVALID_ARGUMENT, out_of_range[i][0]);
        }
        NOTE("");
    }
    CHECK_ERROR(init_one(S("schedule_delay_ms"), S("-1")), KT_E_INVALID_ARGUMENT, "schedule_delay_ms");
    CHECK_ERROR(init_one(S("attribute_count_limit"), S("-1")), KT_E_INVALID_ARGUMENT, "attribute_count_limit");
    CHECK_ERROR(init_one(NULL, 9, S("64")), KT_E_INVALID_ARGUMENT, "key");
    CHECK_STATUS(init_one(S("max_spans"), NULL, 2), KT_E_INVALID_ARGUMENT);
    CHECK_LAST_ERROR_NAMES_ONE_OF("max_spans", "value");
    CHECK_ERROR(init_one("max\xFFspans", 9, S("64")), KT_E_INVALID_ARGUMENT, "key");
    CHECK_STATUS(init_one(S("max_spans"), "6\xC3\x28", 3), KT_E_INVALID_ARGUMENT);
    CHECK_LAST_ERROR_NAMES_ONE_OF("max_spans", "value");
    CHECK_ERROR(init_one("max_spans", SIZE_MAX, S("64")), KT_E_INVALID_ARGUMENT, "key");
    CHECK_STATUS(init_one(S("max_spans"), "64", SIZE_MAX), KT_E_INVALID_ARGUMENT);
    CHECK_LAST_ERROR_NAMES_ONE_OF("max_spans", "value");
    {
        /* one bad option among good ones is named, and nothing starts */
        kt_option mixed[3];
        memcpy(mixed, k_options, sizeof mixed);
        mixed[2].key.ptr = "poll_interval_ms";
        mixed[2].key.len = 16;
        mixed[2].value.ptr = "soon";
        mixed[2].value.len = 4;
        CHECK_ERROR(kt_init(mixed, 3), KT_E_INVALID_ARGUMENT, "poll_interval_ms");
    }

    /* refused means not started */
    memset(&c, 0xAB, sizeof c);
    CHECK_STATUS(kt_counters(&c), KT_E_NOT_INITIALIZED);
    CHECK(tu_all_equal(&c, 0xAB, sizeof c));

    CHECK_STATUS(kt_init(k_options, sizeof k_options / sizeof k_options[0]), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("bad-input"), 1.0, NULL, 0, &g_tracer), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("unsampled"), 0.0, NULL, 0, &g_unsampled), KT_OK);
    CHECK_STATUS(kt_context_begin(&g_context), KT_OK);
}

/* kt_flush and kt_shutdown refuse a negative timeout; the refused shutdown changes nothing */
static void test_negative_timeouts(void)
{
    kt_counters_t c;
    CHECK_ERROR(kt_flush(-1), KT_E_INVALID_ARGUMENT, "timeout_ms");
    CHECK_ERROR(kt_flush(INT64_MIN), KT_E_INVALID_ARGUMENT, "timeout_ms");
    CHECK_ERROR(kt_shutdown(-1), KT_E_INVALID_ARGUMENT, "timeout_ms");
    CHECK_STATUS(kt_counters(&c), KT_OK);
    CHECK_STATUS(kt_flush(1000), KT_OK);
}

/* ---- NULL pointers ------------------------------------------------------------------ */

static void test_null_out_pointers(void)
{
    kt_span span = start(g_tracer, g_context, "null outs");
    kt_counters_t before = counters(), after;
    char buffer[64];
    size_t written = 777;

    CHECK_ERROR(kt_counters(NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_tracer_new(S("t"), 1.0, NULL, 0, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_context_begin(NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_start_span(g_tracer, g_context, S("s"), NULL, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_active_span(g_tracer, g_context, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_span_inject(span, NULL, 64, &written), KT_E_INVALID_ARGUMENT, "buffer");
    CHECK(written == 777 || written == 0);
    memset(buffer, 0x5A, sizeof buffer);
    CHECK_ERROR(kt_span_inject(span, buffer, sizeof buffer, NULL), KT_E_INVALID_ARGUMENT, "written");
    CHECK(tu_all_equal(buffer, 0x5A, sizeof buffer));
    CHECK_ERROR(kt_span_set_attribute(span, NULL), KT_E_INVALID_ARGUMENT, "attribute");
    CHECK_ERROR(kt_span_add_link(span, NULL, k_span_id, 1, NULL, 0), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK_ERROR(kt_span_add_link(span, k_trace_id, NULL, 1, NULL, 0), KT_E_INVALID_ARGUMENT, "span_id");
    /* kt_span_ids: "any may be NULL" */
    CHECK_STATUS(kt_span_ids(span, NULL, NULL, NULL), KT_OK);

    /* a refused start takes no slot */
    after = counters();
    CHECK(after.spans_started == before.spans_started);
    CHECK(after.slots_in_use == before.slots_in_use);
    CHECK_STATUS(kt_span_release(span), KT_OK);
}

/* "a NULL pointer with a non-zero length ... give KT_E_INVALID_ARGUMENT" */
static void test_null_pointer_with_length(void)
{
    kt_span span = start(g_tracer, 0, "null with length");
    kt_tracer tracer = 555;
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_attribute null_value = attr_string(NULL, 4);
    kt_attribute null_key = attr_int(NULL, 3, 1);
    kt_context context = 0;
    ids before = span_ids(span);

    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "name", g_tracer, 0, NULL, NULL, 3);
    CHECK_ERROR(kt_tracer_new(NULL, 3, 1.0, NULL, 0, &tracer), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_tracer_new(S("t"), 1.0, NULL, 3, &tracer), KT_E_INVALID_ARGUMENT, "ns");
    CHECK(tracer == 555);
    CHECK_ERROR(kt_span_set_string(span, NULL, 3, S("v")), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_string(span, S("k"), NULL, 3), KT_E_INVALID_ARGUMENT, "value");
    CHECK_ERROR(kt_span_set_int(span, NULL, 3, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_double(span, NULL, 3, 1.0), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_bool(span, NULL, 3, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_attribute(span, &null_key), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_attribute(span, &null_value), KT_E_INVALID_ARGUMENT, "value");
    CHECK_ERROR(kt_span_add_event(span, NULL, 3, 0, NULL, 0), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_span_add_event(span, S("e"), 0, NULL, 2), KT_E_INVALID_ARGUMENT, "attributes");
    CHECK_ERROR(kt_span_add_event(span, S("e"), 0, &null_key, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_record_error(span, NULL, 3), KT_E_INVALID_ARGUMENT, "message");
    CHECK_ERROR(kt_span_set_status(span, KT_STATUS_ERROR, NULL, 3), KT_E_INVALID_ARGUMENT, "message");
    CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_span_id, 1, NULL, 2), KT_E_INVALID_ARGUMENT, "attributes");
    CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_span_id, 1, &null_value, 1), KT_E_INVALID_ARGUMENT, "value");
    options.attributes = NULL;
    options.attribute_count = 2;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "attributes", g_tracer, 0, &options, S("null attributes"));
    options.attributes = &null_key;
    options.attribute_count = 1;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "key", g_tracer, 0, &options, S("null key"));
    options.attributes = &null_value;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "value", g_tracer, 0, &options, S("null value"));

    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_ERROR(kt_context_extract(context, NULL, 55, NULL, 0), KT_E_INVALID_ARGUMENT, "traceparent");
    CHECK_ERROR(kt_context_extract(context, S(k_traceparent), NULL, 5), KT_E_INVALID_ARGUMENT, "tracestate");
    CHECK_STATUS(kt_context_end(context), KT_OK);

    /* NULL with length 0 is the empty string */
    CHECK_STATUS(kt_span_set_string(span, S("empty"), NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_record_error(span, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_set_status(span, KT_STATUS_ERROR, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_add_event(span, S("no attributes"), 0, NULL, 0), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("no namespace"), 1.0, NULL, 0, &tracer), KT_OK);

    check_untouched(span, &before);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* ---- lengths ------------------------------------------------------------------------ */

/* Every string argument of kt.h given text of the given length, pointer text (which holds at
** least that many bytes, or is short when the length must be refused before any read). */
static void check_refused_lengths(const char *text, size_t length)
{
    kt_span span = start(g_tracer, 0, "long");
    kt_tracer tracer = 555;
    kt_context context = 0;
    kt_attribute key = attr_int(text, length, 1);
    kt_attribute value = attr_string(text, length);
    kt_str items[2];
    kt_attribute array;
    ids before = span_ids(span);

    items[0].ptr = "fine";
    items[0].len = 4;
    items[1].ptr = text;
    items[1].len = length;
    array = attr_array(KT_ATTR_STRING_ARRAY, items, 2);

    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "name", g_tracer, 0, NULL, text, length);
    options.attribute_count = 1;
    options.attributes = &key;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "key", g_tracer, 0, &options, S("long key"));
    options.attributes = &value;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "value", g_tracer, 0, &options, S("long value"));
    CHECK_ERROR(kt_tracer_new(text, length, 1.0, NULL, 0, &tracer), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_tracer_new(S("t"), 1.0, text, length, &tracer), KT_E_INVALID_ARGUMENT, "ns");
    CHECK(tracer == 555);
    CHECK_ERROR(kt_span_set_string(span, text, length, S("v")), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_string(span, S("k"), text, length), KT_E_INVALID_ARGUMENT, "value");
    CHECK_ERROR(kt_span_set_int(span, text, length, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_double(span, text, length, 1.0), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_bool(span, text, length, 0), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_attribute(span, &key), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_attribute(span, &value), KT_E_INVALID_ARGUMENT, "value");
    CHECK_STATUS(kt_span_set_attribute(span, &array), KT_E_INVALID_ARGUMENT);
    CHECK_ERROR(kt_span_add_event(span, text, length, 0, NULL, 0), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_span_add_event(span, S("e"), 0, &value, 1), KT_E_INVALID_ARGUMENT, "value");
    CHECK_ERROR(kt_span_record_error(span, text, length), KT_E_INVALID_ARGUMENT, "message");
    CHECK_ERROR(kt_span_set_status(span, KT_STATUS_ERROR, text, length), KT_E_INVALID_ARGUMENT, "message");
    CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_span_id, 1, &key, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_ERROR(kt_context_extract(context, text, length, NULL, 0), KT_E_INVALID_ARGUMENT, "traceparent");
    CHECK_ERROR(kt_context_extract(context, S(k_traceparent), text, length), KT_E_INVALID_ARGUMENT, "tracestate");
    CHECK_STATUS(kt_context_end(context), KT_OK);

    check_untouched(span, &before);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "a length above KT_MAX_STRING ... give KT_E_INVALID_ARGUMENT"; KT_MAX_STRING is "the longest
** string accepted" */
static void test_lengths_above_the_maximum(void)
{
    size_t size = (size_t)KT_MAX_STRING + 1;
    char *big = (char *)malloc(size);
    kt_span span;
    int status;
    CHECK(big != NULL);
    if (big == NULL)
        return;
    memset(big, 'a', size);
    NOTE("KT_MAX_STRING + 1 readable bytes");
    check_refused_lengths(big, size);

    /* exactly KT_MAX_STRING is accepted (perhaps cut to a limit, never refused) */
    NOTE("exactly KT_MAX_STRING bytes");
    span = start(g_tracer, 0, "longest");
    status = kt_span_set_string(span, S("longest"), big, KT_MAX_STRING);
    CHECK(status == KT_OK || status == KT_E_LIMIT);
    status = kt_span_record_error(span, big, KT_MAX_STRING);
    CHECK(status == KT_OK || status == KT_E_LIMIT);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    free(big);
}

/* The length must be refused before anything is read: the pointer holds 3 bytes. */
static void test_huge_lengths_are_refused_before_reading(void)
{
    NOTE("SIZE_MAX");
    check_refused_lengths("abc", SIZE_MAX);
    NOTE("SIZE_MAX / 2");
    check_refused_lengths("abc", SIZE_MAX / 2);
    NOTE("KT_MAX_STRING + 1 over a 3-byte buffer");
    check_refused_lengths("abc", (size_t)KT_MAX_STRING + 1);
    NOTE("2^40");
    check_refused_lengths("abc", (size_t)1 << 40);
}

/* ---- UTF-8 -------------------------------------------------------------------------- */

static void check_refused_text(kt_tracer tracer, const char *text, size_t length)
{
    kt_span span = start(tracer, 0, "utf-8");
    kt_tracer new_tracer = 555;
    kt_attribute key = attr_int(text, length, 1);
    kt_attribute value = attr_string(text, length);
    kt_str items[3];
    kt_attribute array;
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    ids before = span_ids(span);

    items[0].ptr = "fine";
    items[0].len = 4;
    items[1].ptr = text;
    items[1].len = length;
    items[2].ptr = "fine";
    items[2].len = 4;
    array = attr_array(KT_ATTR_STRING_ARRAY, items, 3);

    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "name", tracer, 0, NULL, text, length);
    options.attributes = &key;
    options.attribute_count = 1;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "key", tracer, 0, &options, S("attribute key"));
    options.attributes = &value;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "value", tracer, 0, &options, S("attribute value"));
    options.attributes = &array;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, NULL, tracer, 0, &options, S("attribute array"));
    CHECK_ERROR(kt_tracer_new(text, length, 1.0, NULL, 0, &new_tracer), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_tracer_new(S("t"), 1.0, text, length, &new_tracer), KT_E_INVALID_ARGUMENT, "ns");
    CHECK(new_tracer == 555);

    CHECK_ERROR(kt_span_set_string(span, text, length, S("v")), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_string(span, S("k"), text, length), KT_E_INVALID_ARGUMENT, "value");
    CHECK_ERROR(kt_span_set_int(span, text, length, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_double(span, text, length, 1.0), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_bool(span, text, length, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_attribute(span, &key), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_set_attribute(span, &value), KT_E_INVALID_ARGUMENT, "value");
    CHECK_STATUS(kt_span_set_attribute(span, &array), KT_E_INVALID_ARGUMENT);
    CHECK_ERROR(kt_span_add_event(span, text, length, 0, NULL, 0), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_span_add_event(span, S("e"), 0, &key, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_add_event(span, S("e"), 0, &value, 1), KT_E_INVALID_ARGUMENT, "value");
    CHECK_ERROR(kt_span_record_error(span, text, length), KT_E_INVALID_ARGUMENT, "message");
    CHECK_ERROR(kt_span_set_status(span, KT_STATUS_ERROR, text, length), KT_E_INVALID_ARGUMENT, "message");
    CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_span_id, 1, &key, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_span_id, 1, &value, 1), KT_E_INVALID_ARGUMENT, "value");
    {
        kt_context context = 0;
        CHECK_STATUS(kt_context_begin(&context), KT_OK);
        CHECK_ERROR(kt_context_extract(context, text, length, NULL, 0), KT_E_INVALID_ARGUMENT, "traceparent");
        CHECK_STATUS(kt_context_end(context), KT_OK);
    }

    check_untouched(span, &before);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "bytes that are not UTF-8 give KT_E_INVALID_ARGUMENT" */
static void test_invalid_utf8(void)
{
    size_t i;
    for (i = 0; i < BAD_UTF8_COUNT; i++) {
        NOTE("sampled span; %s", k_bad_utf8[i].what);
        check_refused_text(g_tracer, k_bad_utf8[i].bytes, k_bad_utf8[i].length);
    }
}

/* The same rule holds when the span is not sampled: kt.h makes no exception for it. */
static void test_invalid_utf8_on_an_unsampled_span(void)
{
    size_t i;
    for (i = 0; i < BAD_UTF8_COUNT; i++) {
        NOTE("unsampled span; %s", k_bad_utf8[i].what);
        check_refused_text(g_unsampled, k_bad_utf8[i].bytes, k_bad_utf8[i].length);
    }
}

/* ---- ranges ------------------------------------------------------------------------- */

static void test_bad_span_kind(void)
{
    static const int32_t kinds[] = { 6, -1, 100, INT32_MIN };
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_counters_t before = counters(), after;
    size_t i;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        options.kind = kinds[i];
        NOTE("kind %d", (int)kinds[i]);
        CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "kind", g_tracer, 0, &options, S("bad kind"));
        CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "kind", g_unsampled, 0, &options, S("bad kind"));
    }
    after = counters();
    CHECK(after.spans_started == before.spans_started);
}

/* should_sample: "-1 lets the sampler decide; 0 or 1 overrides it" */
static void test_bad_should_sample(void)
{
    static const int32_t values[] = { 2, -2, 255 };
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    size_t i;
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        options.should_sample = values[i];
        NOTE("should_sample %d", (int)values[i]);
        CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "should_sample", g_tracer, 0, &options, S("bad should_sample"));
    }
}

static void test_bad_status_code(void)
{
    kt_span span = start(g_tracer, 0, "status"), unsampled = start(g_unsampled, 0, "status");
    CHECK_ERROR(kt_span_set_status(span, 3, S("x")), KT_E_INVALID_ARGUMENT, "code");
    CHECK_ERROR(kt_span_set_status(span, -1, NULL, 0), KT_E_INVALID_ARGUMENT, "code");
    CHECK_ERROR(kt_span_set_status(unsampled, 3, S("x")), KT_E_INVALID_ARGUMENT, "code");
    CHECK_STATUS(kt_span_set_status(span, KT_STATUS_ERROR, S("fine")), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(unsampled, 0), KT_OK);
}

static void test_negative_times(void)
{
    kt_span span = start(g_tracer, 0, "times");
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    ids before = span_ids(span);

    options.start_time_ns = -1;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "start_time_ns", g_tracer, 0, &options, S("negative start"));
    options.start_time_ns = INT64_MIN;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "start_time_ns", g_unsampled, 0, &options, S("negative start"));
    CHECK_ERROR(kt_span_add_event(span, S("e"), -1, NULL, 0), KT_E_INVALID_ARGUMENT, "time_ns");
    CHECK_ERROR(kt_span_finish(span, -1), KT_E_INVALID_ARGUMENT, "end_time_ns");
    CHECK_ERROR(kt_span_finish(span, INT64_MIN), KT_E_INVALID_ARGUMENT, "end_time_ns");
    /* the refused finish did not finish it */
    check_untouched(span, &before);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

static void test_bad_attribute_type(void)
{
    static const int32_t types[] = { 0, 99, -1, 9 };
    kt_span span = start(g_tracer, 0, "types");
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_attribute a;
    size_t i;
    ids before = span_ids(span);
    for (i = 0; i < sizeof types / sizeof types[0]; i++) {
        a = attr_int(S("k"), 1);
        a.type = types[i];
        NOTE("type %d", (int)types[i]);
        CHECK_ERROR(kt_span_set_attribute(span, &a), KT_E_INVALID_ARGUMENT, "type");
        CHECK_ERROR(kt_span_add_event(span, S("e"), 0, &a, 1), KT_E_INVALID_ARGUMENT, "type");
        CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_span_id, 1, &a, 1), KT_E_INVALID_ARGUMENT, "type");
        options.attributes = &a;
        options.attribute_count = 1;
        CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "type", g_tracer, 0, &options, S("bad type"));
        CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "type", g_unsampled, 0, &options, S("bad type"));
    }
    check_untouched(span, &before);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "An empty key is refused (KT_E_INVALID_ARGUMENT), as every call that takes attributes refuses
** it", sampled span or not, and the span is as it was. */
static void test_empty_attribute_keys(void)
{
    kt_span span = start(g_tracer, 0, "empty keys");
    kt_span unsampled = start(g_unsampled, 0, "empty keys, unsampled");
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_attribute list[2];
    ids before = span_ids(span);
    kt_span targets[2];
    size_t i;

    targets[0] = span;
    targets[1] = unsampled;
    list[0] = attr_int(S("fine"), 1);
    list[1] = attr_int("", 0, 2);
    for (i = 0; i < 2; i++) {
        NOTE("%s span", i == 0 ? "sampled" : "unsampled");
        CHECK_ERROR(kt_span_set_string(targets[i], "", 0, S("v")), KT_E_INVALID_ARGUMENT, "key");
        CHECK(strstr(kt_last_error(), "empty") != NULL);
        CHECK_ERROR(kt_span_set_string(targets[i], NULL, 0, S("v")), KT_E_INVALID_ARGUMENT, "key");
        CHECK_ERROR(kt_span_set_int(targets[i], "", 0, 1), KT_E_INVALID_ARGUMENT, "key");
        CHECK_ERROR(kt_span_set_double(targets[i], "", 0, 1.5), KT_E_INVALID_ARGUMENT, "key");
        CHECK_ERROR(kt_span_set_bool(targets[i], "", 0, 1), KT_E_INVALID_ARGUMENT, "key");
        CHECK_ERROR(kt_span_set_attribute(targets[i], &list[1]), KT_E_INVALID_ARGUMENT, "key");
        CHECK_ERROR(kt_span_set_attributes(targets[i], list, 2), KT_E_INVALID_ARGUMENT, "key");
        CHECK(strstr(kt_last_error(), "[1]") != NULL);
        CHECK_ERROR(kt_span_add_event(targets[i], S("e"), 0, list, 2), KT_E_INVALID_ARGUMENT, "key");
        CHECK_ERROR(kt_span_add_link(targets[i], k_trace_id, k_span_id, 1, list, 2), KT_E_INVALID_ARGUMENT, "key");
    }
    NOTE("");
    options.attributes = list;
    options.attribute_count = 2;
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "key", g_tracer, 0, &options, S("empty key at start"));
    CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "key", g_unsampled, 0, &options, S("empty key at start"));
    check_untouched(span, &before);
    CHECK_STATUS(kt_span_set_attributes(span, list, 1), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(unsampled, 0), KT_OK);
}

/* kt_span_finish: "An end time before the span's start ... is refused and the span stays open:
** finish it again." */
static void test_end_before_start(void)
{
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_span given = 0, now;
    ids before;

    options.start_time_ns = 1700000000000000000LL;
    CHECK_STATUS(kt_start_span(g_tracer, 0, S("given start"), &options, &given), KT_OK);
    before = span_ids(given);
    CHECK_ERROR(kt_span_finish(given, 1), KT_E_INVALID_ARGUMENT, "end_time_ns");
    CHECK(strstr(kt_last_error(), "before the span's start") != NULL);
    CHECK_ERROR(kt_span_finish(given, 1699999999999999999LL), KT_E_INVALID_ARGUMENT, "end_time_ns");
    check_untouched(given, &before);
    CHECK_STATUS(kt_span_set_int(given, S("still"), 1), KT_OK);
    CHECK_STATUS(kt_span_finish(given, 1700000000000000000LL), KT_OK);
    CHECK_STATUS(kt_span_finish(given, 0), KT_E_STALE);

    now = start(g_tracer, 0, "started now");
    before = span_ids(now);
    CHECK_ERROR(kt_span_finish(now, 1), KT_E_INVALID_ARGUMENT, "end_time_ns");
    check_untouched(now, &before);
    CHECK_STATUS(kt_span_finish(now, 0), KT_OK);
}

/* "For arrays, items points to count elements" */
static void test_arrays_with_null_items(void)
{
    static const int32_t types[] = { KT_ATTR_STRING_ARRAY, KT_ATTR_BOOL_ARRAY, KT_ATTR_INT_ARRAY, KT_ATTR_DOUBLE_ARRAY };
    static const kt_str null_item[] = { { S("fine") }, { NULL, 4 } };
    static const kt_str bad_item[] = { { S("fine") }, { S("\xC3\x28") } };
    kt_span span = start(g_tracer, 0, "arrays");
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_attribute a;
    size_t i;
    ids before = span_ids(span);
    for (i = 0; i < sizeof types / sizeof types[0]; i++) {
        a = attr_array(types[i], NULL, 3);
        NOTE("array type %d, items NULL, count 3", (int)types[i]);
        CHECK_ERROR(kt_span_set_attribute(span, &a), KT_E_INVALID_ARGUMENT, "items");
        CHECK_ERROR(kt_span_add_event(span, S("e"), 0, &a, 1), KT_E_INVALID_ARGUMENT, "items");
        CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_span_id, 1, &a, 1), KT_E_INVALID_ARGUMENT, "items");
        options.attributes = &a;
        options.attribute_count = 1;
        CHECK_START_REFUSED(KT_E_INVALID_ARGUMENT, "items", g_tracer, 0, &options, S("null items"));
    }
    NOTE("a string array item that is NULL with a length");
    a = attr_array(KT_ATTR_STRING_ARRAY, null_item, 2);
    CHECK_STATUS(kt_span_set_attribute(span, &a), KT_E_INVALID_ARGUMENT);
    NOTE("a string array item that is not UTF-8");
    a = attr_array(KT_ATTR_STRING_ARRAY, bad_item, 2);
    CHECK_STATUS(kt_span_set_attribute(span, &a), KT_E_INVALID_ARGUMENT);
    check_untouched(span, &before);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "trace_id is 16 bytes, span_id 8 (network order), neither all zero" */
static void test_link_with_bad_ids(void)
{
    kt_span span = start(g_tracer, 0, "links");
    CHECK_ERROR(kt_span_add_link(span, k_zero, k_span_id, 1, NULL, 0), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK_ERROR(kt_span_add_link(span, k_trace_id, k_zero, 1, NULL, 0), KT_E_INVALID_ARGUMENT, "span_id");
    CHECK_ERROR(kt_span_add_link(span, NULL, NULL, 1, NULL, 0), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK_STATUS(kt_span_add_link(span, k_trace_id, k_span_id, 1, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "sampling_rate is 0 to 1" */
static void test_tracer_sampling_rate_out_of_range(void)
{
    const double rates[] = { 1.5, -0.1, NAN, INFINITY, -INFINITY, 1.0000001 };
    kt_tracer tracer = 555;
    size_t i;
    for (i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        NOTE("sampling_rate %g", rates[i]);
        CHECK_ERROR(kt_tracer_new(S("rate"), rates[i], NULL, 0, &tracer), KT_E_INVALID_ARGUMENT, "sampling_rate");
        CHECK(tracer == 555);
    }
    NOTE("");
    CHECK_STATUS(kt_tracer_new(S("rate 0"), 0.0, NULL, 0, &tracer), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("rate 1"), 1.0, NULL, 0, &tracer), KT_OK);
}

/* ---- stale handles ------------------------------------------------------------------ */

/* Every span call on a stale handle gives KT_E_STALE, writes no out-parameter, and names
** the span. */
static void check_stale(kt_span span)
{
    kt_attribute a = attr_int(S("k"), 1);
    uint8_t trace_id[16], span_id[8];
    int sampled = 7;
    char buffer[64];
    size_t written = 777;
    kt_span out = 555;

    memset(trace_id, 0xAB, sizeof trace_id);
    memset(span_id, 0xAB, sizeof span_id);
    memset(buffer, 0xAB, sizeof buffer);
    CHECK_ERROR(kt_span_set_int(span, S("k"), 1), KT_E_STALE, "span");
    CHECK_STATUS(kt_span_set_string(span, S("k"), S("v")), KT_E_STALE);
    CHECK_STATUS(kt_span_set_double(span, S("k"), 1.0), KT_E_STALE);
    CHECK_STATUS(kt_span_set_bool(span, S("k"), 1), KT_E_STALE);
    CHECK_STATUS(kt_span_set_attribute(span, &a), KT_E_STALE);
    CHECK_STATUS(kt_span_add_event(span, S("e"), 0, &a, 1), KT_E_STALE);
    CHECK_STATUS(kt_span_record_error(span, S("late")), KT_E_STALE);
    CHECK_STATUS(kt_span_set_status(span, KT_STATUS_ERROR, S("late")), KT_E_STALE);
    CHECK_STATUS(kt_span_add_link(span, k_trace_id, k_span_id, 1, NULL, 0), KT_E_STALE);
    CHECK_ERROR(kt_span_ids(span, trace_id, span_id, &sampled), KT_E_STALE, "span");
    CHECK(tu_all_equal(trace_id, 0xAB, 16) && tu_all_equal(span_id, 0xAB, 8) && sampled == 7);
    CHECK_STATUS(kt_span_inject(span, buffer, sizeof buffer, &written), KT_E_STALE);
    CHECK(written == 777 && tu_all_equal(buffer, 0xAB, sizeof buffer));
    CHECK_STATUS(kt_set_active_span(g_tracer, g_context, span), KT_E_STALE);
    CHECK_STATUS(kt_active_span(g_tracer, g_context, &out), KT_OK);
    CHECK(out != span);
    CHECK_STATUS(kt_span_finish(span, 0), KT_E_STALE);
    CHECK_STATUS(kt_span_release(span), KT_E_STALE);
}

static void test_stale_after_finish(void)
{
    kt_span sampled = start(g_tracer, 0, "finished"), unsampled = start(g_unsampled, 0, "finished");
    kt_counters_t before, after;
    CHECK_STATUS(kt_span_finish(sampled, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(unsampled, 0), KT_OK);
    before = counters();
    NOTE("sampled");
    check_stale(sampled);
    NOTE("unsampled");
    check_stale(unsampled);
    after = counters();
    CHECK(after.spans_finished == before.spans_finished);
    CHECK(after.spans_released == before.spans_released);
}

static void test_stale_after_release(void)
{
    kt_span sampled = start(g_tracer, g_context, "released"), unsampled = start(g_unsampled, 0, "released");
    kt_counters_t before, after;
    CHECK_STATUS(kt_span_release(sampled), KT_OK);
    CHECK_STATUS(kt_span_release(unsampled), KT_OK);
    before = counters();
    NOTE("sampled");
    check_stale(sampled);
    NOTE("unsampled");
    check_stale(unsampled);
    after = counters();
    CHECK(after.spans_finished == before.spans_finished);
    CHECK(after.spans_released == before.spans_released);
}

/* Takes every slot (until kt_start_span gives the no-op span): the stale span's slot is then
** in use by one of them. A stale call must give KT_E_STALE and leave all of them as they were. */
static void check_stale_among_all_slots(kt_span stale, const char *how)
{
    enum { MOST = 100000 };
    kt_span *spans = (kt_span *)malloc(MOST * sizeof *spans);
    ids *before = (ids *)malloc(MOST * sizeof *before);
    kt_counters_t c0, c1;
    size_t count = 0, i, untouched = 0, distinct = 0;
    int full = 0;

    CHECK(spans != NULL && before != NULL);
    if (spans == NULL || before == NULL) {
        free(spans);
        free(before);
        return;
    }
    NOTE("%s", how);
    c0 = counters();
    while (count < MOST) {
        kt_span span = 555;
        if (!CHECK_STATUS(kt_start_span(g_tracer, 0, S("filler"), NULL, &span), KT_OK))
            break;
        if (span == 0) {
            full = 1;
            break;
        }
        spans[count++] = span;
    }
    c1 = counters();
    /* "When no slot is free the span is the no-op span 0 and the drop is counted" */
    CHECK(full);
    CHECK(count >= 1 && count <= MAX_SPANS);
    CHECK(c1.dropped_no_slot == c0.dropped_no_slot + 1);
    for (i = 0; i < count; i++) {
        before[i] = span_ids(spans[i]);
        if (spans[i] != stale)
            distinct++;
    }
    CHECK(distinct == count);

    check_stale(stale);

    for (i = 0; i < count; i++) {
        ids now;
        if (read_ids(spans[i], &now) == KT_OK && same_ids(&now, &before[i]))
            untouched++;
    }
    CHECK(untouched == count);
    for (i = 0; i < count; i++)
        CHECK_STATUS(kt_span_release(spans[i]), KT_OK);
    free(spans);
    free(before);
}

static void test_stale_after_the_slot_is_reused(void)
{
    kt_span released, finished, unsampled;

    CHECK_STATUS(kt_flush(5000), KT_OK);
    released = start(g_tracer, 0, "released, slot reused");
    CHECK_STATUS(kt_span_release(released), KT_OK);
    check_stale_among_all_slots(released, "released");

    unsampled = start(g_unsampled, 0, "unsampled, finished, slot reused");
    CHECK_STATUS(kt_span_finish(unsampled, 0), KT_OK);
    check_stale_among_all_slots(unsampled, "unsampled, finished");

    finished = start(g_tracer, 0, "finished, exported, slot reused");
    CHECK_STATUS(kt_span_finish(finished, 0), KT_OK);
    CHECK_STATUS(kt_flush(5000), KT_OK);
    check_stale_among_all_slots(finished, "finished and exported");
}

/* ---- forged handles ----------------------------------------------------------------- */

/* 100000 random values: none may act on a span; 0, the no-op span, succeeds. */
static void test_forged_span_handles(void)
{
    kt_span live = start(g_tracer, g_context, "target"), other = start(g_unsampled, 0, "target 2");
    ids live_ids = span_ids(live), other_ids = span_ids(other);
    long accepted = 0, unlisted = 0, i;
    int b, status;
    kt_span first_accepted = 0;

    tu_xorshift_state = 0x9E3779B97F4A7C15ull;
    for (i = 0; i < 100000; i++) {
        kt_span forged = tu_xorshift64();
        if (i % 10 == 0) /* also values whose middle bits name a slot of a 64-slot engine */
            forged = (forged & 0xFF000000FFFFFFFFull) | ((forged >> 40) % MAX_SPANS + 1) << 32;
        if (forged == live || forged == other)
            continue;
        status = kt_span_set_int(forged, S("forged"), 1);
        if (forged == 0)
            continue;
        if (status == KT_OK) {
            if (accepted++ == 0)
                first_accepted = forged;
        } else if (status != KT_E_INVALID_HANDLE && status != KT_E_STALE) {
            unlisted++;
        }
    }
    NOTE("first forged handle accepted: 0x%016llx", (unsigned long long)first_accepted);
    CHECK(accepted == 0);
    CHECK(unlisted == 0);
    NOTE("");
    CHECK_STATUS(kt_span_set_int(0, S("forged"), 1), KT_OK);
    CHECK_ERROR(kt_span_set_int(0x5555AAAA5555AAAAull, S("forged"), 1), KT_E_INVALID_HANDLE, "span");

    /* near misses of a live handle: every single bit flipped, and its complement */
    for (b = 0; b < 64; b++) {
        kt_span near = live ^ ((kt_span)1 << b);
        NOTE("the live handle 0x%016llx with bit %d flipped", (unsigned long long)live, b);
        status = kt_span_set_int(near, S("forged"), 1);
        CHECK(status == KT_E_INVALID_HANDLE || status == KT_E_STALE);
        status = kt_span_release(near);
        CHECK(status == KT_E_INVALID_HANDLE || status == KT_E_STALE);
    }
    NOTE("");
    status = kt_span_finish(~live, 0);
    CHECK(status == KT_E_INVALID_HANDLE || status == KT_E_STALE);

    /* forged finishes and releases end nothing */
    tu_xorshift_state = 0x0123456789ABCDEFull;
    accepted = 0;
    for (i = 0; i < 10000; i++) {
        kt_span forged = tu_xorshift64();
        if (forged == 0 || forged == live || forged == other)
            continue;
        if (kt_span_finish(forged, 0) == KT_OK)
            accepted++;
        if (kt_span_release(forged) == KT_OK)
            accepted++;
    }
    CHECK(accepted == 0);

    check_untouched(live, &live_ids);
    check_untouched(other, &other_ids);
    CHECK_STATUS(kt_span_set_int(live, S("still mine"), 1), KT_OK);
    CHECK_STATUS(kt_span_finish(live, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(other, 0), KT_OK);
}

/* Random tracer and context values are "not a handle of this engine". */
static void test_forged_tracer_and_context_handles(void)
{
    long wrong_tracer = 0, wrong_context = 0, written = 0, i;
    kt_span span = start(g_tracer, g_context, "not a context");
    kt_span out;
    ids before = span_ids(span);
    int status;

    tu_xorshift_state = 0xD1B54A32D192ED03ull;
    for (i = 0; i < 2000; i++) {
        uint64_t forged = tu_xorshift64();
        if (forged == 0 || forged == g_tracer || forged == g_unsampled || forged == g_context)
            continue;
        out = 555;
        if (kt_start_span(forged, 0, S("x"), NULL, &out) != KT_E_INVALID_HANDLE)
            wrong_tracer++;
        if (kt_active_span(forged, g_context, &out) != KT_E_INVALID_HANDLE)
            wrong_tracer++;
        if (kt_set_active_span(forged, g_context, 0) != KT_E_INVALID_HANDLE)
            wrong_tracer++;
        if (kt_start_span(g_tracer, forged, S("x"), NULL, &out) != KT_E_INVALID_HANDLE)
            wrong_context++;
        if (kt_context_end(forged) != KT_E_INVALID_HANDLE)
            wrong_context++;
        if (kt_context_extract(forged, S(k_traceparent), NULL, 0) != KT_E_INVALID_HANDLE)
            wrong_context++;
        if (kt_active_span(g_tracer, forged, &out) != KT_E_INVALID_HANDLE)
            wrong_context++;
        if (kt_set_active_span(g_tracer, forged, 0) != KT_E_INVALID_HANDLE)
            wrong_context++;
        if (out != 555)
            written++;
    }
    CHECK(wrong_tracer == 0);
    CHECK(wrong_context == 0);
    CHECK(written == 0);

    out = 555;
    CHECK_ERROR(kt_start_span(0x5555AAAA5555AAAAull, 0, S("x"), NULL, &out), KT_E_INVALID_HANDLE, "tracer");
    CHECK_ERROR(kt_start_span(g_tracer, 0x5555AAAA5555AAAAull, S("x"), NULL, &out), KT_E_INVALID_HANDLE, "context");
    CHECK_ERROR(kt_context_end(0x5555AAAA5555AAAAull), KT_E_INVALID_HANDLE, "context");
    CHECK(out == 555);

    /* one kind of handle is not another: a span is no context, a context no span */
    status = kt_context_end(span);
    NOTE("kt_context_end(a span handle) gave %d %s", status, tu_code_name(status));
    CHECK(status != KT_OK);
    status = kt_span_finish(g_context, 0);
    NOTE("kt_span_finish(a context handle) gave %d %s", status, tu_code_name(status));
    CHECK(status != KT_OK);
    status = kt_span_release(g_tracer);
    NOTE("kt_span_release(a tracer handle) gave %d %s", status, tu_code_name(status));
    CHECK(status != KT_OK);
    NOTE("");
    check_untouched(span, &before);
    CHECK_STATUS(kt_active_span(g_tracer, g_context, &out), KT_OK); /* the context still works */
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* ---- W3C trace context -------------------------------------------------------------- */

static void test_inject_into_a_small_buffer(void)
{
    kt_span span = start(g_tracer, 0, "inject");
    char buffer[64];
    size_t written = 777;
    int status;

    memset(buffer, 0x5A, sizeof buffer);
    status = kt_span_inject(span, buffer, 10, &written);
    CHECK_STATUS(status, KT_E_BUFFER_TOO_SMALL);
    CHECK_LAST_ERROR_NAMES_ONE_OF("capacity", "buffer");
    CHECK(written == 777 || written == 0);
    CHECK(tu_all_equal(buffer, 0x5A, sizeof buffer));

    written = 777;
    CHECK_STATUS(kt_span_inject(span, buffer, 54, &written), KT_E_BUFFER_TOO_SMALL);
    CHECK(written == 777 || written == 0);
    CHECK(tu_all_equal(buffer, 0x5A, sizeof buffer));
    written = 777;
    CHECK_STATUS(kt_span_inject(span, buffer, 0, &written), KT_E_BUFFER_TOO_SMALL);
    CHECK(written == 777 || written == 0);

    CHECK_STATUS(kt_span_inject(span, buffer, 55, &written), KT_OK);
    CHECK(written == 55);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "An invalid traceparent gives KT_E_INVALID_ARGUMENT and leaves no parent (a new trace
** starts); an invalid tracestate is dropped." */
static void test_extract_refuses_garbage(void)
{
    static const char *const garbage[] = {
        "garbage",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0",
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-B7AD6B7169203331-01",
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
        "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",
        "00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",
        "0-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-",
        "                                                       ",
        "-",
    };
    kt_context context = 0;
    size_t i;

    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    for (i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        kt_span span;
        ids s;
        NOTE("traceparent \"%s\" after a valid one", garbage[i]);
        CHECK_STATUS(kt_context_extract(context, S(k_traceparent), NULL, 0), KT_OK);
        CHECK_ERROR(kt_context_extract(context, garbage[i], strlen(garbage[i]), NULL, 0), KT_E_INVALID_ARGUMENT,
                    "traceparent");
        span = start(g_tracer, context, "after garbage");
        s = span_ids(span);
        CHECK(memcmp(s.trace_id, k_trace_id, 16) != 0); /* a new trace */
        CHECK_STATUS(kt_span_release(span), KT_OK);
    }
    NOTE("");
    /* a bad tracestate is dropped, not refused */
    CHECK_STATUS(kt_context_extract(context, S(k_traceparent), S("=== not a tracestate ,,,")), KT_OK);
    {
        kt_span span = start(g_tracer, context, "bad tracestate");
        ids s = span_ids(span);
        CHECK(memcmp(s.trace_id, k_trace_id, 16) == 0);
        CHECK_STATUS(kt_span_release(span), KT_OK);
    }
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* ---- threads ------------------------------------------------------------------------ */

struct thread_result {
    kt_tracer tracer;
    char before[256];
    char after[256];
    int status;
};

static void *fail_elsewhere(void *argument)
{
    struct thread_result *result = (struct thread_result *)argument;
    const char *message = kt_last_error();
    snprintf(result->before, sizeof result->before, "%s", message ? message : "(NULL)");
    result->status = kt_span_set_int(0x5555AAAA5555AAAAull, NULL, 3, 1);
    message = kt_last_error();
    snprintf(result->after, sizeof result->after, "%s", message ? message : "(NULL)");
    return NULL;
}

/* "kt_last_error() returns the calling thread's message for its last failed call" */
static void test_last_error_is_per_thread(void)
{
    struct thread_result result;
    pthread_t thread;
    memset(&result, 0, sizeof result);
    CHECK_ERROR(kt_tracer_new(NULL, 3, 1.0, NULL, 0, &result.tracer), KT_E_INVALID_ARGUMENT, "name");
    CHECK(pthread_create(&thread, NULL, fail_elsewhere, &result) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    NOTE("the other thread's message before its failure: \"%s\"", result.before);
    CHECK(result.before[0] == '\0');
    NOTE("the other thread's message: \"%s\"", result.after);
    CHECK(result.status == KT_E_INVALID_HANDLE || result.status == KT_E_INVALID_ARGUMENT);
    CHECK(result.after[0] != '\0');
    NOTE("");
    CHECK_LAST_ERROR_NAMES("name"); /* this thread's message is still its own */
}

/* Whether n bytes are UTF-8 with every sequence whole. */
static int whole_utf8(const char *text, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)text[i];
        size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        size_t k;
        if (extra > 3 || i + extra >= n)
            return 0;
        for (k = 1; k <= extra; k++)
            if (((unsigned char)text[i + k] & 0xC0) != 0x80)
                return 0;
        i += extra + 1;
    }
    return 1;
}

/* "kt_last_error() names the problem": the values in a message are written out, and a
** message longer than the thread's buffer is cut between characters, never inside one. */
static void test_messages_carry_their_values_and_are_cut_between_characters(void)
{
    char name[1200];
    const char *message;
    size_t i, length;
    int format = 77;
    kt_span span = start(g_tracer, g_context, "values in messages");
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_span out = 555;
    CHECK_STATUS(kt_span_finish(span, -5), KT_E_INVALID_ARGUMENT);
    NOTE("%s", kt_last_error());
    CHECK(strcmp(kt_last_error(), "end_time_ns: -5 is negative") == 0);
    options.kind = 9;
    CHECK_STATUS(kt_start_span(g_tracer, g_context, S("k"), &options, &out), KT_E_INVALID_ARGUMENT);
    CHECK(strstr(kt_last_error(), "options.kind: 9 ") == kt_last_error() && out == 555);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);

    for (i = 0; i + 2 <= sizeof name; i += 2) {
        name[i] = (char)0xC5; /* U+017C, two bytes */
        name[i + 1] = (char)0xBC;
    }
    CHECK_STATUS(kt_format_from_name(name, sizeof name, &format), KT_E_INVALID_ARGUMENT);
    CHECK(format == 77);
    message = kt_last_error();
    length = strlen(message);
    NOTE("a message of %zu bytes: %.12s...", length, message);
    CHECK(strncmp(message, "name: '", 7) == 0);
    CHECK(length >= 500 && length <= 511);
    CHECK(whole_utf8(message, length));
}

/* ---- the end ------------------------------------------------------------------------ */

static void test_bad_input_after_shutdown(void)
{
    kt_span span = start(g_tracer, g_context, "alive at shutdown"), out = 555;
    kt_counters_t c;
    int status;
    CHECK_STATUS(kt_shutdown(5000), KT_OK);
    status = kt_span_set_int(0x5555AAAA5555AAAAull, S("k"), 1);
    CHECK(status != KT_OK);
    status = kt_span_set_string(span, NULL, 3, S("v"));
    CHECK(status != KT_OK);
    status = kt_start_span(g_tracer, g_context, NULL, 3, NULL, &out);
    CHECK(status != KT_OK && out == 555);
    status = kt_counters(NULL);
    CHECK(status == KT_E_NOT_INITIALIZED || status == KT_E_INVALID_ARGUMENT);
    /* the counters stay readable after kt_shutdown, until the next kt_init */
    CHECK_STATUS(kt_counters(&c), KT_OK);
    CHECK(c.spans_started > 0);
    CHECK_STATUS(kt_context_end(0x5555AAAA5555AAAAull), KT_E_NOT_INITIALIZED);
    status = kt_flush(-1);
    CHECK(status == KT_E_NOT_INITIALIZED || status == KT_E_INVALID_ARGUMENT);
}

int main(void)
{
    tu_install_crash_handler();
    RUN(test_init_refuses_bad_options);
    RUN(test_negative_timeouts);
    RUN(test_null_out_pointers);
    RUN(test_null_pointer_with_length);
    RUN(test_lengths_above_the_maximum);
    RUN(test_huge_lengths_are_refused_before_reading);
    RUN(test_invalid_utf8);
    RUN(test_invalid_utf8_on_an_unsampled_span);
    RUN(test_bad_span_kind);
    RUN(test_bad_should_sample);
    RUN(test_bad_status_code);
    RUN(test_negative_times);
    RUN(test_bad_attribute_type);
    RUN(test_empty_attribute_keys);
    RUN(test_end_before_start);
    RUN(test_arrays_with_null_items);
    RUN(test_link_with_bad_ids);
    RUN(test_tracer_sampling_rate_out_of_range);
    RUN(test_stale_after_finish);
    RUN(test_stale_after_release);
    RUN(test_stale_after_the_slot_is_reused);
    RUN(test_forged_span_handles);
    RUN(test_forged_tracer_and_context_handles);
    RUN(test_inject_into_a_small_buffer);
    RUN(test_extract_refuses_garbage);
    RUN(test_last_error_is_per_thread);
    RUN(test_messages_carry_their_values_and_are_cut_between_characters);
    RUN(test_bad_input_after_shutdown);
    return tu_summary();
}
