/*
** test_propagation.c: the trace-context formats of kt.h (kt_format_from_name,
** kt_context_extract_headers, kt_span_inject_headers), each test a promise of the header: every
** format read and written, the order of formats, what a malformed header leaves, and every bad
** argument refused by name with its out-parameters and the caller's buffers untouched.
*/
#include "test_util.h"

#define HEADERS(array) (array), (sizeof(array) / sizeof((array)[0]))
#define FORMATS(array) (array), (sizeof(array) / sizeof((array)[0]))
#define H(name, value) { { S(name) }, { S(value) } }

static const char k_trace[] = "463ac35c9f6413ad48485a3953bb6124";
static const char k_span[] = "a2fb4a1d1a96d312";

static const kt_option k_options[] = {
    { { S("max_spans") }, { S("256") } },
    { { S("schedule_delay_ms") }, { S("50") } },
    { { S("poll_interval_ms") }, { S("2") } },
    { { S("sampling_rate") }, { S("1") } },
};

static const struct {
    const char *name;
    int format;
} k_names[] = {
    { "w3c", KT_FORMAT_W3C }, { "b3", KT_FORMAT_B3 }, { "b3-single", KT_FORMAT_B3_SINGLE },
    { "jaeger", KT_FORMAT_JAEGER }, { "ot", KT_FORMAT_OT }, { "datadog", KT_FORMAT_DATADOG },
    { "aws", KT_FORMAT_AWS }, { "gcp", KT_FORMAT_GCP },
};
#define FORMAT_COUNT (sizeof k_names / sizeof k_names[0])

static kt_tracer g_tracer;         /* sampling rate 1 */
static kt_tracer g_never;          /* sampling rate 0 */

/* ---- helpers ------------------------------------------------------------------------ */

static kt_span start(kt_tracer tracer, kt_context context, const char *name)
{
    kt_span span = 0;
    CHECK_STATUS(kt_start_span(tracer, context, name, strlen(name), NULL, &span), KT_OK);
    CHECK(span != 0);
    return span;
}

static kt_context begin(void)
{
    kt_context context = 0;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    return context;
}

/* The span's trace id in hex, and its sampled flag. */
static int trace_of(kt_span span, char hex[33])
{
    uint8_t trace_id[16];
    int sampled = -1;
    memset(hex, 0, 33);
    CHECK_STATUS(kt_span_ids(span, trace_id, NULL, &sampled), KT_OK);
    tu_hex(trace_id, 16, hex);
    return sampled;
}

static void span_hex(kt_span span, char hex[17])
{
    uint8_t span_id[8];
    memset(hex, 0, 17);
    CHECK_STATUS(kt_span_ids(span, NULL, span_id, NULL), KT_OK);
    tu_hex(span_id, 8, hex);
}

/* The value of the injected header named name, or NULL. */
static const kt_str *find(const kt_header *headers, size_t count, const char *name)
{
    size_t i;
    for (i = 0; i < count; i++)
        if (headers[i].name.len == strlen(name) && memcmp(headers[i].name.ptr, name, headers[i].name.len) == 0)
            return &headers[i].value;
    return NULL;
}

static int value_is(const kt_str *value, const char *expected)
{
    return value != NULL && value->len == strlen(expected) && memcmp(value->ptr, expected, value->len) == 0;
}

/* Extracts one format's headers into a new context and starts a span in it. */
static kt_span extract_then_start(int format, const kt_header *headers, size_t count, kt_context *context)
{
    int used = -1;
    *context = begin();
    CHECK_STATUS(kt_context_extract_headers(*context, &format, 1, headers, count, &used), KT_OK);
    CHECK(used == format);
    return start(g_never, *context, "server");
}

/* The parent a span will show: what its b3 headers carry as x-b3-parentspanid. */
static int parent_is(kt_span span, const char *expected)
{
    char buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t count = 0;
    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_B3, buffer, sizeof buffer, headers, KT_INJECT_MAX_HEADERS, &count), KT_OK);
    return value_is(find(headers, count, "x-b3-parentspanid"), expected);
}

/* Whether the span has a parent, local or remote: its b3 headers carry x-b3-parentspanid. */
static int has_parent(kt_span span)
{
    char buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t count = 0;
    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_B3, buffer, sizeof buffer, headers, KT_INJECT_MAX_HEADERS, &count), KT_OK);
    return find(headers, count, "x-b3-parentspanid") != NULL;
}

/* ---- before kt_init ------------------------------------------------------------------- */

/* "The format of a name ... in any ASCII case ... Works before kt_init." */
static void test_format_names_before_init(void)
{
    static const char *const unknown[] = { "", "b3single", "b3 ", "preserve", "tracecontext", "w3", "aws-xray" };
    size_t i;
    int out;

    for (i = 0; i < FORMAT_COUNT; i++) {
        NOTE("name \"%s\"", k_names[i].name);
        out = -1;
        CHECK_STATUS(kt_format_from_name(k_names[i].name, strlen(k_names[i].name), &out), KT_OK);
        CHECK(out == k_names[i].format);
    }
    NOTE("");
    out = -1;
    CHECK_STATUS(kt_format_from_name(S("B3-Single"), &out), KT_OK);
    CHECK(out == KT_FORMAT_B3_SINGLE);
    CHECK_STATUS(kt_format_from_name(S("W3C"), &out), KT_OK);
    CHECK(out == KT_FORMAT_W3C);
    /* the length is honoured: "gcp" read from inside a longer buffer */
    CHECK_STATUS(kt_format_from_name("gcpxyz", 3, &out), KT_OK);
    CHECK(out == KT_FORMAT_GCP);

    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        NOTE("unknown name \"%s\"", unknown[i]);
        out = -7;
        CHECK_ERROR(kt_format_from_name(unknown[i], strlen(unknown[i]), &out), KT_E_INVALID_ARGUMENT, "name");
        CHECK(out == -7);
    }
    NOTE("");
    CHECK_ERROR(kt_format_from_name(S("zipkin"), &out), KT_E_INVALID_ARGUMENT, "zipkin");
    CHECK_ERROR(kt_format_from_name(NULL, 3, &out), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_format_from_name(S("b3\xFF"), &out), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_format_from_name(S("b3"), NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_format_from_name("b3", (size_t)KT_MAX_STRING + 1, &out), KT_E_INVALID_ARGUMENT, "name");
    CHECK(out == -7);
}

