/*
** test_registered_keys.c: attribute keys registered once (kt_key_register) and passed by
** kt_key (KT_ATTR_REGISTERED_KEY) to every call that takes kt_attribute values; a kt_key lasts
** across kt_shutdown and kt_init; bad keys, kt_keys never given and a full table are refused
** with their names. The table is the process's, so the test that fills it runs last.
*/
#include "test_util.h"

static kt_tracer g_tracer;

static const kt_option k_options[] = {
    { { S("max_spans") }, { S("64") } },
    { { S("exporter") }, { S("none") } },
};

static int str_is(kt_str s, const char *text)
{
    return s.len == strlen(text) && (s.len == 0 || memcmp(s.ptr, text, s.len) == 0);
}

static kt_span start(const char *name)
{
    kt_span span = 0;
    CHECK_STATUS(kt_start_span(g_tracer, 0, name, strlen(name), NULL, &span), KT_OK);
    return span;
}

static kt_key key(const char *text)
{
    kt_key id = 0;
    CHECK_STATUS(kt_key_register(text, strlen(text), &id), KT_OK);
    CHECK(id != 0);
    return id;
}

static kt_attribute registered_string(kt_key id, const char *value)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.len = id;
    a.type = KT_ATTR_STRING | KT_ATTR_REGISTERED_KEY;
    a.value.string.ptr = value;
    a.value.string.len = strlen(value);
    return a;
}

static kt_attribute registered_int(kt_key id, int64_t value)
{
    kt_attribute a;
    memset(&a, 0, sizeof a);
    a.key.len = id;
    a.type = KT_ATTR_INT | KT_ATTR_REGISTERED_KEY;
    a.value.integer = value;
    return a;
}

static void check_attribute(kt_span span, int32_t event, size_t index, const char *key_text, const char *value)
{
    kt_attribute out;
    memset(&out, 0, sizeof out);
    CHECK_STATUS(kt_span_attribute(span, event, index, &out), KT_OK);
    NOTE("attribute %zu of %d", index, (int)event);
    CHECK(str_is(out.key, key_text));
    CHECK(out.type == KT_ATTR_STRING && str_is(out.value.string, value));
}

/* "the same text registered again gives the same kt_key; 0 is never a kt_key" */
static void test_a_key_registered_twice_keeps_its_kt_key(void)
{
    kt_key a = key("http.request.method"), b = key("url.path");
    CHECK(a != b);
    CHECK(key("http.request.method") == a);
    CHECK(key("url.path") == b);
}

/* "works before kt_init": registered with no engine running, used once one runs */
static kt_key g_before_init;

/* "Every call that takes kt_attribute values accepts them", and the span reads back the key's text */
static void test_registered_keys_in_every_call_that_takes_attributes(void)
{
    kt_key method = key("http.request.method"), status = key("http.response.status_code");
    kt_attribute start_attributes[2], more[2], event_attributes[1], link_attributes[1], out;
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    kt_span span = 0;
    uint8_t trace_id[16], span_id[8];
    kt_span_info_t info;
    start_attributes[0] = registered_string(method, "GET");
    start_attributes[1] = registered_string(g_before_init, "before");
    options.attributes = start_attributes;
    options.attribute_count = 2;
    CHECK_STATUS(kt_start_span(g_tracer, 0, S("keyed"), &options, &span), KT_OK);
    more[0] = registered_int(status, 200);
    more[1] = registered_string(method, "POST"); /* last value wins, as for a key given as text */
    CHECK_STATUS(kt_span_set_attributes(span, more, 2), KT_OK);
    CHECK_STATUS(kt_span_set_attribute(span, &start_attributes[1]), KT_OK);
    CHECK_STATUS(kt_span_set_string(span, S("http.request.method"), S("PUT")), KT_OK);
    event_attributes[0] = registered_string(method, "in an event");
    CHECK_STATUS(kt_span_add_event(span, S("e"), 0, event_attributes, 1), KT_OK);
    CHECK_STATUS(kt_span_ids(span, trace_id, span_id, NULL), KT_OK);
    link_attributes[0] = registered_string(method, "in a link");
    CHECK_STATUS(kt_span_add_link(span, trace_id, span_id, 1, link_attributes, 1), KT_OK);

    CHECK_STATUS(kt_span_info(span, &info), KT_OK);
    CHECK(info.attribute_count == 3);
    check_attribute(span, -1, 0, "http.request.method", "PUT");
    check_attribute(span, -1, 1, "before.init", "before");
    CHECK_STATUS(kt_span_attribute(span, -1, 2, &out), KT_OK);
    CHECK(str_is(out.key, "http.response.status_code") && out.type == KT_ATTR_INT && out.value.integer == 200);
    check_attribute(span, 0, 0, "http.request.method", "in an event");
    CHECK_STATUS(kt_span_remove_attribute(span, S("http.response.status_code")), KT_OK);
    CHECK_STATUS(kt_span_info(span, &info), KT_OK);
    CHECK(info.attribute_count == 2);
    CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
}

