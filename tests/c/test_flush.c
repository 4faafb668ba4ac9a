/*
** test_flush.c: kt_flush and kt_shutdown say whether they succeeded. Each test starts an engine
** that exports OTLP/HTTP to a receiver on loopback that fails in its own way (a receiver that
** answers 400, a port nobody listens on, a receiver that takes the request and never answers),
** and checks the status, the message naming how many spans were lost, and the counters, which
** stay readable after kt_shutdown.
*/
#include "test_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

/* ---- receivers on loopback -------------------------------------------------------------- */

/* A listening socket on 127.0.0.1 and a port the kernel chose. */
static int listen_on_loopback(int *port)
{
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, 16) != 0
        || getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
        printf("listen on loopback: %s\n", strerror(errno));
        return -1;
    }
    *port = ntohs(address.sin_port);
    return fd;
}

/* Answers every request of every connection with 400 until the listening socket is shut down. */
static void *answer_400(void *argument)
{
    int listener = *(int *)argument;
    char buffer[65536];
    static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nbad request";
    for (;;) {
        int connection = accept(listener, NULL, NULL);
        size_t have = 0;
        if (connection < 0)
            return NULL;
        for (;;) {
            char *end;
            long body;
            ssize_t n = recv(connection, buffer + have, sizeof buffer - 1 - have, 0);
            if (n <= 0)
                break;
            have += (size_t)n;
            buffer[have] = 0;
            end = strstr(buffer, "\r\n\r\n");
            if (end == NULL)
                continue;
            body = 0;
            {
                const char *length = strstr(buffer, "Content-Length: ");
                if (length != NULL && length < end)
                    body = strtol(length + 16, NULL, 10);
            }
            if ((size_t)(end + 4 - buffer) + (size_t)body > have)
                continue;
            if (send(connection, answer, sizeof answer - 1, 0) < 0)
                break;
            have -= (size_t)(end + 4 - buffer) + (size_t)body;
            memmove(buffer, end + 4 + body, have);
        }
        close(connection);
    }
}

static int start_engine(int port, const char *timeout_ms)
{
    char endpoint[64];
    kt_option options[5];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d/v1/traces", port);
    options[0].key.ptr = "exporter";
    options[0].key.len = 8;
    options[0].value.ptr = "otlp";
    options[0].value.len = 4;
    options[1].key.ptr = "endpoint";
    options[1].key.len = 8;
    options[1].value.ptr = endpoint;
    options[1].value.len = strlen(endpoint);
    options[2].key.ptr = "timeout_ms";
    options[2].key.len = 10;
    options[2].value.ptr = timeout_ms;
    options[2].value.len = strlen(timeout_ms);
    options[3].key.ptr = "max_spans";
    options[3].key.len = 9;
    options[3].value.ptr = "64";
    options[3].value.len = 2;
    options[4].key.ptr = "schedule_delay_ms";
    options[4].key.len = 17;
    options[4].value.ptr = "50";
    options[4].value.len = 2;
    return kt_init(options, 5);
}

static void spans(int count)
{
    int i;
    for (i = 0; i < count; i++) {
        kt_span span = 0;
        CHECK_STATUS(kt_start_span(0, 0, S("lost"), NULL, &span), KT_OK);
        CHECK_STATUS(kt_span_finish(span, 0), KT_OK);
    }
}

static int last_error_says(const char *text)
{
    return strstr(kt_last_error(), text) != NULL;
}

/* ---- tests ---------------------------------------------------------------------------------- */

/* kt_flush: "KT_E_SPANS_LOST when some were: ... failed to export (a status that is not retried,
** such as HTTP 400 ...); kt_last_error() says how many, with the exporter's last error. Each
** loss is reported by one call." kt_shutdown then has nothing more to report. */
static void test_a_receiver_that_answers_400(void)
{
    int port = 0, listener = listen_on_loopback(&port);
    pthread_t receiver;
    kt_counters_t c;
    kt_exporter_counters_t e;
    char message[512];
    size_t written = 0;

    CHECK(listener >= 0);
    CHECK(pthread_create(&receiver, NULL, answer_400, &listener) == 0);
    CHECK_STATUS(start_engine(port, "20000"), KT_OK);
    spans(3);
    CHECK_STATUS(kt_flush(30000), KT_E_SPANS_LOST);
    NOTE("kt_last_error: %s", kt_last_error());
    CHECK(last_error_says("3 spans lost"));
    CHECK(last_error_says("HTTP 400"));
    NOTE("");
    CHECK_STATUS(kt_flush(30000), KT_OK);
    spans(1);
    CHECK_STATUS(kt_flush(30000), KT_E_SPANS_LOST);
    CHECK(last_error_says("1 span lost"));
    CHECK_STATUS(kt_shutdown(30000), KT_OK);

    /* "The counters stay readable ... until the next kt_init" */
    CHECK_STATUS(kt_counters(&c), KT_OK);
    CHECK(c.spans_finished == 4 && c.export_failed_spans == 4 && c.spans_exported == 0);
    CHECK_STATUS(kt_exporter_counters(&e), KT_OK);
    CHECK(e.spans_failed == 4);
    CHECK_STATUS(kt_exporter_last_error(message, sizeof message, &written), KT_OK);
    CHECK(written > 0 && strstr(message, "400") != NULL);

    shutdown(listener, SHUT_RDWR);
    close(listener);
    pthread_join(receiver, NULL);
}