/* "calls before kt_init ... give a status" */
static void test_extract_and_inject_before_init(void)
{
    static const kt_header headers[] = { H("b3", "1") };
    int formats[] = { KT_FORMAT_B3_SINGLE };
    char buffer[64];
    kt_header out[4];
    size_t count = 77;
    int used = 77;

    memset(buffer, 0x5A, sizeof buffer);
    CHECK_STATUS(kt_context_extract_headers(0x100000001ull, FORMATS(formats), HEADERS(headers), &used), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_inject_headers(0x1234, KT_FORMAT_B3, buffer, sizeof buffer, out, 4, &count), KT_E_NOT_INITIALIZED);
    CHECK(used == 77 && count == 77);
    CHECK(tu_all_equal(buffer, 0x5A, sizeof buffer));
}

/* ---- extraction ------------------------------------------------------------------------ */

/* "Valid headers give the context its remote parent, exactly as kt_context_extract does: the
** first span started in it without a local parent is its child, and follows its sampling
** decision." Names are given in mixed case: "Header names match in any case when read". */
static void test_every_format_gives_the_parent(void)
{
    static const kt_header w3c[] = { H("TraceParent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01") };
    static const kt_header b3[] = { H("X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124"), H("X-B3-SpanId", "a2fb4a1d1a96d312"),
                                    H("X-B3-ParentSpanId", "0020000000000001"), H("X-B3-Sampled", "1") };
    static const kt_header single[] = { H("B3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1-0020000000000001") };
    static const kt_header jaeger[] = { H("Uber-Trace-Id", "463ac35c9f6413ad48485a3953bb6124:a2fb4a1d1a96d312:0:1") };
    static const kt_header ot[] = { H("OT-Tracer-TraceId", "463ac35c9f6413ad48485a3953bb6124"), H("OT-Tracer-SpanId", "a2fb4a1d1a96d312"),
                                    H("OT-Tracer-Sampled", "true") };
    /* 0x48485a3953bb6124 = 5208512171318403364, 0xa2fb4a1d1a96d312 = 11744061942159299346 */
    static const kt_header datadog[] = { H("X-Datadog-Trace-Id", "5208512171318403364"), H("X-Datadog-Parent-Id", "11744061942159299346"),
                                         H("X-Datadog-Sampling-Priority", "2"), H("X-Datadog-Tags", "_dd.p.dm=-4,_dd.p.tid=463ac35c9f6413ad") };
    static const kt_header aws[] = { H("X-Amzn-Trace-Id", "Self=1-67891233-abcdef012345678912345678;Root=1-463ac35c-9f6413ad48485a3953bb6124;Parent=a2fb4a1d1a96d312;Sampled=1") };
    static const kt_header gcp[] = { H("X-Cloud-Trace-Context", "463ac35c9f6413ad48485a3953bb6124/11744061942159299346;o=1") };
    static const struct {
        int format;
        const kt_header *headers;
        size_t count;
    } cases[] = {
        { KT_FORMAT_W3C, HEADERS(w3c) }, { KT_FORMAT_B3, HEADERS(b3) }, { KT_FORMAT_B3_SINGLE, HEADERS(single) },
        { KT_FORMAT_JAEGER, HEADERS(jaeger) }, { KT_FORMAT_OT, HEADERS(ot) }, { KT_FORMAT_DATADOG, HEADERS(datadog) },
        { KT_FORMAT_AWS, HEADERS(aws) }, { KT_FORMAT_GCP, HEADERS(gcp) },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kt_context context;
        kt_span server, child;
        char trace[33], child_trace[33], server_id[17];
        NOTE("format %d", cases[i].format);
        /* a tracer that samples nothing: the caller's decision to sample wins */
        server = extract_then_start(cases[i].format, cases[i].headers, cases[i].count, &context);
        CHECK(trace_of(server, trace) == 1);
        CHECK(strcmp(trace, k_trace) == 0);
        CHECK(parent_is(server, k_span));
        CHECK_STATUS(kt_set_active_span(g_never, context, server), KT_OK);
        child = start(g_never, context, "child");
        CHECK(trace_of(child, child_trace) == 1);
        CHECK(strcmp(child_trace, k_trace) == 0);
        span_hex(server, server_id);
        CHECK(parent_is(child, server_id));
        CHECK_STATUS(kt_span_finish(child, 0), KT_OK);
        CHECK_STATUS(kt_span_finish(server, 0), KT_OK);
        CHECK_STATUS(kt_context_end(context), KT_OK);
    }
}