/* Bad input names the problem and changes nothing. */
static void test_bad_keys_are_refused(void)
{
    kt_key out = 77;
    kt_attribute attributes[2];
    kt_span span = start("refusals");
    kt_span_info_t info;
    CHECK_ERROR(kt_key_register(S("k"), NULL), KT_E_INVALID_ARGUMENT, "out");
    CHECK_ERROR(kt_key_register(NULL, 3, &out), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_key_register(S(""), &out), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_key_register(NULL, 0, &out), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_key_register(S("bad\xC3\x28"), &out), KT_E_INVALID_ARGUMENT, "key");
    CHECK_ERROR(kt_key_register("k", (size_t)1 << 40, &out), KT_E_INVALID_ARGUMENT, "key");
    CHECK(out == 77);

    /* kt_keys never given: 0, one past the last, a forged large value; nothing is applied */
    attributes[0] = registered_string(key("fine"), "v");
    attributes[1] = registered_string(0, "v");
    CHECK_ERROR(kt_span_set_attributes(span, attributes, 2), KT_E_INVALID_ARGUMENT, "attributes[1].key.len");
    attributes[1] = registered_string(100000, "v");
    CHECK_ERROR(kt_span_set_attributes(span, attributes, 2), KT_E_INVALID_ARGUMENT, "attributes[1].key.len");
    attributes[1].key.len = (size_t)-1;
    CHECK_ERROR(kt_span_set_attribute(span, &attributes[1]), KT_E_INVALID_ARGUMENT, "attribute.key.len");
    CHECK_STATUS(kt_span_info(span, &info), KT_OK);
    CHECK(info.attribute_count == 0);
    /* other bits in the type are still refused */
    attributes[0].type |= 0x200;
    CHECK_ERROR(kt_span_set_attribute(span, &attributes[0]), KT_E_INVALID_ARGUMENT, "attribute.type");
    CHECK_STATUS(kt_span_release(span), KT_OK);
}

/* "A kt_key lasts as long as the process": the next engine knows every kt_key, in order */
static void test_kt_keys_outlive_the_engine(void)
{
    kt_key method = key("http.request.method"), late;
    kt_attribute attribute;
    kt_span span;
    CHECK_STATUS(kt_shutdown(5000), KT_OK);
    late = key("registered.between.engines");
    CHECK_STATUS(kt_init(k_options, 2), KT_OK);
    CHECK_STATUS(kt_tracer_new(S("keys again"), 1.0, S(""), &g_tracer), KT_OK);
    CHECK(key("http.request.method") == method);
    span = start("second engine");
    attribute = registered_string(method, "GET");
    CHECK_STATUS(kt_span_set_attribute(span, &attribute), KT_OK);
    attribute = registered_string(late, "yes");
    CHECK_STATUS(kt_span_set_attribute(span, &attribute), KT_OK);
    check_attribute(span, -1, 0, "http.request.method", "GET");
    check_attribute(span, -1, 1, "registered.between.engines", "yes");
    CHECK_STATUS(kt_span_release(span), KT_OK);
}

/* "Limits: KT_MAX_REGISTERED_KEYS keys and KT_MAX_REGISTERED_KEY_BYTES bytes"; full is KT_E_LIMIT, and what is registered stays */
static void test_a_full_table_refuses_more_keys(void)
{
    char text[32];
    kt_key id = 0, last = 0;
    int i, status = KT_OK;
    for (i = 0; i < KT_MAX_REGISTERED_KEYS + 1 && status == KT_OK; i++) {
        snprintf(text, sizeof text, "k%d", i);
        status = kt_key_register(text, strlen(text), &id);
        if (status == KT_OK)
            last = id;
    }
    NOTE("stopped after %d keys, the last kt_key %u", i, (unsigned)last);
    CHECK(status == KT_E_LIMIT);
    CHECK(last == KT_MAX_REGISTERED_KEYS);
    CHECK_LAST_ERROR_NAMES("key");
    /* a key already registered is still found */
    CHECK_STATUS(kt_key_register(S("http.request.method"), &id), KT_OK);
    CHECK(id >= 1 && id < KT_MAX_REGISTERED_KEYS);
}

int main(void)
{
    tu_install_crash_handler();
    g_before_init = key("before.init");
    if (kt_init(k_options, 2) != KT_OK || kt_tracer_new(S("keys"), 1.0, S(""), &g_tracer) != KT_OK) {
        printf("kt_init failed: %s\n", kt_last_error());
        return 1;
    }
    RUN(test_a_key_registered_twice_keeps_its_kt_key);
    RUN(test_registered_keys_in_every_call_that_takes_attributes);
    RUN(test_bad_keys_are_refused);
    RUN(test_kt_keys_outlive_the_engine);
    RUN(test_a_full_table_refuses_more_keys);
    CHECK_STATUS(kt_shutdown(5000), KT_OK);
    return tu_summary();
}
