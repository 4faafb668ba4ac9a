/*
** test_span_fields.c: reading a span's fields (kt_span_info, kt_span_attribute,
** kt_span_attribute_string, kt_span_event), keeping a context's finished spans readable
** (kt_context_keep_finished), the fields Kong's code writes (kt_span_set_trace_id,
** kt_span_set_parent_id, kt_span_withdraw, kt_span_remove_attribute) and starting a span in a
** given trace (kt_start_span_in_trace), with good and bad input.
*/
#include "test_util.h"

static kt_tracer g_tracer;

static const uint8_t k_trace[16] = { 0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd,
                                     0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c };
static const uint8_t k_parent[8] = { 0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31 };
static const uint8_t k_zero[16] = { 0 };

static kt_span start_in(kt_context context, const char *name)
{
    kt_span span = 0;
    CHECK_STATUS(kt_start_span(g_tracer, context, name, strlen(name), NULL, &span), KT_OK);
    CHECK(span != 0);
    return span;
}

static kt_span_info_t info_of(kt_span span)
{
    kt_span_info_t info;
    memset(&info, 0x5a, sizeof info);
    CHECK_STATUS(kt_span_info(span, &info), KT_OK);
    return info;
}

static int str_is(kt_str s, const char *text)
{
    return s.len == strlen(text) && (s.len == 0 || memcmp(s.ptr, text, s.len) == 0);
}

static kt_counters_t counters_after_flush(void)
{
    kt_counters_t c;
    memset(&c, 0, sizeof c);
    CHECK_STATUS(kt_flush(10000), KT_OK);
    CHECK_STATUS(kt_counters(&c), KT_OK);
    return c;
}

/* The x86-64 layout the bindings declare (Lua's cdef, .NET's KtSpanInfoNative). */
static void test_span_info_layout(void)
{
    CHECK(sizeof(kt_span_info_t) == 160);
    CHECK(offsetof(kt_span_info_t, parent) == 32);
    CHECK(offsetof(kt_span_info_t, start_time_ns) == 104);
    CHECK(offsetof(kt_span_info_t, kind) == 120);
    CHECK(offsetof(kt_span_info_t, link_count) == 156);
}

static void test_calls_before_init_are_refused(void)
{
    kt_span_info_t info;
    kt_attribute attribute;
    kt_str text;
    kt_span span = 0;
    CHECK_STATUS(kt_span_info(1, &info), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_attribute(1, -1, 0, &attribute), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_attribute_string(1, -1, 0, 0, &text), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_event(1, 0, NULL, NULL, NULL), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_remove_attribute(1, S("k")), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_trace_id(1, k_trace), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_set_parent_id(1, k_parent), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_span_withdraw(1), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_context_keep_finished(1, 1), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_start_span_in_trace(0, 0, S("x"), NULL, k_trace, k_parent, &span), KT_E_NOT_INITIALIZED);
}

static void test_info_reads_an_open_span(void)
{
    kt_context context = 0;
    kt_span root, child;
    kt_span_info_t info;
    uint8_t trace_id[16], span_id[8];
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    options.kind = KT_KIND_SERVER;
    options.start_time_ns = 1700000000000000000LL;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_start_span(g_tracer, context, S("root span"), &options, &root), KT_OK);
    CHECK_STATUS(kt_set_active_span(g_tracer, context, root), KT_OK);
    child = start_in(context, "child");
    CHECK_STATUS(kt_span_set_string(child, S("k"), S("v")), KT_OK);
    CHECK_STATUS(kt_span_add_event(child, S("e"), 0, NULL, 0), KT_OK);
    CHECK_STATUS(kt_span_set_status(child, KT_STATUS_ERROR, S("broken")), KT_OK);

    info = info_of(root);
    CHECK(str_is(info.name, "root span"));
    CHECK(str_is(info.tracer, "fields") && str_is(info.tracer_namespace, "fields"));
    CHECK(info.kind == KT_KIND_SERVER);
    CHECK(info.start_time_ns == 1700000000000000000LL);
    CHECK(info.end_time_ns == 0);
    CHECK(info.sampled == 1 && info.recording == 1 && info.finished == 0 && info.in_context == 1);
    CHECK(info.parent == 0 && info.parent_is_remote == 0);
    CHECK(tu_all_zero(info.parent_span_id, 8));
    CHECK_STATUS(kt_span_ids(root, trace_id, span_id, NULL), KT_OK);
    CHECK(memcmp(info.trace_id, trace_id, 16) == 0 && memcmp(info.span_id, span_id, 8) == 0);

    info = info_of(child);
    CHECK(str_is(info.name, "child"));
    CHECK(info.kind == KT_KIND_UNSPECIFIED);
    CHECK(info.parent == root);
    CHECK(memcmp(info.parent_span_id, span_id, 8) == 0);
    CHECK(memcmp(info.trace_id, trace_id, 16) == 0);
    CHECK(info.attribute_count == 1 && info.event_count == 1 && info.link_count == 0);
    CHECK(info.status == KT_STATUS_ERROR && str_is(info.status_message, "broken"));
    CHECK(info.start_time_ns > 1700000000000000000LL);

    /* A span without a context is not linked; the no-op span reads as zeros. */
    child = start_in(0, "loose");
    CHECK(info_of(child).in_context == 0);
    CHECK_STATUS(kt_span_release(child), KT_OK);
    info = info_of(0);
    CHECK(tu_all_zero(info.trace_id, 16) && info.name.len == 0 && info.kind == 0 && info.attribute_count == 0);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