/* kt_flush: "... or retries that ran out of OTEL_EXPORTER_OTLP_TIMEOUT". */
static void test_an_outage_longer_than_the_export_timeout(void)
{
    int port = 0, listener = listen_on_loopback(&port);
    CHECK(listener >= 0);
    close(listener); /* nobody listens there now: every attempt is refused */
    CHECK_STATUS(start_engine(port, "300"), KT_OK);
    spans(2);
    CHECK_STATUS(kt_flush(30000), KT_E_SPANS_LOST);
    NOTE("kt_last_error: %s", kt_last_error());
    CHECK(last_error_says("2 spans lost"));
    CHECK(last_error_says("300 ms"));
    NOTE("");
    CHECK_STATUS(kt_shutdown(30000), KT_OK);
}

/* kt_shutdown: "KT_E_TIMEOUT when the time limit passed first: the spans still waiting, or on their
** way, are not exported and are counted in dropped_after_shutdown ... kt_last_error() names how
** many spans were lost." */
static void test_a_shutdown_that_runs_out_of_time(void)
{
    int port = 0, listener = listen_on_loopback(&port), i;
    kt_counters_t c;
    kt_exporter_counters_t e;

    /* The kernel takes the connection and the request; no one ever answers. */
    CHECK(listener >= 0);
    CHECK_STATUS(start_engine(port, "3000"), KT_OK);
    spans(4);
    CHECK_STATUS(kt_flush(200), KT_E_TIMEOUT);
    spans(2);
    CHECK_STATUS(kt_shutdown(300), KT_E_TIMEOUT);
    NOTE("kt_last_error: %s", kt_last_error());
    CHECK(last_error_says("6 spans lost"));
    CHECK(last_error_says("dropped_after_shutdown"));
    NOTE("");

    CHECK_STATUS(kt_counters(&c), KT_OK);
    CHECK(c.spans_finished == 6 && c.dropped_after_shutdown == 6 && c.spans_exported == 0 && c.export_failed_spans == 0);
    CHECK_STATUS(kt_exporter_counters(&e), KT_OK);
    CHECK_STATUS(kt_flush(100), KT_E_NOT_INITIALIZED);
    CHECK_STATUS(kt_shutdown(100), KT_E_NOT_INITIALIZED);

    /* The request on its way fails once its 3 s are up (the exporter counts that failure as its
    ** own); it was counted once, as lost, and the engine does not count it again. */
    close(listener);
    for (i = 0; i < 600; i++) {
        struct timespec pause = { 0, 50 * 1000 * 1000 };
        CHECK_STATUS(kt_exporter_counters(&e), KT_OK);
        if (e.spans_failed > 0)
            break;
        nanosleep(&pause, NULL);
    }
    CHECK(e.spans_failed == 4);
    CHECK_STATUS(kt_counters(&c), KT_OK);
    CHECK(c.dropped_after_shutdown == 6 && c.spans_exported == 0 && c.export_failed_spans == 0);
}

/* The next kt_init starts counting afresh. */
static void test_kt_init_forgets_the_last_engines_counters(void)
{
    kt_counters_t c;
    CHECK_STATUS(kt_init(NULL, 0), KT_OK);
    CHECK_STATUS(kt_counters(&c), KT_OK);
    CHECK(c.spans_started == 0 && c.dropped_after_shutdown == 0);
    CHECK_STATUS(kt_flush(5000), KT_OK);
    CHECK_STATUS(kt_shutdown(5000), KT_OK);
}

int main(void)
{
    kt_counters_t c;
    tu_install_crash_handler();
    /* "KT_E_NOT_INITIALIZED (before the first kt_init)" */
    if (kt_counters(&c) != KT_E_NOT_INITIALIZED) {
        printf("FAIL: kt_counters before kt_init\n0 passed, 1 failed\n");
        return 1;
    }
    RUN(test_a_receiver_that_answers_400);
    RUN(test_an_outage_longer_than_the_export_timeout);
    RUN(test_a_shutdown_that_runs_out_of_time);
    RUN(test_kt_init_forgets_the_last_engines_counters);
    return tu_summary();
}
