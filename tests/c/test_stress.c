#define _POSIX_C_SOURCE 200809L
/* Eight threads start and finish 1,000,000 spans between them; the counters add up
** exactly, and every span reaches the exporter or is counted as dropped. */
#include "kt.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 8
#define PER_THREAD 125000

static int failures;

static void *worker(void *arg)
{
    kt_context context;
    long n = (long)arg;
    if (kt_context_begin(&context) != KT_OK) {
        failures++;
        return NULL;
    }
    for (long i = 0; i < PER_THREAD; i++) {
        kt_span span;
        if (kt_start_span(0, context, "stress", 6, NULL, &span) != KT_OK) {
            __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
            continue;
        }
        kt_span_set_int(span, "thread", 6, n);
        if (span != 0 && kt_span_finish(span, 0) != KT_OK)
            __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
    }
    kt_context_end(context);
    return NULL;
}

int main(void)
{
    kt_option options[] = {
        { { "max_spans", 9 }, { "65536", 5 } },
        { { "poll_interval_ms", 16 }, { "1", 1 } },
    };
    pthread_t threads[THREADS];
    kt_counters_t c;
    int passed = 0, failed = 0;

    if (kt_init(options, 2) != KT_OK) {
        printf("kt_init: %s\n", kt_last_error());
        printf("0 passed, 1 failed\n");
        return 1;
    }
    for (long t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, worker, (void *)t);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    kt_flush(30000);
    memset(&c, 0, sizeof c);
    kt_counters(&c);
    printf("started %llu finished %llu no-slot %llu queue-full %llu exported %llu in use %llu\n",
           (unsigned long long)c.spans_started, (unsigned long long)c.spans_finished,
           (unsigned long long)c.dropped_no_slot, (unsigned long long)c.dropped_queue_full,
           (unsigned long long)c.spans_exported, (unsigned long long)c.slots_in_use);
    if (failures == 0 && c.spans_started + c.dropped_no_slot == (uint64_t)THREADS * PER_THREAD
        && c.spans_finished == c.spans_started
        && c.spans_exported + c.dropped_queue_full == c.spans_finished
        && c.slots_in_use == 0)
        passed++;
    else {
        printf("FAIL test_stress: counters do not add up (%d call failures)\n", failures);
        failed++;
    }
    kt_shutdown(10000);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
