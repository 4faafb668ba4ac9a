/* The cost of a span through libkt's C ABI, beside the cost of an empty call into the
** library (the floor of any C ABI call). Prints a markdown table; the BenchmarkDotNet suite
** measures the same span through the managed engine (TwoAttributes, StartFinish). */
#define _POSIX_C_SOURCE 200809L
#include "kt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 7

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static kt_context context;

static void nop(long n)
{
    for (long i = 0; i < n; i++)
        kt_nop();
}

static void start_finish(long n)
{
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    options.kind = KT_KIND_SERVER;
    for (long i = 0; i < n; i++) {
        kt_span span;
        kt_start_span(0, context, "GET /items/{id}", 15, &options, &span);
        kt_span_finish(span, 0);
    }
}

static void two_attributes(long n)
{
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    options.kind = KT_KIND_SERVER;
    for (long i = 0; i < n; i++) {
        kt_span span;
        kt_start_span(0, context, "GET /items/{id}", 15, &options, &span);
        kt_span_set_string(span, "http.request.method", 19, "GET", 3);
        kt_span_set_int(span, "http.response.status_code", 25, 200);
        kt_span_finish(span, 0);
    }
}

/* A SERVER span's attributes as nginx hands them over: text it has not checked, which the
** engine checks and repairs (invalid_utf8=replace), in one kt_span_set_attributes call. */
static const char *const request_keys[10] = {
    "http.request.method", "url.path", "url.query", "url.scheme", "http.route",
    "server.address", "client.address", "network.protocol.version", "user_agent.original", "error.type",
};
static const char *const request_values[10] = {
    "GET", "/items/12345", "page=2&sort=asc", "http", "/items/",
    "example.com", "127.0.0.1", "1.1", "wrk/4.2.0 (Linux x86_64)", "500",
};
static kt_attribute request_attributes[10];

static void ten_unchecked_strings(long n)
{
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    options.kind = KT_KIND_SERVER;
    for (long i = 0; i < n; i++) {
        kt_span span;
        kt_start_span(0, context, "GET /items/{id}", 15, &options, &span);
        kt_span_set_attributes(span, request_attributes, 10);
        kt_span_finish(span, 0);
    }
}

/* The median of ROUNDS runs of n operations, in nanoseconds per operation. */
static double measure(void (*body)(long), long n)
{
    double results[ROUNDS];
    body(n / 10);
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        body(n);
        results[r] = (now_ns() - start) / (double)n;
    }
    qsort(results, ROUNDS, sizeof results[0], compare);
    return results[ROUNDS / 2];
}

int main(void)
{
    kt_option options[] = {
        { { "max_spans", 9 }, { "65536", 5 } },
        { { "queue_capacity_per_thread", 25 }, { "65536", 5 } },
        { { "poll_interval_ms", 16 }, { "1", 1 } },
        { { "exporter", 8 }, { "none", 4 } },
    };
    kt_counters_t c;
    if (kt_init(options, 4) != KT_OK || kt_context_begin(&context) != KT_OK) {
        fprintf(stderr, "kt_init: %s\n", kt_last_error());
        return 1;
    }
    double floor = measure(nop, 50000000);
    double sf = measure(start_finish, 5000000);
    double two = measure(two_attributes, 5000000);
    kt_flush(10000);
    kt_counters(&c);
    unsigned long long started = c.spans_started, exported = c.spans_exported;
    unsigned long long no_slot = c.dropped_no_slot, queue_full = c.dropped_queue_full;
    kt_context_end(context);
    kt_shutdown(10000);

    kt_option repairing[] = {
        options[0], options[1], options[2], options[3],
        { { "invalid_utf8", 12 }, { "replace", 7 } },
    };
    if (kt_init(repairing, 5) != KT_OK || kt_context_begin(&context) != KT_OK) {
        fprintf(stderr, "kt_init: %s\n", kt_last_error());
        return 1;
    }
    for (int i = 0; i < 10; i++) {
        request_attributes[i].key.ptr = request_keys[i];
        request_attributes[i].key.len = strlen(request_keys[i]);
        request_attributes[i].type = KT_ATTR_STRING;
        request_attributes[i].value.string.ptr = request_values[i];
        request_attributes[i].value.string.len = strlen(request_values[i]);
    }
    double ten = measure(ten_unchecked_strings, 2000000);
    kt_flush(10000);
    kt_counters(&c);
    started += c.spans_started;
    exported += c.spans_exported;
    no_slot += c.dropped_no_slot;
    queue_full += c.dropped_queue_full;
    printf("| C ABI call | ns per operation (median of %d runs) |\n|---|---:|\n", ROUNDS);
    printf("| `kt_nop()` (the call floor) | %.1f |\n", floor);
    printf("| start + finish | %.1f |\n", sf);
    printf("| start, 2 attributes, finish | %.1f |\n", two);
    printf("| start, 10 string attributes unchecked by the host (the engine repairs text), finish | %.1f |\n", ten);
    printf("\nspans started %llu, exported %llu, dropped (no slot %llu, queue full %llu)\n",
           started, exported, no_slot, queue_full);
    kt_context_end(context);
    kt_shutdown(10000);
    return 0;
}
