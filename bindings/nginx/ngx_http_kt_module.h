
/*
 * ngx_http_kt_module: every request a trace, through libkt.so.
 */


#ifndef _NGX_HTTP_KT_MODULE_H_INCLUDED_
#define _NGX_HTTP_KT_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <kt.h>


/* kt_trace_context */
#define NGX_HTTP_KT_EXTRACT         0x01
#define NGX_HTTP_KT_INJECT          0x02

#define NGX_HTTP_KT_TRACEPARENT_LEN   55

/*
 * A worker's queue of finished spans: at 150,000 spans a second, about 55 ms of spans while
 * the exporter thread waits for a core, in 4 MB of records (protobuf; 8 MB for JSON)
 */
#define NGX_HTTP_KT_WORKER_QUEUE_SIZE  8192


typedef struct {
    ngx_array_t                *options;      /* kt_option: kt_init's settings */
    ngx_array_t                *headers;      /* ngx_keyval_t: exporter headers */
    ngx_array_t                *resource;     /* ngx_keyval_t */
    ngx_str_t                   endpoint;
    ngx_str_t                   protocol;
    ngx_str_t                   compression;
    ngx_str_t                   file;
    ngx_str_t                   service_name;
    ngx_str_t                   sampling_rate;
    ngx_int_t                   batch_size;
    ngx_int_t                   max_spans;
    ngx_int_t                   queue_size;
    ngx_msec_t                  interval;
    ngx_msec_t                  timeout;
    ngx_msec_t                  shutdown_timeout;
    ngx_flag_t                  exporter;     /* a kt_exporter block was seen */
    ngx_uint_t                  bare_endpoint;  /* no path: OTLP's goes on */
    ngx_uint_t                  enabled;      /* a kt_ directive needs the engine */
    ngx_uint_t                  traced;       /* some kt_trace is not "off" */
} ngx_http_kt_main_conf_t;


typedef struct {
    ngx_http_complex_value_t   *trace;        /* NULL: off */
    ngx_uint_t                  trace_context;
    ngx_array_t                *formats;      /* int: KT_FORMAT_*, in order */
    ngx_http_complex_value_t   *span_name;
    ngx_array_t                *attributes;   /* ngx_http_kt_attribute_t */
} ngx_http_kt_loc_conf_t;


typedef struct {
    ngx_str_t                   name;
    ngx_http_complex_value_t    value;
} ngx_http_kt_attribute_t;


/* One upstream exchange of a request or subrequest: its first try's CLIENT span. */
typedef struct {
    ngx_http_request_t         *request;
    kt_span                     span;
    int64_t                     start;        /* Unix ns */
    ngx_uint_t                  first_state;  /* in request->upstream_states */
    u_char                      span_id[8];
} ngx_http_kt_upstream_t;


/* The main request's trace, in a pool cleanup so internal redirects keep it. */
typedef struct {
    kt_context                  context;
    kt_span                     server;
    int64_t                     received;     /* Unix ns when its header was read */
    ngx_array_t                *upstreams;    /* ngx_http_kt_upstream_t */
    u_char                      trace_id[16];
    u_char                      span_id[8];
    u_char                      parent_id[8];
    u_char                      flags[2];     /* as the traceparent has them */
    unsigned                    decided:1;
    unsigned                    traced:1;
    unsigned                    sampled:1;
    unsigned                    extracted:1;  /* a format decided */
    unsigned                    has_parent:1;
    unsigned                    parent_sampled:1;
    unsigned                    finished:1;
} ngx_http_kt_ctx_t;


/* A call site's rate limit in the error log: one line a second at most. */
typedef struct {
    time_t                      logged;
    ngx_uint_t                  count;        /* failures since the last line */
} ngx_http_kt_log_limit_t;


extern ngx_module_t  ngx_http_kt_module;
extern ngx_uint_t    ngx_http_kt_ready;


/* ngx_http_kt_request.c */
ngx_http_kt_ctx_t *ngx_http_kt_get_ctx(ngx_http_request_t *r);
ngx_http_kt_ctx_t *ngx_http_kt_create_ctx(ngx_http_request_t *r);
ngx_http_kt_ctx_t *ngx_http_kt_start(ngx_http_request_t *r);
ngx_int_t ngx_http_kt_request_context(ngx_http_request_t *r,
    kt_context *out);