static void test_info_refuses_bad_input(void)
{
    kt_span_info_t info;
    kt_span span = start_in(0, "gone");
    CHECK_ERROR(kt_span_info(span, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    /* Without a keeping context a finished span is gone, as every handle of it. */
    CHECK_ERROR(kt_span_info(span, &info), KT_E_STALE, "span");
    CHECK_STATUS(kt_span_info(0x1234567890abcdefULL, &info), KT_E_INVALID_HANDLE);
    span = start_in(0, "released");
    CHECK_STATUS(kt_span_release(span), KT_OK);
    CHECK_STATUS(kt_span_info(span, &info), KT_E_STALE);
}

static void test_attributes_of_every_type_read_back(void)
{
    static const char *strings[] = { "a", "bc" };
    const kt_str string_items[2] = { { "a", 1 }, { "bc", 2 } };
    const int64_t ints[3] = { 1, -2, 3 };
    const double doubles[2] = { 0.5, 2.25 };
    const uint8_t bools[2] = { 1, 0 };
    kt_attribute in[4], out;
    kt_str text;
    kt_span span = start_in(0, "typed");
    size_t i;
    memset(in, 0, sizeof in);
    in[0].key.ptr = "strings"; in[0].key.len = 7; in[0].type = KT_ATTR_STRING_ARRAY;
    in[0].value.array.items = string_items; in[0].value.array.count = 2;
    in[1].key.ptr = "ints"; in[1].key.len = 4; in[1].type = KT_ATTR_INT_ARRAY;
    in[1].value.array.items = ints; in[1].value.array.count = 3;
    in[2].key.ptr = "doubles"; in[2].key.len = 7; in[2].type = KT_ATTR_DOUBLE_ARRAY;
    in[2].value.array.items = doubles; in[2].value.array.count = 2;
    in[3].key.ptr = "bools"; in[3].key.len = 5; in[3].type = KT_ATTR_BOOL_ARRAY;
    in[3].value.array.items = bools; in[3].value.array.count = 2;
    CHECK_STATUS(kt_span_set_string(span, S("s"), S("text")), KT_OK);
    CHECK_STATUS(kt_span_set_int(span, S("i"), -42), KT_OK);
    CHECK_STATUS(kt_span_set_double(span, S("d"), 1.5), KT_OK);
    CHECK_STATUS(kt_span_set_bool(span, S("b"), 1), KT_OK);
    CHECK_STATUS(kt_span_set_attributes(span, in, 4), KT_OK);
    CHECK(info_of(span).attribute_count == 8);

    CHECK_STATUS(kt_span_attribute(span, -1, 0, &out), KT_OK);
    CHECK(str_is(out.key, "s") && out.type == KT_ATTR_STRING && str_is(out.value.string, "text"));
    CHECK_STATUS(kt_span_attribute(span, -1, 1, &out), KT_OK);
    CHECK(str_is(out.key, "i") && out.type == KT_ATTR_INT && out.value.integer == -42);
    CHECK_STATUS(kt_span_attribute(span, -1, 2, &out), KT_OK);
    CHECK(out.type == KT_ATTR_DOUBLE && out.value.real == 1.5);
    CHECK_STATUS(kt_span_attribute(span, -1, 3, &out), KT_OK);
    CHECK(out.type == KT_ATTR_BOOL && out.value.boolean == 1);
    CHECK_STATUS(kt_span_attribute(span, -1, 4, &out), KT_OK);
    CHECK(str_is(out.key, "strings") && out.type == KT_ATTR_STRING_ARRAY && out.value.array.items == NULL
          && out.value.array.count == 2);
    for (i = 0; i < 2; i++) {
        CHECK_STATUS(kt_span_attribute_string(span, -1, 4, i, &text), KT_OK);
        CHECK(str_is(text, strings[i]));
    }
    CHECK_STATUS(kt_span_attribute(span, -1, 5, &out), KT_OK);
    CHECK(out.type == KT_ATTR_INT_ARRAY && out.value.array.count == 3);
    CHECK(((uintptr_t)out.value.array.items & 7) == 0);
    CHECK(memcmp(out.value.array.items, ints, sizeof ints) == 0);
    CHECK_STATUS(kt_span_attribute(span, -1, 6, &out), KT_OK);
    CHECK(out.type == KT_ATTR_DOUBLE_ARRAY && ((uintptr_t)out.value.array.items & 7) == 0);
    CHECK(memcmp(out.value.array.items, doubles, sizeof doubles) == 0);
    CHECK_STATUS(kt_span_attribute(span, -1, 7, &out), KT_OK);
    CHECK(out.type == KT_ATTR_BOOL_ARRAY && out.value.array.count == 2);
    CHECK(memcmp(out.value.array.items, bools, sizeof bools) == 0);
    CHECK_STATUS(kt_span_release(span), KT_OK);
}

static void test_events_and_their_attributes_read_back(void)
{
    kt_attribute attributes[2], out;
    kt_str name;
    int64_t time_ns = 0;
    size_t count = 99;
    kt_span span = start_in(0, "with events");
    memset(attributes, 0, sizeof attributes);
    attributes[0].key.ptr = "cache.key"; attributes[0].key.len = 9; attributes[0].type = KT_ATTR_STRING;
    attributes[0].value.string.ptr = "/users/42"; attributes[0].value.string.len = 9;
    attributes[1].key.ptr = "n"; attributes[1].key.len = 1; attributes[1].type = KT_ATTR_INT;
    attributes[1].value.integer = 7;
    CHECK_STATUS(kt_span_add_event(span, S("cache.miss"), 1700000000000000123LL, attributes, 2), KT_OK);
    CHECK_STATUS(kt_span_record_error(span, S("refused")), KT_OK);
    CHECK(info_of(span).event_count == 2);
    CHECK_STATUS(kt_span_event(span, 0, &name, &time_ns, &count), KT_OK);
    CHECK(str_is(name, "cache.miss") && time_ns == 1700000000000000123LL && count == 2);
    CHECK_STATUS(kt_span_attribute(span, 0, 0, &out), KT_OK);
    CHECK(str_is(out.key, "cache.key") && str_is(out.value.string, "/users/42"));
    CHECK_STATUS(kt_span_attribute(span, 0, 1, &out), KT_OK);
    CHECK(str_is(out.key, "n") && out.value.integer == 7);
    CHECK_STATUS(kt_span_event(span, 1, &name, NULL, &count), KT_OK);
    CHECK(str_is(name, "exception") && count == 1);
    CHECK_STATUS(kt_span_attribute(span, 1, 0, &out), KT_OK);
    CHECK(str_is(out.key, "exception.message") && str_is(out.value.string, "refused"));
    CHECK_STATUS(kt_span_event(span, 0, NULL, NULL, NULL), KT_OK);
    CHECK_STATUS(kt_span_release(span), KT_OK);
}

static void test_attribute_and_event_readers_refuse_bad_input(void)
{
    kt_attribute out;
    kt_str text;
    kt_span span = start_in(0, "bad reads");
    CHECK_STATUS(kt_span_set_string(span, S("s"), S("text")), KT_OK);
    CHECK_STATUS(kt_span_add_event(span, S("e"), 0, NULL, 0), KT_OK);
    CHECK_ERROR(kt_span_attribute(span, -1, 0, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_span_attribute(span, -1, 1, &out), KT_E_INVALID_ARGUMENT, "index");
    CHECK_ERROR(kt_span_attribute(span, -2, 0, &out), KT_E_INVALID_ARGUMENT, "event");
    CHECK_ERROR(kt_span_attribute(span, 1, 0, &out), KT_E_INVALID_ARGUMENT, "event");
    CHECK_ERROR(kt_span_attribute(span, 0, 0, &out), KT_E_INVALID_ARGUMENT, "index");
    CHECK_ERROR(kt_span_attribute(span, -1, (size_t)-1, &out), KT_E_INVALID_ARGUMENT, "index");
    CHECK_ERROR(kt_span_attribute_string(span, -1, 0, 0, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_span_attribute_string(span, -1, 0, 0, &text), KT_E_INVALID_ARGUMENT, "index");
    CHECK_ERROR(kt_span_attribute_string(span, -1, 5, 0, &text), KT_E_INVALID_ARGUMENT, "index");
    CHECK_ERROR(kt_span_event(span, 1, NULL, NULL, NULL), KT_E_INVALID_ARGUMENT, "index");
    CHECK_ERROR(kt_span_attribute(0, -1, 0, &out), KT_E_INVALID_ARGUMENT, "index");
    CHECK_ERROR(kt_span_attribute(0, 0, 0, &out), KT_E_INVALID_ARGUMENT, "event");
    CHECK_ERROR(kt_span_event(0, 0, NULL, NULL, NULL), KT_E_INVALID_ARGUMENT, "index");
    CHECK_STATUS(kt_span_attribute(0x1234567890abcdefULL, -1, 0, &out), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_span_attribute_string(0x1234567890abcdefULL, -1, 0, 0, &text), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_span_event(0x1234567890abcdefULL, 0, NULL, NULL, NULL), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_ERROR(kt_span_attribute(span, -1, 0, &out), KT_E_STALE, "span");
    CHECK_ERROR(kt_span_attribute_string(span, -1, 0, 0, &text), KT_E_STALE, "span");
    CHECK_ERROR(kt_span_event(span, 0, NULL, NULL, NULL), KT_E_STALE, "span");
}

static void test_a_keeping_context_keeps_finished_spans_readable_until_it_ends(void)
{
    kt_context context = 0;
    kt_span root, child, spans[4] = { 0 }, active = 1;
    kt_span_info_t info;
    kt_attribute attribute;
    uint8_t trace_id[16];
    size_t count = 0;
    kt_counters_t before, after;
    before = counters_after_flush();
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_context_keep_finished(context, 1), KT_OK);
    root = start_in(context, "kept root");
    CHECK_STATUS(kt_set_active_span(g_tracer, context, root), KT_OK);
    child = start_in(context, "kept child");
    CHECK_STATUS(kt_set_active_span(g_tracer, context, child), KT_OK);
    CHECK_STATUS(kt_span_set_int(child, S("n"), 5), KT_OK);
    CHECK_STATUS(kt_span_finish(child, 0), KT_OK);

    /* Finished, but readable: its fields, its ids, its place in the context's list. */
    info = info_of(child);
    CHECK(info.finished == 1 && info.recording == 0 && info.sampled == 1 && info.in_context == 1);
    CHECK(str_is(info.name, "kept child") && info.end_time_ns >= info.start_time_ns && info.end_time_ns > 0);
    CHECK(info.parent == root);
    CHECK_STATUS(kt_span_attribute(child, -1, 0, &attribute), KT_OK);
    CHECK(str_is(attribute.key, "n") && attribute.value.integer == 5);
    CHECK_STATUS(kt_span_ids(child, trace_id, NULL, NULL), KT_OK);
    CHECK_STATUS(kt_context_spans(context, spans, 4, &count), KT_OK);
    CHECK(count == 2 && spans[0] == root && spans[1] == child);
    /* Finishing it made its parent active, as without keeping. */
    CHECK_STATUS(kt_active_span(g_tracer, context, &active), KT_OK);
    CHECK(active == root);
    /* Everything else is refused, as on any finished span. */
    CHECK_ERROR(kt_span_set_int(child, S("late"), 1), KT_E_STALE, "span");
    CHECK_ERROR(kt_span_finish(child, 0), KT_E_STALE, "span");
    CHECK_ERROR(kt_span_release(child), KT_E_STALE, "span");
    CHECK_ERROR(kt_span_remove_attribute(child, S("n")), KT_E_STALE, "span");
    CHECK_ERROR(kt_set_active_span(g_tracer, context, child), KT_E_STALE, "span");

    CHECK_STATUS(kt_span_finish(root, 0), KT_OK);
    CHECK(info_of(root).finished == 1);
    after = counters_after_flush();
    CHECK(after.spans_exported == before.spans_exported); /* nothing leaves before the end */
    CHECK(after.spans_finished == before.spans_finished + 2);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    after = counters_after_flush();
    CHECK(after.spans_exported == before.spans_exported + 2);
    CHECK(after.spans_released == before.spans_released);
    CHECK_ERROR(kt_span_info(child, &info), KT_E_STALE, "span");
    CHECK_STATUS(kt_span_ids(root, trace_id, NULL, NULL), KT_E_STALE);
}

static void test_end_releases_open_spans_and_exports_kept_ones(void)
{
    kt_context context = 0;
    kt_span open, done;
    kt_span_info_t info;
    kt_counters_t before, after;
    before = counters_after_flush();
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_context_keep_finished(context, 1), KT_OK);
    open = start_in(context, "left open");
    done = start_in(context, "done");
    CHECK_STATUS(kt_span_finish(done, 0), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    after = counters_after_flush();
    CHECK(after.spans_exported == before.spans_exported + 1);
    CHECK(after.spans_released == before.spans_released + 1);
    CHECK(after.slots_in_use == before.slots_in_use);
    CHECK_STATUS(kt_span_finish(open, 0), KT_E_STALE);
    /* The end turned keeping off: a context begun again exports at finish. */
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    done = start_in(context, "not kept");
    CHECK_STATUS(kt_span_finish(done, 0), KT_OK);
    CHECK_STATUS(kt_span_info(done, &info), KT_E_STALE);
    CHECK_STATUS(kt_span_ids(done, NULL, NULL, NULL), KT_E_STALE);
    CHECK_STATUS(kt_context_end(context), KT_OK);
}

static void test_withdrawn_and_unsampled_kept_spans_are_not_exported(void)
{
    kt_context context = 0;
    kt_span a, b, c, unsampled;
    kt_tracer never = 0;
    kt_counters_t before, after;
    CHECK_STATUS(kt_tracer_new(S("never-kept"), 0.0, S(""), &never), KT_OK);
    before = counters_after_flush();
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_context_keep_finished(context, 1), KT_OK);
    a = start_in(context, "withdrawn after finish");
    b = start_in(context, "withdrawn open");
    c = start_in(context, "exported");
    CHECK_STATUS(kt_start_span(never, context, S("unsampled"), NULL, &unsampled), KT_OK);
    CHECK_STATUS(kt_span_finish(a, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(unsampled, 0), KT_OK);
    CHECK(info_of(unsampled).finished == 1 && info_of(unsampled).sampled == 0);
    CHECK_STATUS(kt_span_withdraw(a), KT_OK);
    CHECK_STATUS(kt_span_withdraw(b), KT_OK);
    CHECK_STATUS(kt_span_withdraw(b), KT_OK); /* twice changes nothing */
    CHECK(info_of(a).sampled == 0);
    CHECK(info_of(b).sampled == 0 && info_of(b).recording == 0);
    CHECK_STATUS(kt_span_finish(b, 0), KT_OK);
    CHECK_STATUS(kt_span_finish(c, 0), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    after = counters_after_flush();
    CHECK(after.spans_exported == before.spans_exported + 1);
    CHECK(after.slots_in_use == before.slots_in_use);
}

static void test_should_sample_false_withdraws_kept_spans_too(void)
{
    kt_context context = 0;
    kt_span finished, open;
    kt_counters_t before, after;
    before = counters_after_flush();
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_context_keep_finished(context, 1), KT_OK);
    finished = start_in(context, "finished before the decision");
    open = start_in(context, "open at the decision");
    CHECK_STATUS(kt_span_finish(finished, 0), KT_OK);
    CHECK_STATUS(kt_context_set_should_sample(context, 0), KT_OK);
    CHECK(info_of(finished).sampled == 0 && info_of(open).sampled == 0);
    CHECK_STATUS(kt_span_finish(open, 0), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    after = counters_after_flush();
    CHECK(after.spans_exported == before.spans_exported);
}

static void test_keep_finished_refuses_bad_input(void)
{
    kt_context context = 0;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_ERROR(kt_context_keep_finished(context, 2), KT_E_INVALID_ARGUMENT, "keep");
    CHECK_ERROR(kt_context_keep_finished(context, -1), KT_E_INVALID_ARGUMENT, "keep");
    CHECK_STATUS(kt_context_keep_finished(0, 1), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_keep_finished(0xdeadbeefULL, 1), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_keep_finished(context, 0), KT_OK);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    CHECK_STATUS(kt_context_keep_finished(context, 1), KT_E_STALE);
}

static void test_set_trace_id_and_parent_id_continue_a_remote_trace(void)
{
    kt_context context = 0;
    kt_span root, before_child, after_child;
    kt_span_info_t info;
    uint8_t original[16];
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_context_keep_finished(context, 1), KT_OK);
    root = start_in(context, "root");
    CHECK_STATUS(kt_set_active_span(g_tracer, context, root), KT_OK);
    before_child = start_in(context, "started before");
    memcpy(original, info_of(root).trace_id, 16);

    CHECK_STATUS(kt_span_set_trace_id(root, k_trace), KT_OK);
    CHECK_STATUS(kt_span_set_parent_id(root, k_parent), KT_OK);
    info = info_of(root);
    CHECK(memcmp(info.trace_id, k_trace, 16) == 0);
    CHECK(memcmp(info.parent_span_id, k_parent, 8) == 0 && info.parent_is_remote == 1);
    /* A span started before keeps its trace; one started after joins the new one. */
    CHECK(memcmp(info_of(before_child).trace_id, original, 16) == 0);
    after_child = start_in(context, "started after");
    CHECK(memcmp(info_of(after_child).trace_id, k_trace, 16) == 0);
    /* A kept span takes both too, as Kong's log phase writes them. */
    CHECK_STATUS(kt_span_finish(before_child, 0), KT_OK);
    CHECK_STATUS(kt_span_set_trace_id(before_child, k_trace), KT_OK);
    CHECK(memcmp(info_of(before_child).trace_id, k_trace, 16) == 0);
    CHECK_STATUS(kt_span_set_parent_id(before_child, NULL), KT_OK);
    info = info_of(before_child);
    CHECK(tu_all_zero(info.parent_span_id, 8) && info.parent_is_remote == 0);
    CHECK_STATUS(kt_span_set_parent_id(root, k_zero), KT_OK);
    CHECK(tu_all_zero(info_of(root).parent_span_id, 8));

    CHECK_ERROR(kt_span_set_trace_id(root, NULL), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK_ERROR(kt_span_set_trace_id(root, k_zero), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK(memcmp(info_of(root).trace_id, k_trace, 16) == 0);
    CHECK_STATUS(kt_span_set_trace_id(0, k_trace), KT_OK);
    CHECK_STATUS(kt_span_set_parent_id(0, k_parent), KT_OK);
    CHECK_STATUS(kt_span_set_trace_id(0x1234567890abcdefULL, k_trace), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_span_set_parent_id(0x1234567890abcdefULL, k_parent), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_context_end(context), KT_OK);
    CHECK_ERROR(kt_span_set_trace_id(root, k_trace), KT_E_STALE, "span");
    CHECK_ERROR(kt_span_set_parent_id(root, k_parent), KT_E_STALE, "span");
}

static void test_withdraw_refuses_bad_input(void)
{
    kt_span span = start_in(0, "gone");
    CHECK_STATUS(kt_span_withdraw(0), KT_OK);
    CHECK_STATUS(kt_span_withdraw(0x1234567890abcdefULL), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_ERROR(kt_span_withdraw(span), KT_E_STALE, "span");
}

static void test_remove_attribute(void)
{
    kt_attribute out;
    kt_span span = start_in(0, "removals");
    CHECK_STATUS(kt_span_set_string(span, S("a"), S("1")), KT_OK);
    CHECK_STATUS(kt_span_set_string(span, S("b"), S("2")), KT_OK);
    CHECK_STATUS(kt_span_set_string(span, S("c"), S("3")), KT_OK);
    CHECK_STATUS(kt_span_remove_attribute(span, S("b")), KT_OK);
    CHECK(info_of(span).attribute_count == 2);
    CHECK_STATUS(kt_span_attribute(span, -1, 0, &out), KT_OK);
    CHECK(str_is(out.key, "a"));
    CHECK_STATUS(kt_span_attribute(span, -1, 1, &out), KT_OK);
    CHECK(str_is(out.key, "c") && str_is(out.value.string, "3"));
    CHECK_STATUS(kt_span_remove_attribute(span, S("missing")), KT_OK);
    CHECK_STATUS(kt_span_remove_attribute(span, S("")), KT_OK);
    CHECK(info_of(span).attribute_count == 2);
    /* Set again after a removal: it comes back, last. */
    CHECK_STATUS(kt_span_set_string(span, S("b"), S("again")), KT_OK);
    CHECK_STATUS(kt_span_attribute(span, -1, 2, &out), KT_OK);
    CHECK(str_is(out.key, "b") && str_is(out.value.string, "again"));
    CHECK_ERROR(kt_span_remove_attribute(span, "\xc3\x28", 2), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_span_remove_attribute(span, NULL, 1), KT_E_INVALID_ARGUMENT, "key");
    CHECK_STATUS(kt_span_remove_attribute(0, S("a")), KT_OK);
    CHECK_STATUS(kt_span_remove_attribute(0x1234567890abcdefULL, S("a")), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    CHECK_ERROR(kt_span_remove_attribute(span, S("a")), KT_E_STALE, "span");
}

static void test_start_span_in_a_given_trace(void)
{
    kt_context context = 0;
    kt_span span = 0, root = 0, child = 0, fresh = 0;
    kt_span_info_t info;
    kt_tracer half = 0;
    uint8_t id[16];
    int expected = -1, i;
    CHECK_STATUS(kt_context_begin(&context), KT_OK);
    CHECK_STATUS(kt_start_span_in_trace(g_tracer, context, S("continued"), NULL, k_trace, k_parent, &span), KT_OK);
    info = info_of(span);
    CHECK(memcmp(info.trace_id, k_trace, 16) == 0);
    CHECK(memcmp(info.parent_span_id, k_parent, 8) == 0 && info.parent_is_remote == 1 && info.parent == 0);
    /* Only the trace: a root of that trace. */
    CHECK_STATUS(kt_start_span_in_trace(g_tracer, context, S("root of a trace"), NULL, k_trace, NULL, &root), KT_OK);
    info = info_of(root);
    CHECK(memcmp(info.trace_id, k_trace, 16) == 0 && tu_all_zero(info.parent_span_id, 8));
    /* Only the parent: a new trace under it. */
    CHECK_STATUS(kt_start_span_in_trace(g_tracer, context, S("fresh"), NULL, NULL, k_parent, &fresh), KT_OK);
    info = info_of(fresh);
    CHECK(memcmp(info.trace_id, k_trace, 16) != 0 && memcmp(info.parent_span_id, k_parent, 8) == 0);
    /* With a local parent the given ids are ignored, as Kong ignores them. */
    CHECK_STATUS(kt_set_active_span(g_tracer, context, fresh), KT_OK);
    CHECK_STATUS(kt_start_span_in_trace(g_tracer, context, S("child"), NULL, k_trace, k_parent, &child), KT_OK);
    info = info_of(child);
    CHECK(info.parent == fresh && memcmp(info.trace_id, info_of(fresh).trace_id, 16) == 0);
    CHECK_STATUS(kt_context_end(context), KT_OK);

    /* The sampler decides on the given trace id, as kt_trace_sampled does. */
    CHECK_STATUS(kt_tracer_new(S("half"), 0.5, S(""), &half), KT_OK);
    memcpy(id, k_trace, 16);
    for (i = 0; i < 32; i++) {
        id[15] = (uint8_t)(i * 37);
        id[9] = (uint8_t)(i * 11);
        CHECK_STATUS(kt_trace_sampled(id, 0.5, &expected), KT_OK);
        CHECK_STATUS(kt_start_span_in_trace(half, 0, S("sampled?"), NULL, id, NULL, &span), KT_OK);
        CHECK(info_of(span).sampled == expected);
        CHECK_STATUS(kt_span_release(span), KT_OK);
    }
}

static void test_start_span_in_trace_refuses_bad_input(void)
{
    kt_span span = 77;
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    CHECK_ERROR(kt_start_span_in_trace(g_tracer, 0, S("x"), NULL, k_zero, NULL, &span), KT_E_INVALID_ARGUMENT, "trace_id");
    CHECK_ERROR(kt_start_span_in_trace(g_tracer, 0, S("x"), NULL, NULL, k_zero, &span), KT_E_INVALID_ARGUMENT, "parent_span_id");
    CHECK_ERROR(kt_start_span_in_trace(g_tracer, 0, S("x"), NULL, k_trace, k_parent, NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_start_span_in_trace(g_tracer, 0, NULL, 2, NULL, k_trace, k_parent, &span), KT_E_INVALID_ARGUMENT, "name");
    options.kind = 9;
    CHECK_ERROR(kt_start_span_in_trace(g_tracer, 0, S("x"), &options, k_trace, k_parent, &span), KT_E_INVALID_ARGUMENT, "kind");
    CHECK_STATUS(kt_start_span_in_trace(0x1234567890abcdefULL, 0, S("x"), NULL, k_trace, k_parent, &span), KT_E_INVALID_HANDLE);
    CHECK_STATUS(kt_start_span_in_trace(g_tracer, 0xdeadbeefULL, S("x"), NULL, k_trace, k_parent, &span), KT_E_INVALID_HANDLE);
    CHECK(span == 77);
}

/* Its own engine: values cut to 3 characters, and an arena of 128 bytes a span. Text the C
** boundary has checked takes a shorter path into the store than text it must measure, cut or
** refuse; both must give the same result. */
static void test_values_are_cut_to_the_length_limit_and_the_arena_is_not_overrun(void)
{
    kt_option options[3] = {
        { { S("max_spans") }, { S("8") } },
        { { S("attribute_value_length_limit") }, { S("3") } },
        { { S("bytes_per_span") }, { S("128") } },
    };
    static const struct { const char *key, *value, *stored; } k_cases[] = {
        { "ascii", "abcdef", "abc" },
        { "exact", "xyz", "xyz" },
        { "multi", "\xC5\xBC\xC3\xB3\xC5\x82wie", "\xC5\xBC\xC3\xB3\xC5\x82" },
        { "short", "\xC5\xBC\xC3\xB3", "\xC5\xBC\xC3\xB3" },
        { "pairs", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
          "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80" },
    };
    const size_t count = sizeof k_cases / sizeof k_cases[0];
    kt_attribute in[5], out;
    char long_key[120];
    kt_span span;
    kt_tracer tracer;
    size_t i;
    CHECK_STATUS(kt_init(options, 3), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("limits"), 1.0, S(""), &tracer), KT_OK);
    CHECK_STATUS(kt_start_span(tracer, 0, S("s"), NULL, &span), KT_OK);
    memset(in, 0, sizeof in);
    for (i = 0; i < count; i++) {
        in[i].key.ptr = k_cases[i].key;
        in[i].key.len = strlen(k_cases[i].key);
        in[i].type = KT_ATTR_STRING;
        in[i].value.string.ptr = k_cases[i].value;
        in[i].value.string.len = strlen(k_cases[i].value);
    }
    CHECK_STATUS(kt_span_set_attributes(span, in, count), KT_OK);
    CHECK(info_of(span).attribute_count == count);
    for (i = 0; i < count; i++) {
        CHECK_STATUS(kt_span_attribute(span, -1, i, &out), KT_OK);
        CHECK(str_is(out.key, k_cases[i].key) && str_is(out.value.string, k_cases[i].stored));
    }
    /* The arena has less room left than this key: refused as a limit, nothing half-written. */
    memset(long_key, 'k', sizeof long_key);
    CHECK_STATUS(kt_span_set_string(span, long_key, sizeof long_key, S("v")), KT_E_LIMIT);
    CHECK(info_of(span).attribute_count == count);
    CHECK_STATUS(kt_span_set_string(span, S("last"), S("ok")), KT_OK);
    CHECK_STATUS(kt_span_attribute(span, -1, count, &out), KT_OK);
    CHECK(str_is(out.key, "last") && str_is(out.value.string, "ok"));
    CHECK_STATUS(kt_span_release(span), KT_OK);
    CHECK_STATUS(kt_shutdown(10000), KT_OK);
}

int main(void)
{
    kt_option options[1] = { { { "max_spans", 9 }, { "256", 3 } } };
    tu_install_crash_handler();
    RUN(test_span_info_layout);
    RUN(test_calls_before_init_are_refused);
    if (kt_init(options, 1) != KT_OK || kt_tracer_new(S("fields"), 1.0, S(""), &g_tracer) != KT_OK) {
        printf("kt_init failed: %s\n", kt_last_error());
        return 1;
    }
    RUN(test_info_reads_an_open_span);
    RUN(test_info_refuses_bad_input);
    RUN(test_attributes_of_every_type_read_back);
    RUN(test_events_and_their_attributes_read_back);
    RUN(test_attribute_and_event_readers_refuse_bad_input);
    RUN(test_a_keeping_context_keeps_finished_spans_readable_until_it_ends);
    RUN(test_end_releases_open_spans_and_exports_kept_ones);
    RUN(test_withdrawn_and_unsampled_kept_spans_are_not_exported);
    RUN(test_should_sample_false_withdraws_kept_spans_too);
    RUN(test_keep_finished_refuses_bad_input);
    RUN(test_set_trace_id_and_parent_id_continue_a_remote_trace);
    RUN(test_withdraw_refuses_bad_input);
    RUN(test_remove_attribute);
    RUN(test_start_span_in_a_given_trace);
    RUN(test_start_span_in_trace_refuses_bad_input);
    CHECK_STATUS(kt_shutdown(10000), KT_OK);
    RUN(test_values_are_cut_to_the_length_limit_and_the_arena_is_not_overrun);
    return tu_summary();
}
