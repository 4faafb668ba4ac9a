/* What a proxied request costs libkt on its host's thread, with the host's own work between
** requests left out but its effect on the caches put back. Each request makes the calls the
** Nginx module makes for a proxied request (a context, a SERVER span with its start
** attributes, the CLIENT span of the upstream try with its trace context written as headers,
** both spans' end attributes, their ends, the context's end), exporting OTLP/HTTP protobuf to a
** receiver in a child process on loopback, as nginx does. Between requests the harness may
** write through a buffer of the given size, as a host's request processing and its kernel do:
** what a span touches is then cold when the next request reaches it. Only the time inside the
** request's calls is counted (two clock reads around each request, about 40 ns, included).
**
**   request_bench [EVICT_KB...]   (default: 0 256 1024 4096)
**
** Each size is measured twice: with the attribute keys passed as text, and as kt_keys
** registered once (kt_key_register), as the module passes them.
**
** Prints a markdown table: ns per request on the calling thread (median of ROUNDS runs), and
** the spans exported, dropped and failed. */
#define _GNU_SOURCE
#include "kt.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 7
#define REQUESTS 200000

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int64_t unix_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the receiver: answers 200 to every POST, reading its body ------------------------- */

static void serve(int client)
{
    static char buffer[1 << 16];
    size_t used = 0;
    for (;;) {
        char *end = used ? memmem(buffer, used, "\r\n\r\n", 4) : NULL;
        if (end == NULL) {
            if (used == sizeof buffer)
                return;
            ssize_t n = read(client, buffer + used, sizeof buffer - used);
            if (n <= 0)
                return;
            used += (size_t)n;
            continue;
        }
        size_t header = (size_t)(end - buffer) + 4;
        size_t body = 0;
        char *length = memmem(buffer, header, "\r\nContent-Length:", 17);
        if (length == NULL)
            length = memmem(buffer, header, "\r\ncontent-length:", 17);
        if (length != NULL)
            body = strtoul(length + 17, NULL, 10);
        size_t have = used - header;
        while (have < body) {
            size_t want = body - have < sizeof buffer ? body - have : sizeof buffer;
            ssize_t n = read(client, buffer, want);
            if (n <= 0)
                return;
            have += (size_t)n;
        }
        size_t rest = have - body;
        memmove(buffer, buffer + used - rest, rest);
        used = rest;
        static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";
        if (write(client, reply, sizeof reply - 1) != (ssize_t)(sizeof reply - 1))
            return;
    }
}

static pid_t start_receiver(int *port)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t size = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0
        || listen(listener, 16) != 0 || getsockname(listener, (struct sockaddr *)&address, &size) != 0) {
        perror("receiver");
        exit(1);
    }
    *port = ntohs(address.sin_port);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGCHLD, SIG_IGN);
        for (;;) {
            int client = accept(listener, NULL, NULL);
            if (client < 0)
                continue;
            if (fork() == 0) {
                serve(client);
                _exit(0);
            }
            close(client);
        }
    }
    close(listener);
    return pid;
}

/* ---- one proxied request, as the Nginx module makes it ---------------------------------- */

/* The module's keys: passed as text, or as the kt_keys it registers when a worker starts. */
#define KEY(text) { text, sizeof(text) - 1 }
enum {
    K_METHOD, K_PATH, K_SCHEME, K_SERVER_ADDRESS, K_SERVER_PORT, K_CLIENT_ADDRESS, K_CLIENT_PORT,
    K_PROTOCOL, K_USER_AGENT, K_STATUS, K_CONNECT_TIME, K_HEADER_TIME, K_RESPONSE_TIME, K_BODY_SIZE,
    K_COUNT
};
static const kt_str key_text[K_COUNT] = {
    KEY("http.request.method"), KEY("url.path"), KEY("url.scheme"), KEY("server.address"),
    KEY("server.port"), KEY("client.address"), KEY("client.port"), KEY("network.protocol.version"),
    KEY("user_agent.original"), KEY("http.response.status_code"), KEY("nginx.upstream.connect_time_ms"),
    KEY("nginx.upstream.header_time_ms"), KEY("nginx.upstream.response_time_ms"),
    KEY("http.response.body.size"),
};
static kt_key key_id[K_COUNT];
static int registered_keys;