ngx_int_t ngx_http_kt_begin_context(ngx_http_request_t *r,
    ngx_http_kt_ctx_t *ctx);
ngx_int_t ngx_http_kt_post_read_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_kt_rewrite_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_kt_log_handler(ngx_http_request_t *r);
int64_t ngx_http_kt_now(void);
void ngx_http_kt_attr_string(kt_attribute *a, ngx_uint_t key, u_char *value,
    size_t value_len);
void ngx_http_kt_attr_int(kt_attribute *a, ngx_uint_t key, int64_t value);
void ngx_http_kt_register_keys(ngx_log_t *log);

/*
 * The attribute keys the module sets on every request, registered with
 * kt_key_register when a worker starts: spans then refer to one checked copy
 * of each instead of checking and copying it per request.
 */
#define NGX_HTTP_KT_KEYS(X)                                                  \
    X(HTTP_REQUEST_METHOD, "http.request.method")                            \
    X(URL_PATH, "url.path")                                                  \
    X(URL_QUERY, "url.query")                                                \
    X(URL_SCHEME, "url.scheme")                                              \
    X(HTTP_ROUTE, "http.route")                                              \
    X(SERVER_ADDRESS, "server.address")                                      \
    X(SERVER_PORT, "server.port")                                            \
    X(CLIENT_ADDRESS, "client.address")                                      \
    X(NETWORK_PROTOCOL_VERSION, "network.protocol.version")                  \
    X(USER_AGENT_ORIGINAL, "user_agent.original")                            \
    X(HTTP_RESPONSE_STATUS_CODE, "http.response.status_code")                \
    X(ERROR_TYPE, "error.type")                                              \
    X(HTTP_REQUEST_BODY_SIZE, "http.request.body.size")                      \
    X(HTTP_RESPONSE_BODY_SIZE, "http.response.body.size")                    \
    X(UPSTREAM_CONNECT_TIME, "nginx.upstream.connect_time_ms")               \
    X(UPSTREAM_HEADER_TIME, "nginx.upstream.header_time_ms")                 \
    X(UPSTREAM_RESPONSE_TIME, "nginx.upstream.response_time_ms")

typedef enum {
#define NGX_HTTP_KT_KEY_ENUM(id, text)  NGX_HTTP_KT_KEY_##id,
    NGX_HTTP_KT_KEYS(NGX_HTTP_KT_KEY_ENUM)
#undef NGX_HTTP_KT_KEY_ENUM
    NGX_HTTP_KT_KEY_COUNT
} ngx_http_kt_key_e;

/* an attribute with one of the keys above, e.g. ngx_http_kt_int(a, SERVER_PORT, 80) */
#define ngx_http_kt_string(a, key, str)                                      \
    ngx_http_kt_attr_string(a, NGX_HTTP_KT_KEY_##key, (str)->data, (str)->len)
#define ngx_http_kt_int(a, key, value)                                       \
    ngx_http_kt_attr_int(a, NGX_HTTP_KT_KEY_##key, value)

/* ngx_http_kt_log.c */
void ngx_http_kt_log_failure(ngx_http_kt_log_limit_t *limit, ngx_uint_t level,
    ngx_log_t *log, const char *call, int rc);
void ngx_http_kt_route_log(void);

/* ngx_http_kt_status.c */
char *ngx_http_kt_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* ngx_http_kt_upstream.c */
ngx_int_t ngx_http_kt_precontent_handler(ngx_http_request_t *r);
void ngx_http_kt_finish_upstreams(ngx_http_request_t *r,
    ngx_http_kt_ctx_t *ctx);
ngx_http_kt_upstream_t *ngx_http_kt_find_upstream(ngx_http_request_t *r,
    ngx_http_kt_ctx_t *ctx);

/* ngx_http_kt_variables.c */
ngx_int_t ngx_http_kt_add_variables(ngx_conf_t *cf);

/* ngx_http_kt_propagation.c */
char *ngx_http_kt_set_propagation(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_kt_extract(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx,
    ngx_http_kt_loc_conf_t *klcf);
void ngx_http_kt_remote_parent(ngx_http_kt_ctx_t *ctx);
ngx_int_t ngx_http_kt_inject(ngx_http_request_t *r,
    ngx_http_kt_loc_conf_t *klcf, kt_span span);
ngx_str_t *ngx_http_kt_format_name(int format);


#endif /* _NGX_HTTP_KT_MODULE_H_INCLUDED_ */