/* "64-bit trace ids (b3, ot, jaeger, datadog) are padded with zeros on the left to 128 bits" */
static void test_64_bit_trace_ids_are_padded(void)
{
    static const kt_header b3[] = { H("x-b3-traceid", "48485a3953bb6124"), H("x-b3-spanid", "a2fb4a1d1a96d312"), H("x-b3-sampled", "1") };
    static const kt_header jaeger[] = { H("uber-trace-id", "5a3953bb6124:a2fb4a1d1a96d312:0:1") };
    static const kt_header datadog[] = { H("x-datadog-trace-id", "18446744073709551615"), H("x-datadog-parent-id", "1"),
                                         H("x-datadog-sampling-priority", "1") };
    kt_context context;
    kt_span span;
    char trace[33];

    span = extract_then_start(KT_FORMAT_B3, HEADERS(b3), &context);
    trace_of(span, trace);
    CHECK(strcmp(trace, "000000000000000048485a3953bb6124") == 0);
    CHECK_STATUS(kt_context_end(context), KT_OK);

    span = extract_then_start(KT_FORMAT_JAEGER, HEADERS(jaeger), &context);
    trace_of(span, trace);
    CHECK(strcmp(trace, "000000000000000000005a3953bb6124") == 0);
    CHECK_STATUS(kt_context_end(context), KT_OK);

    span = extract_then_start(KT_FORMAT_DATADOG, HEADERS(datadog), &context);
    trace_of(span, trace);
    CHECK(strcmp(trace, "0000000000000000ffffffffffffffff") == 0);
    CHECK(parent_is(span, "0000000000000001"));
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "tries the format_count formats in order, and the first whose headers are present decides";
** "0 when no tried format's headers were present (no parent: a new trace starts)" */
static void test_the_first_format_present_decides(void)
{
    static const kt_header both[] = {
        H("accept", "*/*"),
        H("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        H("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"),
        H("x-b3-spanid", "a2fb4a1d1a96d312"),
        H("x-b3-sampled", "0"),
    };
    int b3_first[] = { KT_FORMAT_DATADOG, KT_FORMAT_B3, KT_FORMAT_W3C };
    int w3c_first[] = { KT_FORMAT_GCP, KT_FORMAT_W3C, KT_FORMAT_B3 };
    int absent[] = { KT_FORMAT_AWS, KT_FORMAT_JAEGER, KT_FORMAT_OT };
    kt_context context = begin();
    kt_span span;
    char trace[33];
    int used = -1;

    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(b3_first), HEADERS(both), &used), KT_OK);
    CHECK(used == KT_FORMAT_B3);
    span = start(g_tracer, context, "b3 decided");
    CHECK(trace_of(span, trace) == 0); /* X-B3-Sampled: 0 beats a tracer that samples everything */
    CHECK(strcmp(trace, k_trace) == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);

    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(w3c_first), HEADERS(both), &used), KT_OK);
    CHECK(used == KT_FORMAT_W3C);
    span = start(g_tracer, context, "w3c decided");
    CHECK(trace_of(span, trace) == 1);
    CHECK(strcmp(trace, "0af7651916cd43dd8448eb211c80319c") == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);

    /* none present: KT_OK, 0, and the previous parent is gone */
    used = -1;
    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(absent), HEADERS(both), &used), KT_OK);
    CHECK(used == 0);
    span = start(g_tracer, context, "new trace");
    trace_of(span, trace);
    CHECK(strcmp(trace, "0af7651916cd43dd8448eb211c80319c") != 0);
    CHECK(!has_parent(span));
    CHECK_STATUS(kt_span_release(span), KT_OK);

    /* no formats, no headers */
    used = -1;
    CHECK_STATUS(kt_context_extract_headers(context, NULL, 0, HEADERS(both), &used), KT_OK);
    CHECK(used == 0);
    used = -1;
    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(b3_first), NULL, 0, &used), KT_OK);
    CHECK(used == 0);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "A decision without ids ... gives no parent: a new trace starts, following that decision." */