static void register_keys(void)
{
    for (int k = 0; k < K_COUNT; k++) {
        if (kt_key_register(key_text[k].ptr, key_text[k].len, &key_id[k]) != KT_OK) {
            fprintf(stderr, "kt_key_register: %s\n", kt_last_error());
            exit(1);
        }
    }
}

static void key_of(kt_attribute *a, int key)
{
    if (registered_keys) {
        a->key.ptr = NULL;
        a->key.len = key_id[key];
        a->type |= KT_ATTR_REGISTERED_KEY;
    } else {
        a->key = key_text[key];
    }
}

/* Values as the module has them: pointers and lengths nginx already holds. */
#define string_attribute(key, value) string_value(key, value, sizeof(value) - 1)

static kt_attribute string_value(int key, const char *value, size_t len)
{
    kt_attribute a = { .type = KT_ATTR_STRING };
    key_of(&a, key);
    a.value.string.ptr = value;
    a.value.string.len = len;
    return a;
}

static kt_attribute int_attribute(int key, int64_t value)
{
    kt_attribute a = { .type = KT_ATTR_INT };
    key_of(&a, key);
    a.value.integer = value;
    return a;
}

static void proxied_request(long i)
{
    kt_context context;
    kt_span server, client;
    uint8_t trace_id[16], span_id[8];
    int sampled;
    char traceparent[64], headers_buffer[KT_INJECT_MAX_BYTES];
    kt_header headers[KT_INJECT_MAX_HEADERS];
    size_t written, header_count;

    if (kt_context_begin(&context) != KT_OK)
        abort();

    kt_attribute start[] = {
        string_attribute(K_METHOD, "GET"),
        string_attribute(K_PATH, "/proxy"),
        string_attribute(K_SCHEME, "http"),
        string_attribute(K_SERVER_ADDRESS, "127.0.0.1"),
        int_attribute(K_SERVER_PORT, 8080),
        string_attribute(K_CLIENT_ADDRESS, "127.0.0.1"),
        int_attribute(K_CLIENT_PORT, 40000 + (i & 1023)),
        string_attribute(K_PROTOCOL, "1.1"),
        string_attribute(K_USER_AGENT, "wrk/4.2.0"),
    };
    kt_span_options options = KT_SPAN_OPTIONS_INIT;
    options.kind = KT_KIND_SERVER;
    options.start_time_ns = unix_ns();
    options.attributes = start;
    options.attribute_count = sizeof start / sizeof start[0];
    kt_start_span(0, context, "GET /proxy", 10, &options, &server);
    kt_span_ids(server, trace_id, span_id, &sampled);
    kt_span_inject(server, traceparent, sizeof traceparent, &written);
    kt_set_active_span(0, context, server);

    kt_span_options client_options = KT_SPAN_OPTIONS_INIT;
    client_options.kind = KT_KIND_CLIENT;
    client_options.parent = server;
    client_options.start_time_ns = unix_ns();
    kt_start_span(0, context, "GET", 3, &client_options, &client);
    kt_span_ids(client, NULL, span_id, NULL);
    kt_span_inject_headers(client, KT_FORMAT_W3C, headers_buffer, sizeof headers_buffer, headers,
                           KT_INJECT_MAX_HEADERS, &header_count);

    kt_attribute upstream[] = {
        string_attribute(K_METHOD, "GET"),
        string_attribute(K_SERVER_ADDRESS, "127.0.0.1"),
        int_attribute(K_SERVER_PORT, 8081),
        int_attribute(K_STATUS, 200),
        int_attribute(K_CONNECT_TIME, 0),
        int_attribute(K_HEADER_TIME, 1),
        int_attribute(K_RESPONSE_TIME, 1),
        int_attribute(K_BODY_SIZE, 13),
    };
    kt_span_set_attributes(client, upstream, sizeof upstream / sizeof upstream[0]);
    kt_span_finish(client, unix_ns());

    kt_attribute end[] = {
        int_attribute(K_STATUS, 200),
        int_attribute(K_BODY_SIZE, 13),
    };
    kt_span_set_attributes(server, end, sizeof end / sizeof end[0]);
    kt_span_finish(server, 0);
    kt_context_end(context);
}

/* ---- the host's work between requests ---------------------------------------------------- */

static unsigned char *evict_buffer;
static size_t evict_bytes;

