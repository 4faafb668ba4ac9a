/*
** test_request_spans.c: the calls Kong's plugins use beside the seed's (kt_span_update_name,
** kt_span_set_start_time, kt_context_attach, kt_context_spans, kt_context_set_should_sample,
** kt_trace_sampled), with good and bad input.
*/
#include "test_util.h"

static kt_tracer g_tracer;

static kt_span start_in(kt_context context, const char *name)
{
    kt_span span = 0;
    CHECK_STATUS(kt_start_span(g_tracer, context, name, strlen(name), NULL, &span), KT_OK);
    CHECK(span != 0);
    return span;
}

static int sampled_flag(kt_span span)
{
    int sampled = -1;
    CHECK_STATUS(kt_span_ids(span, NULL, NULL, &sampled), KT_OK);
    return sampled;
}

static kt_counters_t counters_after_flush(void)
{
    kt_counters_t c;
    memset(&c, 0, sizeof c);
    CHECK_STATUS(kt_flush(10000), KT_OK);
    CHECK_STATUS(kt_counters(&c), KT_OK);
    return c;
}

/* Runs first: the sampler is pure arithmetic on the trace id and needs no engine. */
static void test_trace_sampled_before_init(void)
{
    /* OpenTelemetry's threshold for 0.5 is 2^55 on the id's rightmost 56 bits. */
    uint8_t high_random[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t low_random[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    int sampled = -1;
    CHECK_STATUS(kt_trace_sampled(high_random, 0.5, &sampled), KT_OK);
    CHECK(sampled == 1);
    CHECK_STATUS(kt_trace_sampled(low_random, 0.5, &sampled), KT_OK);
    CHECK(sampled == 0);
    CHECK_STATUS(kt_trace_sampled(low_random, 1.0, &sampled), KT_OK);
    CHECK(sampled == 1);
    CHECK_STATUS(kt_trace_sampled(high_random, 0.0, &sampled), KT_OK);
    CHECK(sampled == 0);
}

static void test_trace_sampled_refuses_bad_input(void)
{
    uint8_t id[16] = { 0 };
    uint8_t zero[16] = { 0 };
    int sampled = 7;
    id[15] = 1;
    CHECK_ERROR(kt_trace_sampled(NULL, 0.5, &sampled), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK_ERROR(kt_trace_sampled(id, 0.5, NULL), KT_E_INVALID_ARGUMENT, "sampled");
    CHECK_ERROR(kt_trace_sampled(zero, 0.5, &sampled), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK_ERROR(kt_trace_sampled(id, 1.5, &sampled), KT_E_INVALID_ARGUMENT, "sampling_rate");
    CHECK_ERROR(kt_trace_sampled(id, -0.1, &sampled), KT_E_INVALID_ARGUMENT, "sampling_rate");
    CHECK_ERROR(kt_trace_sampled(id, strtod("nan", NULL), &sampled), KT_E_INVALID_ARGUMENT, "sampling_rate");
    CHECK(sampled == 7);
}

static void test_calls_before_init_are_refused(void)
{
    size_t count = 0;
    CHECK_STATUS(kt_span_update_name(1, S("x")), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_start_time(1, 1), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_context_attach(1, 1), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_context_spans(1, NULL, 0, &count), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_context_set_should_sample(1, 0), KT_E_NOT_INITIALIZED);
}

static void test_update_name(void)
{
    kt_span span = start_in(0, "first");
    CHECK_STATUS(kt_span_update_name(span, S("second")), KT_OK);
    CHECK_ERROR(kt_span_update_name(span, "\xc3\x28", 2), KT_E_INVALID_ARGUMENT, "name");
    CHECK_ERROR(kt_span_update_name(span, NULL, 3), KT_E_INVALID_ARGUMENT, "name");
    CHECK_STATUS(kt_span_update_name(0, S("noop")), KT_OK);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_ERROR(kt_span_update_name(span, S("late")), KT_E_STALE, "span");
    CHECK_STATUS(kt_span_update_name(0x1234567890abcdefULL, S("forged")), KT_E_INVALID_HANDLE);
}

static void test_update_name_until_the_text_storage_is_full(void)
{
    char name[200];
    kt_span span = start_in(0, "n");
    int status = KT_OK, renames = 0;
    memset(name, 'a', sizeof name);
    while (status == KT_OK && renames < 10000) {
        status = kt_span_update_name(span, name, sizeof name);
        renames++;
    }
    /* Each rename takes room in the span's text storage; it runs out, and says so. */
    CHECK_STATUS(status, KT_E_LIMIT);
    CHECK(renames > 1);
    CHECK_STATUS(kt_span_update_name(span, S("short")), KT_OK);
    CHECK_STATUS(kt_span_release(span), KT_OK);
}

static void test_set_start_time(void)
{
    kt_span span = start_in(0, "timed");
    CHECK_STATUS(kt_span_set_start_time(span, 1700000000000000000LL), KT_OK);
    CHECK_ERROR(kt_span_set_start_time(span, 0), KT_E_INVALID_ARGUMENT, "start_time_ns");
    CHECK_ERROR(kt_span_set_start_time(span, -5), KT_E_INVALID_ARGUMENT, "start_time_ns");
    CHECK_STATUS(kt_span_finish(span, 1700000000000001000LL), KT_OK);
    CHECK_ERROR(kt_span_set_start_time(span, 1700000000000000000LL), KT_E_STALE, "span");
}

static void test_attach_makes_a_created_span_the_contexts(void)
{
    kt_context context = 0;
    kt_span spans[4] = { 0 };
    size_t count = 99;
    kt_span created;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    created = start_in(0, "created");
    CHECK_STATUS(kt_context_spans(context, spans, 4, &count), KT_OK);
    CHECK(count == 0);
    CHECK_STATUS(kt_context_attach(context, created), KT_OK);
    CHECK_STATUS(kt_context_attach(context, created), KT_OK); /* already its own: no change */
    CHECK_STATUS(kt_context_spans(context, spans, 4, &count), KT_OK);
    CHECK(count == 1);
    CHECK(spans[0] == created);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    /* Ending the request released the attached span. */
    CHECK_STATUS(kt_span_finish(created, 0), KT_E_STALE);
}

static void test_attach_refuses_a_span_of_another_context(void)
{
    kt_context a = 0, b = 0;
    kt_span span;
    CHECK_STATUS(kt_context_begin(&a), KT_OK);
    CHECK_STATUS(kt_context_begin(&b), KT_OK);
    span = start_in(a, "in a");
    CHECK_ERROR(kt_context_attach(b, span), KT_E_INVALID_ARGUMENT, "span");
    CHECK_STATUS(kt_context_attach(b, 0), KT_OK);
    CHECK_STATUS(kt_context_attach(0, span), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_attach(0xdeadbeefULL, span), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_attach(b, 0x1234567890abcdefULL), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_ERROR(kt_context_attach(b, span), KT_E_STALE, "span");
    CHECK_STATUS(kt_context_end(a), KT_OK);
    CHECK_STATUS(kt_context_end(b), KT_OK);
    CHECK_STATUS(kt_context_attach(a, 0), KT_E_STALE);
}

static void test_context_spans_lists_open_spans_oldest_first(void)
{
    kt_context context = 0;
    kt_span root, child, grandchild, spans[3] = { 0 }, one = 0;
    size_t count = 0;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    root = start_in(context, "root");
    CHECK_STATUS(kt_set_active_span(g_tracer, context, root), KT_OK);
    child = start_in(context, "child");
    grandchild = start_in(context, "grandchild");
    CHECK_STATUS(kt_context_spans(context, spans, 3, &count), KT_OK);
    CHECK(count == 3);
    CHECK(spans[0] == root && spans[1] == child && spans[2] == grandchild);
    /* A smaller buffer gets the oldest (the root) and still learns how many are open. */
    CHECK_STATUS(kt_context_spans(context, &one, 1, &count), KT_OK);
    CHECK(count == 3 && one == root);
    CHECK_STATUS(kt_context_spans(context, NULL, 0, &count), KT_OK);
    CHECK(count == 3);
    CHECK_STATUS(kt_span_finish(child, 0), KT_OK);
    CHECK_STATUS(kt_context_spans(context, spans, 3, &count), KT_OK);
    CHECK(count == 2);
    CHECK(spans[0] == root && spans[1] == grandchild);
    CHECK_ERROR(kt_context_spans(context, spans, 3, NULL), KT_E_INVALID_ARGUMENT, "count");
    CHECK_ERROR(kt_context_spans(context, NULL, 3, &count), KT_E_INVALID_ARGUMENT, "spans");
    CHECK_STATUS(kt_context_spans(0, spans, 3, &count), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    CHECK_STATUS(kt_context_spans(context, spans, 3, &count), KT_E_STALE);
}

static void test_should_sample_false_withdraws_the_request(void)
{
    kt_context context = 0;
    kt_span open, later;
    kt_counters_t before, after;
    before = counters_after_flush();
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    open = start_in(context, "open");
    CHECK(sampled_flag(open) == 1);
    CHECK_STATUS(kt_context_set_should_sample(context, 0), KT_OK);
    CHECK(sampled_flag(open) == 0);
    later = start_in(context, "later");
    CHECK(sampled_flag(later) == 0);
    /* The setters still succeed on a span that stopped recording. */
    CHECK_STATUS(kt_span_set_string(open, S("k"), S("v")), KT_OK);
    CHECK_STATUS(kt_span_finish(open, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(later, 0), KT_OK);
    after = counters_after_flush();
    CHECK(after.spans_exported == before.spans_exported);
    CHECK(after.spans_sampled_out == before.spans_sampled_out + 2);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

static void test_should_sample_true_overrides_the_sampler(void)
{
    kt_tracer never = 0;
    kt_context context = 0;
    kt_span before_decision, after_decision;
    kt_counters_t before, after;
    CHECK_STATUS(kt_tracer_new(S("never"), 0.0, S(""), &never), KT_OK);
    before = counters_after_flush();
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_start_span(never, context, S("unsampled"), NULL, &before_decision), KT_OK);
    CHECK(sampled_flag(before_decision) == 0);
    CHECK_STATUS(kt_context_set_should_sample(context, 1), KT_OK);
    CHECK(sampled_flag(before_decision) == 0); /* it recorded nothing; it stays unsampled */
    CHECK_STATUS(kt_start_span(never, context, S("sampled"), NULL, &after_decision), KT_OK);
    CHECK(sampled_flag(after_decision) == 1);
    CHECK_STATUS(kt_span_finish(after_decision, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(before_decision, 0), KT_OK);
    after = counters_after_flush();
    CHECK(after.spans_exported == before.spans_exported + 1);
    /* Ending the context forgets the decision: the tracer's own rate applies again. */
    CHECK_STATUS(kt_context_end(context), KT_OK);
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_start_span(never, context, S("again"), NULL, &after_decision), KT_OK);
    CHECK(sampled_flag(after_decision) == 0);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

static void test_set_should_sample_refuses_bad_input(void)
{
    kt_context context = 0;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_ERROR(kt_context_set_should_sample(context, 2), KT_E_INVALID_ARGUMENT, "should_sample");
    CHECK_ERROR(kt_context_set_should_sample(context, -1), KT_E_INVALID_ARGUMENT, "should_sample");
    CHECK_STATUS(kt_context_set_should_sample(0, 1), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_set_should_sample(0xdeadbeefULL, 1), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    CHECK_STATUS(kt_context_set_should_sample(context, 1), KT_E_STALE);
}

int main(void)
{
    tu_install_crash_handler();
    RUN(test_trace_sampled_before_init);
    RUN(test_trace_sampled_refuses_bad_input);
    RUN(test_calls_before_init_are_refused);
    if (kt_init(NULL, 0) != KT_OK || kt_tracer_new(S("request-spans"), 1.0, S(""), &g_tracer) != KT_OK) {
        printf("kt_init failed: %s\n", kt_last_error());
        return 1;
    }
    RUN(test_update_name);
    RUN(test_update_name_until_the_text_storage_is_full);
    RUN(test_set_start_time);
    RUN(test_attach_makes_a_created_span_the_contexts);
    RUN(test_attach_refuses_a_span_of_another_context);
    RUN(test_context_spans_lists_open_spans_oldest_first);
    RUN(test_should_sample_false_withdraws_the_request);
    RUN(test_should_sample_true_overrides_the_sampler);
    RUN(test_set_should_sample_refuses_bad_input);
    CHECK_STATUS(kt_shutdown(10000), KT_OK);
    return tu_summary();
}