static void test_a_decision_without_ids_starts_a_trace_that_follows_it(void)
{
    static const kt_header deny[] = { H("b3", "0") };
    static const kt_header accept[] = { H("x-datadog-sampling-priority", "1") };
    int single[] = { KT_FORMAT_B3_SINGLE };
    int datadog[] = { KT_FORMAT_DATADOG };
    kt_context context = begin();
    kt_span span;
    char trace[33];
    int used = -1;

    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(single), HEADERS(deny), &used), KT_OK);
    CHECK(used == KT_FORMAT_B3_SINGLE);
    span = start(g_tracer, context, "denied");
    CHECK(trace_of(span, trace) == 0);
    CHECK(!tu_all_equal(trace, '0', 32));
    CHECK_STATUS(kt_span_release(span), KT_OK);

    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(datadog), HEADERS(accept), &used), KT_OK);
    CHECK(used == KT_FORMAT_DATADOG);
    span = start(g_never, context, "accepted");
    CHECK(trace_of(span, trace) == 1);
    CHECK_STATUS(kt_span_release(span), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "An aws Root without Parent gives a trace without a span: new spans join that trace as roots." */
static void test_an_aws_root_without_parent_is_joined(void)
{
    static const kt_header root[] = { H("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793") };
    kt_context context;
    kt_span span = extract_then_start(KT_FORMAT_AWS, HEADERS(root), &context);
    char trace[33];

    trace_of(span, trace);
    CHECK(strcmp(trace, "5759e988bd862e3fe1be46a994272793") == 0);
    CHECK(!has_parent(span)); /* a root of the caller's trace */
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "A tracestate header is kept, whichever format decided, when the request's traceparent is
** valid and names the same trace ...; it is dropped otherwise." */
static void test_tracestate_beside_another_format(void)
{
    static const kt_header same[] = {
        H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"), H("tracestate", "congo=t61rcWkgMzE"),
        H("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1"),
    };
    static const kt_header other[] = {
        H("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), H("tracestate", "congo=t61rcWkgMzE"),
        H("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1"),
    };
    int formats[] = { KT_FORMAT_B3_SINGLE, KT_FORMAT_W3C };
    kt_context context = begin();
    kt_span span;
    char state[64];
    size_t length = 99;
    int used = -1;

    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(formats), HEADERS(same), &used), KT_OK);
    CHECK(used == KT_FORMAT_B3_SINGLE);
    span = start(g_tracer, context, "same trace");
    CHECK_STATUS(kt_span_tracestate(span, state, sizeof state, &length), KT_OK);
    CHECK(length == 17 && memcmp(state, "congo=t61rcWkgMzE", 17) == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);

    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(formats), HEADERS(other), &used), KT_OK);
    span = start(g_tracer, context, "other trace");
    CHECK_STATUS(kt_span_tracestate(span, state, sizeof state, &length), KT_OK);
    CHECK(length == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "Present but malformed headers ... give KT_E_INVALID_ARGUMENT, with kt_last_error naming the
** header (in lower case) and leave no parent; no later format is tried." */
static void test_malformed_headers_are_named_and_leave_no_parent(void)
{
    static const kt_header valid[] = { H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01") };
    static const struct {
        int format;
        const char *name;
        const char *value;
        const char *named;
    } cases[] = {
        { KT_FORMAT_W3C, "Traceparent", "00-463AC35C9F6413AD48485A3953BB6124-a2fb4a1d1a96d312-01", "traceparent" },
        { KT_FORMAT_B3, "X-B3-TraceId", "463ac35c9f6413ad48485a3953bb612", "x-b3-traceid" },          /* 31 digits */
        { KT_FORMAT_B3, "X-B3-TraceId", "00000000000000000000000000000000", "x-b3-traceid" },         /* zero */
        { KT_FORMAT_B3, "X-B3-TraceId", "463ac35c9f6413ad48485a3953bb612z", "x-b3-traceid" },         /* not hex */
        { KT_FORMAT_B3, "X-B3-Sampled", "yes", "x-b3-sampled" },
        { KT_FORMAT_B3, "X-B3-SpanId", "a2fb4a1d1a96d312", "x-b3-traceid" },                          /* missing */
        { KT_FORMAT_B3_SINGLE, "b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-2", "b3" },
        { KT_FORMAT_B3_SINGLE, "b3", "463ac35c9f6413ad48485a3953bb6124", "b3" },
        { KT_FORMAT_JAEGER, "uber-trace-id", "463ac35c9f6413ad48485a3953bb6124:0:0:1", "uber-trace-id" },
        { KT_FORMAT_JAEGER, "uber-trace-id", "1463ac35c9f6413ad48485a3953bb6124:a2fb4a1d1a96d312:0:1", "uber-trace-id" },
        { KT_FORMAT_OT, "ot-tracer-spanid", "a2fb4a1d1a96d312", "ot-tracer-traceid" },
        { KT_FORMAT_DATADOG, "x-datadog-trace-id", "18446744073709551616", "x-datadog-trace-id" },  /* 2^64 */
        { KT_FORMAT_DATADOG, "x-datadog-trace-id", "12ab", "x-datadog-trace-id" },
        { KT_FORMAT_DATADOG, "x-datadog-sampling-priority", "high", "x-datadog-sampling-priority" },
        { KT_FORMAT_AWS, "X-Amzn-Trace-Id", "Parent=a2fb4a1d1a96d312;Sampled=1", "x-amzn-trace-id" },
        { KT_FORMAT_AWS, "X-Amzn-Trace-Id", "Root=1-463ac35c-9f6413ad48485a3953bb612", "x-amzn-trace-id" },
        { KT_FORMAT_GCP, "X-Cloud-Trace-Context", "463ac35c9f6413ad48485a3953bb6124/0;o=1", "x-cloud-trace-context" },
        { KT_FORMAT_GCP, "X-Cloud-Trace-Context", "463ac35c9f6413ad48485a3953bb6124/1;o=2", "x-cloud-trace-context" },
    };
    kt_context context = begin();
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* the malformed format first, a valid w3c after it: it must not be tried */
        int formats[2];
        int w3c = KT_FORMAT_W3C;
        int used = -7;
        kt_header headers[2];
        kt_span span;
        char trace[33];
        NOTE("format %d, %s: %s", cases[i].format, cases[i].name, cases[i].value);
        formats[0] = cases[i].format;
        formats[1] = KT_FORMAT_W3C;
        headers[0].name.ptr = cases[i].name;
        headers[0].name.len = strlen(cases[i].name);
        headers[0].value.ptr = cases[i].value;
        headers[0].value.len = strlen(cases[i].value);
        headers[1] = valid[0];
        CHECK_STATUS(kt_context_extract_headers(context, &w3c, 1, HEADERS(valid), &used), KT_OK);
        used = -7;
        CHECK_ERROR(kt_context_extract_headers(context, formats, cases[i].format == KT_FORMAT_W3C ? 1 : 2, headers, 2, &used),
                    KT_E_INVALID_ARGUMENT, cases[i].named);
        CHECK(used == -7);
        span = start(g_tracer, context, "after a malformed header");
        trace_of(span, trace);
        CHECK(strcmp(trace, k_trace) != 0); /* the earlier parent is gone: a new trace */
        CHECK(!has_parent(span));
        CHECK_STATUS(kt_span_release(span), KT_OK);
    }
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "only the ones a tried format reads are looked at, so others may hold anything" */
static void test_bad_utf8_only_matters_in_a_header_that_is_read(void)
{
    static const kt_header unrelated[] = {
        H("cookie", "caf\xE9=1"), H("x-\xFF", "\xC3\x28"),
        H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01"),
    };
    static const kt_header read[] = { H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d31\xC3\x28") };
    static const kt_header bad_name[] = { H("traceparent\xFF", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01") };
    int w3c[] = { KT_FORMAT_W3C };
    kt_context context = begin();
    int used = -1;

    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(w3c), HEADERS(unrelated), &used), KT_OK);
    CHECK(used == KT_FORMAT_W3C);
    used = -7;
    CHECK_ERROR(kt_context_extract_headers(context, FORMATS(w3c), HEADERS(read), &used), KT_E_INVALID_ARGUMENT, "traceparent");
    CHECK_LAST_ERROR_NAMES("UTF");
    CHECK(used == -7);
    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(w3c), HEADERS(bad_name), &used), KT_OK);
    CHECK(used == 0); /* not a header named traceparent */
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "headers and formats may be NULL only when their count is 0"; every bad argument is named */
static void test_extract_refuses_bad_arguments(void)
{
    static const kt_header headers[] = { H("b3", "1"), H("x", "y") };
    int formats[] = { KT_FORMAT_W3C, KT_FORMAT_B3_SINGLE };
    int bad_formats[][2] = { { KT_FORMAT_W3C, 0 }, { KT_FORMAT_W3C, 9 }, { KT_FORMAT_W3C, -1 }, { KT_FORMAT_W3C, 0x10000 + KT_FORMAT_B3 } };
    int many[65];
    kt_header null_name[2], null_value[1], too_long[1];
    kt_context context = begin(), ended = begin();
    int used = -7;
    size_t i;

    CHECK_ERROR(kt_context_extract_headers(context, FORMATS(formats), HEADERS(headers), NULL), KT_E_INVALID_ARGUMENT, "used_format");
    CHECK_ERROR(kt_context_extract_headers(context, NULL, 1, HEADERS(headers), &used), KT_E_INVALID_ARGUMENT, "formats");
    for (i = 0; i < 65; i++)
        many[i] = KT_FORMAT_W3C;
    CHECK_ERROR(kt_context_extract_headers(context, many, 65, HEADERS(headers), &used), KT_E_INVALID_ARGUMENT, "format_count");
    CHECK_STATUS(kt_context_extract_headers(context, many, 64, HEADERS(headers), &used), KT_OK);
    CHECK(used == 0);
    used = -7;
    for (i = 0; i < sizeof bad_formats / sizeof bad_formats[0]; i++) {
        NOTE("formats[1] = %d", bad_formats[i][1]);
        CHECK_ERROR(kt_context_extract_headers(context, bad_formats[i], 2, HEADERS(headers), &used), KT_E_INVALID_ARGUMENT, "formats[1]");
    }
    NOTE("");
    CHECK_ERROR(kt_context_extract_headers(context, FORMATS(formats), NULL, 2, &used), KT_E_INVALID_ARGUMENT, "headers");
    CHECK_ERROR(kt_context_extract_headers(context, FORMATS(formats), headers, (size_t)1 << 17, &used), KT_E_INVALID_ARGUMENT, "header_count");

    null_name[0] = headers[1];
    null_name[1].name.ptr = NULL;
    null_name[1].name.len = 4;
    null_name[1].value = headers[0].value;
    CHECK_ERROR(kt_context_extract_headers(context, FORMATS(formats), HEADERS(null_name), &used), KT_E_INVALID_ARGUMENT, "headers[1].name");
    null_value[0].name = headers[0].name;
    null_value[0].value.ptr = NULL;
    null_value[0].value.len = 1;
    CHECK_ERROR(kt_context_extract_headers(context, FORMATS(formats), HEADERS(null_value), &used), KT_E_INVALID_ARGUMENT, "headers[0].value");
    too_long[0].name = headers[1].name;
    too_long[0].value.ptr = "y";
    too_long[0].value.len = (size_t)KT_MAX_STRING + 1;
    CHECK_ERROR(kt_context_extract_headers(context, FORMATS(formats), HEADERS(too_long), &used), KT_E_INVALID_ARGUMENT, "headers[0].value");
    CHECK(used == -7);

    /* a NULL pointer with length 0 is the empty string: absent */
    null_value[0].value.len = 0;
    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(formats), HEADERS(null_value), &used), KT_OK);
    CHECK(used == 0);
    used = -7;

    CHECK_STATUS(kt_context_extract_headers(0, FORMATS(formats), HEADERS(headers), &used), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_extract_headers(0x5555AAAA5555AAAAull, FORMATS(formats), HEADERS(headers), &used), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_end(ended), KT_OK);
    CHECK_STATUS(kt_context_extract_headers(ended, FORMATS(formats), HEADERS(headers), &used), KT_E_STALE);
    CHECK(used == -7);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* ---- W3C Trace Context Level 2 ---------------------------------------------------------- */

/* The span's tracestate as a NUL-terminated string. */
static const char *state_of(kt_span span, char *state, size_t capacity)
{
    size_t length = 0;
    memset(state, 0, capacity);
    CHECK_STATUS(kt_span_tracestate(span, state, capacity - 1, &length), KT_OK);
    return state;
}

/* "several tracestate lines are one list, in order ...; its limit of 32 members is over all the
** lines" and, from kt_context_extract, "a repeated key kept once (the first)". */
static void test_tracestate_lines_are_one_list(void)
{
    static const kt_header lines[] = {
        H("tracestate", "foo=1,bar=2"), H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"),
        H("TraceState", ""), H("x-other", "rojo=9"), H("tracestate", " rojo=1 , ,foo=9"),
    };
    static const kt_header too_many[] = {
        H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"),
        H("tracestate", "a1=1,a2=2,a3=3,a4=4,a5=5,a6=6,a7=7,a8=8,a9=9,a10=10,a11=11,a12=12,a13=13,a14=14,a15=15,a16=16"),
        H("tracestate", "b1=1,b2=2,b3=3,b4=4,b5=5,b6=6,b7=7,b8=8,b9=9,b10=10,b11=11,b12=12,b13=13,b14=14,b15=15,b16=16"),
        H("tracestate", "c1=1"),
    };
    int format = KT_FORMAT_W3C, used = -1;
    kt_context context = begin();
    kt_span span;
    char state[600];

    CHECK_STATUS(kt_context_extract_headers(context, &format, 1, HEADERS(lines), &used), KT_OK);
    CHECK(used == KT_FORMAT_W3C);
    span = start(g_tracer, context, "combined");
    CHECK(strcmp(state_of(span, state, sizeof state), "foo=1,bar=2,rojo=1") == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);

    CHECK_STATUS(kt_context_extract_headers(context, &format, 1, HEADERS(too_many), &used), KT_OK);
    span = start(g_tracer, context, "33 members");
    CHECK(strcmp(state_of(span, state, sizeof state), "") == 0);
    CHECK(trace_of(span, state) == 1 && strcmp(state, "463ac35c9f6413ad48485a3953bb6124") == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "several traceparent lines are invalid (KT_E_INVALID_ARGUMENT, a new trace starts)" */
static void test_several_traceparent_lines_are_invalid(void)
{
    static const kt_header twice[] = {
        H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"), H("tracestate", "foo=1"),
        H("Traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"),
    };
    static const kt_header blank_second[] = {
        H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"), H("traceparent", " "),
    };
    int format = KT_FORMAT_W3C, used = 77;
    kt_context context = begin();
    kt_span span;
    char trace[600];

    CHECK_ERROR(kt_context_extract_headers(context, &format, 1, HEADERS(twice), &used), KT_E_INVALID_ARGUMENT, "traceparent");
    CHECK(strstr(kt_last_error(), "more than one line") != NULL);
    CHECK(used == 77);
    span = start(g_tracer, context, "new trace");
    trace_of(span, trace);
    CHECK(strcmp(trace, "463ac35c9f6413ad48485a3953bb6124") != 0);
    CHECK(strcmp(state_of(span, trace, sizeof trace), "") == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);

    CHECK_STATUS(kt_context_extract_headers(context, &format, 1, HEADERS(blank_second), &used), KT_OK);
    CHECK(used == KT_FORMAT_W3C);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "kt_span_tracestate: inherited from a remote parent, sampled or not", and w3c injection
** writes it for an unsampled span "as a sampled one does". */
static void test_an_unsampled_parents_tracestate_is_carried_on(void)
{
    static const kt_header parent[] = {
        H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-00"), H("tracestate", "congo=t61rcWkgMzE"),
    };
    kt_context context;
    kt_span server = extract_then_start(KT_FORMAT_W3C, HEADERS(parent), &context);
    kt_span client;
    char state[64], buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t count = 0;

    CHECK(trace_of(server, state) == 0);
    CHECK(strcmp(state_of(server, state, sizeof state), "congo=t61rcWkgMzE") == 0);
    CHECK_STATUS(kt_set_active_span(g_never, context, server), KT_OK);
    client = start(g_never, context, "client");
    CHECK_STATUS(kt_span_inject_headers(client, KT_FORMAT_W3C, buffer, sizeof buffer, headers, KT_INJECT_MAX_HEADERS, &count), KT_OK);
    CHECK(count == 2 && value_is(find(headers, count, "tracestate"), "congo=t61rcWkgMzE"));
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* kt_context_extract: "a repeated key kept once (the first)", Level 2's keys ("foo@" is one). */
static void test_kt_context_extract_keeps_level_2_lists(void)
{
    kt_context context = begin();
    kt_span span;
    char state[64];

    CHECK_STATUS(kt_context_extract(context, S("00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"), S("foo@=1,bar=2,foo@=3, 1x=4")), KT_OK);
    span = start(g_tracer, context, "level 2");
    CHECK(strcmp(state_of(span, state, sizeof state), "foo@=1,bar=2,1x=4") == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);
    CHECK_STATUS(kt_context_extract(context, S("00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"), S("@foo=1,bar=2")), KT_OK);
    span = start(g_tracer, context, "bad key");
    CHECK(strcmp(state_of(span, state, sizeof state), "") == 0);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "A trace id whose low 64 bits are zero has no datadog form ...: datadog then writes no header
** at all", and every format round-trips the edges of the id space. */
static void test_edge_trace_ids_round_trip_or_are_not_written(void)
{
    static const char *const traces[] = {
        "0af7651916cd43dd0000000000000000", "00000000000000000000000000000001", "ffffffffffffffffffffffffffffffff",
        "00000000000000008000000000000000", "80000000000000000000000000000000", "0000000000000000ffffffffffffffff",
    };
    size_t t, i;

    for (t = 0; t < sizeof traces / sizeof traces[0]; t++) {
        char parent[56];
        kt_context upstream = begin();
        kt_span client;
        char client_id[17];

        snprintf(parent, sizeof parent, "00-%s-b7ad6b7169203331-01", traces[t]);
        CHECK_STATUS(kt_context_extract(upstream, parent, 55, NULL, 0), KT_OK);
        client = start(g_tracer, upstream, "client");
        span_hex(client, client_id);
        for (i = 0; i < FORMAT_COUNT; i++) {
            char buffer[KT_INJECT_MAX_BYTES], trace[33];
            kt_header headers[KT_INJECT_MAX_HEADERS];
            size_t count = 77;
            kt_context downstream = begin();
            int format = k_names[i].format, used = -1;
            kt_span server;

            NOTE("trace %s, format %s", traces[t], k_names[i].name);
            CHECK_STATUS(kt_span_inject_headers(client, format, buffer, sizeof buffer, headers, KT_INJECT_MAX_HEADERS, &count), KT_OK);
            CHECK_STATUS(kt_context_extract_headers(downstream, &format, 1, headers, count, &used), KT_OK);
            if (format == KT_FORMAT_DATADOG && memcmp(traces[t] + 16, "0000000000000000", 16) == 0) {
                CHECK(count == 0 && used == 0);
            } else {
                CHECK(used == format);
                server = start(g_tracer, downstream, "server");
                CHECK(trace_of(server, trace) == 1 && strcmp(trace, traces[t]) == 0);
                CHECK(parent_is(server, client_id));
            }
            CHECK_STATUS(kt_context_end(downstream), KT_OK);
        }
        CHECK_STATUS(kt_context_end(upstream), KT_OK);
    }
    NOTE("");
}

/* ---- injection ------------------------------------------------------------------------- */

/* "Writes the span's headers in one format": what each writes, read back by the next service. */
static void test_inject_then_extract_every_format(void)
{
    static const kt_header w3c_parent[] = {
        H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01"), H("tracestate", "rojo=00f067aa0ba902b7"),
    };
    kt_context upstream;
    kt_span client = extract_then_start(KT_FORMAT_W3C, HEADERS(w3c_parent), &upstream);
    char client_id[17];
    size_t i;

    span_hex(client, client_id);
    for (i = 0; i < FORMAT_COUNT; i++) {
        char buffer[KT_INJECT_MAX_BYTES];
        kt_header headers[KT_INJECT_MAX_HEADERS];
        size_t count = 0, j;
        kt_context downstream;
        kt_span server;
        char trace[33];
        NOTE("format %s", k_names[i].name);
        memset(buffer, 0x5A, sizeof buffer);
        CHECK_STATUS(kt_span_inject_headers(client, k_names[i].format, buffer, sizeof buffer, headers, KT_INJECT_MAX_HEADERS, &count), KT_OK);
        CHECK(count >= 1 && count <= KT_INJECT_MAX_HEADERS);
        for (j = 0; j < count; j++) {
            size_t k;
            CHECK(headers[j].name.ptr >= buffer && headers[j].value.ptr + headers[j].value.len <= buffer + sizeof buffer);
            for (k = 0; k < headers[j].name.len; k++)
                CHECK(!(headers[j].name.ptr[k] >= 'A' && headers[j].name.ptr[k] <= 'Z'));
        }
        server = extract_then_start(k_names[i].format, headers, count, &downstream);
        CHECK(trace_of(server, trace) == 1);
        CHECK(strcmp(trace, k_trace) == 0);
        CHECK(parent_is(server, client_id));
        CHECK_STATUS(kt_context_end(downstream), KT_OK);
    }
    NOTE("");
    CHECK_STATUS(kt_context_end(upstream), KT_OK);
}

/* The exact text of each format, for a sampled span of trace k_trace whose parent is
** b7ad6b7169203331. */
static void test_inject_writes_each_format_exactly(void)
{
    static const kt_header parent[] = { H("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01") };
    kt_context context;
    kt_span span = extract_then_start(KT_FORMAT_W3C, HEADERS(parent), &context);
    char id[17], expected[128], buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t count = 0;
    uint8_t span_id[8];
    unsigned long long decimal = 0;
    int i;

    span_hex(span, id);
    CHECK_STATUS(kt_span_ids(span, NULL, span_id, NULL), KT_OK);
    for (i = 0; i < 8; i++)
        decimal = (decimal << 8) | span_id[i];

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_B3_SINGLE, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    snprintf(expected, sizeof expected, "%s-%s-1-b7ad6b7169203331", k_trace, id);
    CHECK(count == 1 && value_is(find(headers, count, "b3"), expected));

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_JAEGER, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    snprintf(expected, sizeof expected, "%s:%s:b7ad6b7169203331:01", k_trace, id);
    CHECK(count == 1 && value_is(find(headers, count, "uber-trace-id"), expected));

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_OT, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    CHECK(count == 3 && value_is(find(headers, count, "ot-tracer-traceid"), k_trace) && value_is(find(headers, count, "ot-tracer-spanid"), id)
          && value_is(find(headers, count, "ot-tracer-sampled"), "true"));

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_DATADOG, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    snprintf(expected, sizeof expected, "%llu", decimal);
    CHECK(count == 4 && value_is(find(headers, count, "x-datadog-trace-id"), "5208512171318403364")
          && value_is(find(headers, count, "x-datadog-parent-id"), expected)
          && value_is(find(headers, count, "x-datadog-sampling-priority"), "1")
          && value_is(find(headers, count, "x-datadog-tags"), "_dd.p.tid=463ac35c9f6413ad"));

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_AWS, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    snprintf(expected, sizeof expected, "Root=1-463ac35c-9f6413ad48485a3953bb6124;Parent=%s;Sampled=1", id);
    CHECK(count == 1 && value_is(find(headers, count, "x-amzn-trace-id"), expected));

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_GCP, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    snprintf(expected, sizeof expected, "%s/%llu;o=1", k_trace, decimal);
    CHECK(count == 1 && value_is(find(headers, count, "x-cloud-trace-context"), expected));

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_W3C, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    snprintf(expected, sizeof expected, "00-%s-%s-01", k_trace, id);
    CHECK(count == 1 && value_is(find(headers, count, "traceparent"), expected));
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* "An unsampled span writes its decision not to sample." */
static void test_an_unsampled_span_writes_its_decision(void)
{
    kt_span span = start(g_never, 0, "unsampled");
    char buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t count = 0;

    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_B3, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    CHECK(value_is(find(headers, count, "x-b3-sampled"), "0"));
    CHECK(find(headers, count, "x-b3-parentspanid") == NULL);
    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_DATADOG, buffer, sizeof buffer, headers, 4, &count), KT_OK);
    CHECK(value_is(find(headers, count, "x-datadog-sampling-priority"), "0"));
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* "KT_E_BUFFER_TOO_SMALL (buffer or headers too small; nothing is written)"; a buffer of
** KT_INJECT_MAX_BYTES and KT_INJECT_MAX_HEADERS headers always suffice. */
static void test_inject_into_small_buffers(void)
{
    /* the largest w3c: a tracestate of 32 members, 512 bytes */
    char state[513];
    kt_header parent[2];
    kt_context context;
    kt_span span;
    size_t i;

    for (i = 0; i < 512; i += 16)
        snprintf(state + i, 17, "%c%c=xxxxxxxxxxxx,", 'a' + (int)(i / 16 % 26), 'a' + (int)(i / 16 / 26));
    state[511] = 'x';
    parent[0].name.ptr = "traceparent";
    parent[0].name.len = 11;
    parent[0].value.ptr = "00-463ac35c9f6413ad48485a3953bb6124-b7ad6b7169203331-01";
    parent[0].value.len = 55;
    parent[1].name.ptr = "tracestate";
    parent[1].name.len = 10;
    parent[1].value.ptr = state;
    parent[1].value.len = 512;
    span = extract_then_start(KT_FORMAT_W3C, parent, 2, &context);

    for (i = 0; i < FORMAT_COUNT; i++) {
        char buffer[KT_INJECT_MAX_BYTES + 8];
        kt_header headers[KT_INJECT_MAX_HEADERS + 1];
        size_t count = 0, needed, header_count = 77;
        NOTE("format %s", k_names[i].name);
        CHECK_STATUS(kt_span_inject_headers(span, k_names[i].format, buffer, KT_INJECT_MAX_BYTES, headers, KT_INJECT_MAX_HEADERS, &count), KT_OK);
        needed = (size_t)(headers[count - 1].value.ptr + headers[count - 1].value.len - buffer);
        if (k_names[i].format == KT_FORMAT_W3C)
            CHECK(count == 2 && headers[1].value.len == 512);

        memset(buffer, 0x5A, sizeof buffer);
        memset(headers, 0x5A, sizeof headers);
        CHECK_ERROR(kt_span_inject_headers(span, k_names[i].format, buffer, needed - 1, headers, KT_INJECT_MAX_HEADERS, &header_count),
                    KT_E_BUFFER_TOO_SMALL, "buffer");
        CHECK(header_count == 77);
        CHECK(tu_all_equal(buffer, 0x5A, sizeof buffer));
        CHECK(tu_all_equal(headers, 0x5A, sizeof headers));
        CHECK_ERROR(kt_span_inject_headers(span, k_names[i].format, buffer, needed, headers, count - 1, &header_count),
                    KT_E_BUFFER_TOO_SMALL, "headers");
        CHECK_STATUS(kt_span_inject_headers(span, k_names[i].format, NULL, 0, NULL, 0, &header_count), KT_E_BUFFER_TOO_SMALL);
        CHECK(header_count == 77);
        CHECK(tu_all_equal(buffer, 0x5A, sizeof buffer));
        CHECK(tu_all_equal(headers, 0x5A, sizeof headers));

        CHECK_STATUS(kt_span_inject_headers(span, k_names[i].format, buffer, needed, headers, count, &header_count), KT_OK);
        CHECK(header_count == count);
        CHECK(tu_all_equal(buffer + needed, 0x5A, sizeof buffer - needed)); /* no NUL, nothing beyond */
    }
    NOTE("");
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

/* Every bad argument of kt_span_inject_headers is named; stale and forged spans give their status. */
static void test_inject_refuses_bad_arguments(void)
{
    static const int bad_formats[] = { 0, 9, -1, 0x10000 + KT_FORMAT_B3 };
    kt_span span = start(g_tracer, 0, "inject");
    kt_span finished = start(g_tracer, 0, "finished");
    char buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t count = 77, i;

    memset(buffer, 0x5A, sizeof buffer);
    CHECK_ERROR(kt_span_inject_headers(span, KT_FORMAT_B3, buffer, sizeof buffer, headers, 4, NULL), KT_E_INVALID_ARGUMENT, "header_count");
    CHECK_ERROR(kt_span_inject_headers(span, KT_FORMAT_B3, NULL, 16, headers, 4, &count), KT_E_INVALID_ARGUMENT, "buffer");
    CHECK_ERROR(kt_span_inject_headers(span, KT_FORMAT_B3, buffer, sizeof buffer, NULL, 4, &count), KT_E_INVALID_ARGUMENT, "headers");
    for (i = 0; i < sizeof bad_formats / sizeof bad_formats[0]; i++) {
        NOTE("format %d", bad_formats[i]);
        CHECK_ERROR(kt_span_inject_headers(span, bad_formats[i], buffer, sizeof buffer, headers, 4, &count), KT_E_INVALID_ARGUMENT, "format");
    }
    NOTE("");
    CHECK_ERROR(kt_span_inject_headers(0, KT_FORMAT_B3, buffer, sizeof buffer, headers, 4, &count), KT_E_INVALID_ARGUMENT, "span");
    CHECK_STATUS(kt_span_finish(finished, 0), KT_OK);
    CHECK_ERROR(kt_span_inject_headers(finished, KT_FORMAT_B3, buffer, sizeof buffer, headers, 4, &count), KT_E_STALE, "span");
    CHECK_STATUS(kt_span_inject_headers(0x5555AAAA5555AAAAull, KT_FORMAT_B3, buffer, sizeof buffer, headers, 4, &count), KT_E_INVALID_HANDLE);
    CHECK(count == 77);
    CHECK(tu_all_equal(buffer, 0x5A, sizeof buffer));
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* The stale handle of a span whose slot was reused reaches neither span. */
static void test_stale_span_after_its_slot_is_reused(void)
{
    kt_span first = start(g_tracer, 0, "first");
    char buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t count = 77;
    int i;

    CHECK_STATUS(kt_span_release(first), KT_OK);
    for (i = 0; i < 300; i++) {
        kt_span other = start(g_tracer, 0, "reuse");
        CHECK_STATUS(kt_span_inject_headers(first, KT_FORMAT_GCP, buffer, sizeof buffer, headers, 4, &count), KT_E_STALE);
        CHECK_STATUS(kt_span_release(other), KT_OK);
    }
    CHECK(count == 77);
}

/* After kt_shutdown: the engine's calls are refused, names still work. */
static void test_after_shutdown(void)
{
    static const kt_header headers[] = { H("b3", "1") };
    int formats[] = { KT_FORMAT_B3_SINGLE };
    kt_context context = begin();
    kt_span span = start(g_tracer, context, "before shutdown");
    char buffer[KT_INJECT_MAX_BYTES];
    kt_header out[KT_INJECT_MAX_HEADERS];
    size_t count = 77;
    int used = 77;

    CHECK_STATUS(kt_shutdown(5000), KT_OK);
    CHECK_STATUS(kt_context_extract_headers(context, FORMATS(formats), HEADERS(headers), &used), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_inject_headers(span, KT_FORMAT_B3, buffer, sizeof buffer, out, 4, &count), KT_E_NOT_INITIALIZED);
    CHECK(used == 77 && count == 77);
    CHECK_STATUS(kt_format_from_name(S("jaeger"), &used), KT_OK);
    CHECK(used == KT_FORMAT_JAEGER);
}

int main(void)
{
    tu_install_crash_handler();
    RUN(test_format_names_before_init);
    RUN(test_extract_and_inject_before_init);
    if (kt_init(k_options, sizeof k_options / sizeof k_options[0]) != KT_OK
        || kt_tracer_new(S("propagation"), 1.0, NULL, 0, &g_tracer) != KT_OK
        || kt_tracer_new(S("never"), 0.0, NULL, 0, &g_never) != KT_OK) {
        printf("FAIL: kt_init: %s\n", kt_last_error());
        printf("0 passed, 1 failed\n");
        return 1;
    }
    RUN(test_every_format_gives_the_parent);
    RUN(test_64_bit_trace_ids_are_padded);
    RUN(test_the_first_format_present_decides);
    RUN(test_a_decision_without_ids_starts_a_trace_that_follows_it);
    RUN(test_an_aws_root_without_parent_is_joined);
    RUN(test_tracestate_beside_another_format);
    RUN(test_malformed_headers_are_named_and_leave_no_parent);
    RUN(test_bad_utf8_only_matters_in_a_header_that_is_read);
    RUN(test_extract_refuses_bad_arguments);
    RUN(test_tracestate_lines_are_one_list);
    RUN(test_several_traceparent_lines_are_invalid);
    RUN(test_an_unsampled_parents_tracestate_is_carried_on);
    RUN(test_kt_context_extract_keeps_level_2_lists);
    RUN(test_edge_trace_ids_round_trip_or_are_not_written);
    RUN(test_inject_then_extract_every_format);
    RUN(test_inject_writes_each_format_exactly);
    RUN(test_an_unsampled_span_writes_its_decision);
    RUN(test_inject_into_small_buffers);
    RUN(test_inject_refuses_bad_arguments);
    RUN(test_stale_span_after_its_slot_is_reused);
    RUN(test_after_shutdown);
    return tu_summary();
}