static void evict(long i)
{
    /* A write to every cache line, and a read of what was written: the host's own data. */
    for (size_t at = (size_t)(i & 63); at < evict_bytes; at += 64)
        evict_buffer[at] += 1;
}

/* Runs n requests, each followed by the host's work; returns the ns per request spent in
** libkt's calls alone, timed around each request so that the host's work is not counted. */
static double requests(long n)
{
    double spent = 0;
    for (long i = 0; i < n; i++) {
        double start = now_ns();
        proxied_request(i);
        spent += now_ns() - start;
        evict(i);
    }
    return spent / (double)n;
}

static double measure(long n)
{
    double results[ROUNDS];
    requests(n / 10);
    for (int r = 0; r < ROUNDS; r++)
        results[r] = requests(n);
    qsort(results, ROUNDS, sizeof results[0], compare);
    return results[ROUNDS / 2];
}

int main(int argc, char **argv)
{
    static const long default_sizes[] = { 0, 256, 1024, 4096 };
    long sizes[16];
    int count = 0;
    for (int i = 1; i < argc && count < 16; i++)
        sizes[count++] = atol(argv[i]);
    if (count == 0) {
        count = 4;
        memcpy(sizes, default_sizes, sizeof default_sizes);
    }

    /* The receiver and libkt's exporter thread (which takes the affinity of the thread that
    ** starts it) on the last CPU, the requests' thread alone on the first, when there are two:
    ** the requests are then timed without the other threads taking turns on their core. */
    cpu_set_t others, requests_cpu;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    CPU_ZERO(&others);
    CPU_ZERO(&requests_cpu);
    CPU_SET((int)(cpus > 1 ? cpus - 1 : 0), &others);
    CPU_SET(0, &requests_cpu);
    if (cpus > 1)
        sched_setaffinity(0, sizeof others, &others);

    int port;
    pid_t receiver = start_receiver(&port);
    char endpoint[64];
    int endpoint_len = snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    kt_option options[] = {
        { { "exporter", 8 }, { "otlp", 4 } },
        { { "endpoint", 8 }, { endpoint, (size_t)endpoint_len } },
        { { "protocol", 8 }, { "http/protobuf", 13 } },
        { { "service_name", 12 }, { "request-bench", 13 } },
        { { "queue_capacity_per_thread", 25 }, { "16384", 5 } },
        /* as the module sets it: what requests send is recorded repaired */
        { { "invalid_utf8", 12 }, { "replace", 7 } },
    };
    if (kt_init(options, sizeof options / sizeof options[0]) != KT_OK) {
        fprintf(stderr, "kt_init: %s\n", kt_last_error());
        kill(receiver, SIGTERM);
        return 1;
    }
    if (cpus > 1)
        sched_setaffinity(0, sizeof requests_cpu, &requests_cpu);

    register_keys();
    printf("| host's data written between requests | ns per request in libkt's calls, keys as text | keys registered (kt_key) |\n|---:|---:|---:|\n");
    for (int s = 0; s < count; s++) {
        evict_bytes = (size_t)sizes[s] * 1024;
        free(evict_buffer);
        evict_buffer = evict_bytes ? calloc(1, evict_bytes) : NULL;
        long n = evict_bytes > (1 << 20) ? REQUESTS / 4 : REQUESTS;
        double spent[2];
        for (registered_keys = 0; registered_keys < 2; registered_keys++) {
            spent[registered_keys] = measure(n);
            /* Flushed between runs, so one run's export does not run into the next's. */
            kt_flush(30000);
        }
        printf("| %ld KB | %.0f | %.0f |\n", sizes[s], spent[0], spent[1]);
        fflush(stdout);
    }

    kt_counters_t c;
    kt_flush(30000);
    kt_counters(&c);
    printf("\nspans started %llu, exported %llu, dropped (no slot %llu, queue full %llu), failed %llu\n",
           (unsigned long long)c.spans_started, (unsigned long long)c.spans_exported,
           (unsigned long long)c.dropped_no_slot, (unsigned long long)c.dropped_queue_full,
           (unsigned long long)c.export_failed_spans);
    kt_shutdown(10000);
    kill(receiver, SIGTERM);
    waitpid(receiver, NULL, 0);
    return c.dropped_no_slot + c.dropped_queue_full + c.export_failed_spans == 0 ? 0 : 1;
}
