
/*
 * ngx_http_kt_module: the module, its directives and the engine's life in a
 * worker.
 *
 * Nothing here calls libkt before a worker's init_process: any kt_ call
 * starts the .NET runtime and its threads, which must not exist in the master
 * when it forks, nor in "nginx -t". Configuration is checked here, in C, and
 * handed to kt_init as text.
 */


#include "ngx_http_kt_module.h"


#define NGX_HTTP_KT_SHUTDOWN_TIMEOUT  5000


static ngx_int_t ngx_http_kt_init(ngx_conf_t *cf);
static void *ngx_http_kt_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_kt_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_kt_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_kt_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_kt_init_process(ngx_cycle_t *cycle);
static void ngx_http_kt_exit_process(ngx_cycle_t *cycle);

static char *ngx_http_kt_exporter(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_kt_exporter_directive(ngx_conf_t *cf,
    ngx_command_t *dummy, void *conf);
static char *ngx_http_kt_set_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_kt_set_one_of(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_kt_set_pair(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_kt_set_main_str(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_kt_set_sampling_rate(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_kt_set_trace(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_kt_set_trace_context(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_kt_add_attribute(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_kt_add_option(ngx_conf_t *cf, ngx_array_t *options,
    char *key, ngx_str_t *value);
static ngx_int_t ngx_http_kt_join_pairs(ngx_conf_t *cf, ngx_array_t *pairs,
    ngx_str_t *out);


ngx_uint_t  ngx_http_kt_ready;
static ngx_uint_t  ngx_http_kt_owner;
static ngx_msec_t  ngx_http_kt_shutdown_timeout;


static ngx_conf_enum_t  ngx_http_kt_trace_context[] = {
    { ngx_string("ignore"), 0 },
    { ngx_string("extract"), NGX_HTTP_KT_EXTRACT },
    { ngx_string("inject"), NGX_HTTP_KT_INJECT },
    { ngx_string("propagate"), NGX_HTTP_KT_EXTRACT|NGX_HTTP_KT_INJECT },
    { ngx_null_string, 0 }
};


static ngx_str_t  ngx_http_kt_protocols[] = {
    ngx_string("http/protobuf"),
    ngx_string("http/json"),
    ngx_string("grpc"),
    ngx_null_string
};


static ngx_str_t  ngx_http_kt_compressions[] = {
    ngx_string("gzip"),
    ngx_string("none"),
    ngx_null_string
};


static ngx_command_t  ngx_http_kt_commands[] = {

    { ngx_string("kt_exporter"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_BLOCK|NGX_CONF_NOARGS,
      ngx_http_kt_exporter,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("kt_service_name"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_kt_set_main_str,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_kt_main_conf_t, service_name),
      NULL },

    { ngx_string("kt_resource_attribute"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_kt_set_pair,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_kt_main_conf_t, resource),
      NULL },

    { ngx_string("kt_sampling_rate"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_kt_set_sampling_rate,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_kt_main_conf_t, sampling_rate),
      NULL },

    { ngx_string("kt_trace"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_kt_set_trace,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_kt_loc_conf_t, trace),
      NULL },

    { ngx_string("kt_trace_context"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_kt_set_trace_context,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_kt_loc_conf_t, trace_context),
      &ngx_http_kt_trace_context },

    { ngx_string("kt_propagation"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_kt_set_propagation,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_kt_loc_conf_t, formats),
      NULL },

    { ngx_string("kt_span_name"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_kt_loc_conf_t, span_name),
      NULL },

    { ngx_string("kt_span_attribute"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_kt_add_attribute,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_kt_loc_conf_t, attributes),
      NULL },

    { ngx_string("kt_status"),
      NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_kt_status,
      0,
      0,
      NULL },

      ngx_null_command
};


/* The directives inside kt_exporter { }; offsets are into the main conf. */
static ngx_command_t  ngx_http_kt_exporter_commands[] = {

    { ngx_string("endpoint"),
      NGX_CONF_TAKE1,
      ngx_http_kt_set_endpoint,
      0,
      offsetof(ngx_http_kt_main_conf_t, endpoint),
      NULL },

    { ngx_string("protocol"),
      NGX_CONF_TAKE1,
      ngx_http_kt_set_one_of,
      0,
      offsetof(ngx_http_kt_main_conf_t, protocol),
      ngx_http_kt_protocols },

    { ngx_string("header"),
      NGX_CONF_TAKE2,
      ngx_http_kt_set_pair,
      0,
      offsetof(ngx_http_kt_main_conf_t, headers),
      NULL },

    { ngx_string("compression"),
      NGX_CONF_TAKE1,
      ngx_http_kt_set_one_of,
      0,
      offsetof(ngx_http_kt_main_conf_t, compression),
      ngx_http_kt_compressions },

    { ngx_string("file"),
      NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      0,
      offsetof(ngx_http_kt_main_conf_t, file),
      NULL },

    { ngx_string("batch_size"),
      NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      0,
      offsetof(ngx_http_kt_main_conf_t, batch_size),
      NULL },

    { ngx_string("max_spans"),
      NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      0,
      offsetof(ngx_http_kt_main_conf_t, max_spans),
      NULL },

    { ngx_string("queue_size"),
      NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      0,
      offsetof(ngx_http_kt_main_conf_t, queue_size),
      NULL },

    { ngx_string("interval"),
      NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      0,
      offsetof(ngx_http_kt_main_conf_t, interval),
      NULL },

    { ngx_string("timeout"),
      NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      0,
      offsetof(ngx_http_kt_main_conf_t, timeout),
      NULL },

    { ngx_string("shutdown_timeout"),
      NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      0,
      offsetof(ngx_http_kt_main_conf_t, shutdown_timeout),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_kt_module_ctx = {
    ngx_http_kt_add_variables,             /* preconfiguration */
    ngx_http_kt_init,                      /* postconfiguration */

    ngx_http_kt_create_main_conf,          /* create main configuration */
    ngx_http_kt_init_main_conf,            /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_kt_create_loc_conf,           /* create location configuration */
    ngx_http_kt_merge_loc_conf             /* merge location configuration */
};


ngx_module_t  ngx_http_kt_module = {
    NGX_MODULE_V1,
    &ngx_http_kt_module_ctx,               /* module context */
    ngx_http_kt_commands,                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_kt_init_process,              /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_kt_exit_process,              /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_kt_init_process(ngx_cycle_t *cycle)
{
    int                       rc;
    ngx_http_kt_main_conf_t  *kmcf;

    /* cache managers and loaders run init_process too; they serve nothing */
    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    kmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_kt_module);

    /* loaded without kt_ directives (e.g. for $kt_context): another
     * component owns the engine */
    if (kmcf == NULL || kmcf->options == NULL) {
        return NGX_OK;
    }

    ngx_http_kt_shutdown_timeout = kmcf->shutdown_timeout;

    if (kt_abi_version() != KT_ABI_VERSION) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "kt: libkt.so has ABI version %d, the module needs %d; "
                      "tracing is off", kt_abi_version(), KT_ABI_VERSION);
        return NGX_OK;
    }

    ngx_http_kt_route_log();

    rc = kt_init(kmcf->options->elts, kmcf->options->nelts);

    if (rc == KT_E_ALREADY_INITIALIZED) {
        ngx_log_error(NGX_LOG_INFO, cycle->log, 0,
                      "kt: engine already initialised in this worker; "
                      "the kt_exporter settings of nginx.conf are not used");
        ngx_http_kt_register_keys(cycle->log);
        ngx_http_kt_ready = 1;
        return NGX_OK;
    }

    if (rc != KT_OK) {
        /* a worker without tracing beats a worker that does not serve */
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "kt: kt_init failed: %s: %s; tracing is off",
                      kt_errstr(rc), kt_last_error());
        return NGX_OK;
    }

    ngx_http_kt_register_keys(cycle->log);
    ngx_http_kt_ready = 1;
    ngx_http_kt_owner = 1;

    return NGX_OK;
}


static void
ngx_http_kt_exit_process(ngx_cycle_t *cycle)
{
    int             rc;
    int64_t         start, left;
    kt_counters_t   c;

    if (!ngx_http_kt_ready) {
        return;
    }

    ngx_http_kt_ready = 0;

    start = ngx_http_kt_now();

    rc = kt_flush((int64_t) ngx_http_kt_shutdown_timeout);
    if (rc != KT_OK) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "kt: flush at exit: %s: %s", kt_errstr(rc),
                      kt_last_error());
    }

    /* how many spans a worker's life gave, for whoever counts them */
    if (kt_counters(&c) == KT_OK) {
        ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0,
                      "kt: worker exit: spans exported: %uL, dropped for "
                      "want of a slot: %uL, of queue space: %uL, failed to "
                      "export: %uL",
                      c.spans_exported, c.dropped_no_slot,
                      c.dropped_queue_full, c.export_failed_spans);
    }

    if (!ngx_http_kt_owner) {
        return;
    }

    left = (int64_t) ngx_http_kt_shutdown_timeout
           - (ngx_http_kt_now() - start) / 1000000;

    rc = kt_shutdown(left > 0 ? left : 0);
    if (rc != KT_OK) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "kt: shutdown: %s: %s", kt_errstr(rc), kt_last_error());
    }
}


static ngx_int_t
ngx_http_kt_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_kt_main_conf_t    *kmcf;
    ngx_http_core_main_conf_t  *cmcf;

    kmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_kt_module);

    /* with kt_trace off everywhere, requests do not pass through the module */
    if (!kmcf->traced) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_POST_READ_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_kt_post_read_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_kt_rewrite_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_kt_precontent_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_kt_log_handler;

    return NGX_OK;
}


static void *
ngx_http_kt_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_kt_main_conf_t  *kmcf;

    kmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_kt_main_conf_t));
    if (kmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     kmcf->options = NULL;
     *     kmcf->headers = NULL;
     *     kmcf->resource = NULL;
     *     kmcf->endpoint = { 0, NULL };
     *     kmcf->protocol = { 0, NULL };
     *     kmcf->compression = { 0, NULL };
     *     kmcf->file = { 0, NULL };
     *     kmcf->service_name = { 0, NULL };
     *     kmcf->sampling_rate = { 0, NULL };
     *     kmcf->enabled = 0;
     *     kmcf->traced = 0;
     */

    kmcf->batch_size = NGX_CONF_UNSET;
    kmcf->max_spans = NGX_CONF_UNSET;
    kmcf->queue_size = NGX_CONF_UNSET;
    kmcf->interval = NGX_CONF_UNSET_MSEC;
    kmcf->timeout = NGX_CONF_UNSET_MSEC;
    kmcf->shutdown_timeout = NGX_CONF_UNSET_MSEC;
    kmcf->exporter = NGX_CONF_UNSET;

    return kmcf;
}


static char *
ngx_http_kt_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_kt_main_conf_t *kmcf = conf;

    u_char       *p;
    ngx_str_t     value;
    ngx_array_t  *options;

    ngx_conf_init_msec_value(kmcf->shutdown_timeout,
                             NGX_HTTP_KT_SHUTDOWN_TIMEOUT);

    if (!kmcf->enabled) {
        return NGX_CONF_OK;
    }

    options = ngx_array_create(cf->pool, 12, sizeof(kt_option));
    if (options == NULL) {
        return NGX_CONF_ERROR;
    }

    /* what requests send is recorded repaired, so every request is traced */
    ngx_str_set(&value, "replace");

    if (ngx_http_kt_add_option(cf, options, "invalid_utf8", &value)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    /* a bare collector address takes OTLP/HTTP's path; gRPC adds its own */
    if (kmcf->bare_endpoint
        && !(kmcf->protocol.len == 4
             && ngx_strncmp(kmcf->protocol.data, "grpc", 4) == 0))
    {
        p = ngx_pnalloc(cf->pool, kmcf->endpoint.len + sizeof("/v1/traces"));
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        kmcf->endpoint.len = ngx_sprintf(p, "%V/v1/traces", &kmcf->endpoint)
                             - p;
        kmcf->endpoint.data = p;
    }

    if (kmcf->endpoint.len) {
        if (ngx_http_kt_add_option(cf, options, "endpoint", &kmcf->endpoint)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    /* without an endpoint, spans go to an OTLP JSON file under the prefix */
    if (kmcf->file.len == 0) {
        ngx_str_set(&kmcf->file, "kt-traces.jsonl");
    }

    if (ngx_conf_full_name(cf->cycle, &kmcf->file, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_kt_add_option(cf, options, "file", &kmcf->file) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (kmcf->protocol.len
        && ngx_http_kt_add_option(cf, options, "protocol", &kmcf->protocol)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (kmcf->compression.len
        && ngx_http_kt_add_option(cf, options, "compression",
                                  &kmcf->compression)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (kmcf->service_name.len
        && ngx_http_kt_add_option(cf, options, "service_name",
                                  &kmcf->service_name)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (kmcf->sampling_rate.len
        && ngx_http_kt_add_option(cf, options, "sampling_rate",
                                  &kmcf->sampling_rate)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (kmcf->headers) {
        if (ngx_http_kt_join_pairs(cf, kmcf->headers, &value) != NGX_OK
            || ngx_http_kt_add_option(cf, options, "headers", &value)
               != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (kmcf->resource) {
        if (ngx_http_kt_join_pairs(cf, kmcf->resource, &value) != NGX_OK
            || ngx_http_kt_add_option(cf, options, "resource_attributes",
                                      &value)
               != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    p = ngx_pnalloc(cf->pool, 5 * NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    if (kmcf->batch_size != NGX_CONF_UNSET) {
        value.data = p;
        value.len = ngx_sprintf(p, "%i", kmcf->batch_size) - p;
        p += value.len;

        if (ngx_http_kt_add_option(cf, options, "max_export_batch_size",
                                   &value)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (kmcf->max_spans != NGX_CONF_UNSET) {
        value.data = p;
        value.len = ngx_sprintf(p, "%i", kmcf->max_spans) - p;
        p += value.len;

        if (ngx_http_kt_add_option(cf, options, "max_spans", &value)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    /*
     * each worker has one thread: its queue is the worker's, and the only one in the
     * process, so it is larger than the engine's default (a thread pool's threads each have
     * one); OTEL_BSP_MAX_QUEUE_SIZE, when set, is left to the engine
     */
    if (kmcf->queue_size == NGX_CONF_UNSET
        && getenv("OTEL_BSP_MAX_QUEUE_SIZE") == NULL)
    {
        kmcf->queue_size = NGX_HTTP_KT_WORKER_QUEUE_SIZE;
    }

    if (kmcf->queue_size != NGX_CONF_UNSET) {
        value.data = p;
        value.len = ngx_sprintf(p, "%i", kmcf->queue_size) - p;
        p += value.len;

        if (ngx_http_kt_add_option(cf, options, "queue_capacity_per_thread",
                                   &value)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (kmcf->interval != NGX_CONF_UNSET_MSEC) {
        value.data = p;
        value.len = ngx_sprintf(p, "%M", kmcf->interval) - p;
        p += value.len;

        if (ngx_http_kt_add_option(cf, options, "schedule_delay_ms", &value)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (kmcf->timeout != NGX_CONF_UNSET_MSEC) {
        value.data = p;
        value.len = ngx_sprintf(p, "%M", kmcf->timeout) - p;

        if (ngx_http_kt_add_option(cf, options, "timeout_ms", &value)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    kmcf->options = options;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_kt_add_option(ngx_conf_t *cf, ngx_array_t *options, char *key,
    ngx_str_t *value)
{
    kt_option  *o;

    o = ngx_array_push(options);
    if (o == NULL) {
        return NGX_ERROR;
    }

    o->key.ptr = key;
    o->key.len = ngx_strlen(key);
    o->value.ptr = (const char *) value->data;
    o->value.len = value->len;

    return NGX_OK;
}


/*
 * OpenTelemetry's "k1=v1,k2=v2" with each key and value percent-decoded:
 * escape what would split them.
 */
static ngx_int_t
ngx_http_kt_join_pairs(ngx_conf_t *cf, ngx_array_t *pairs, ngx_str_t *out)
{
    u_char        *p, *s, *end;
    size_t         len;
    ngx_str_t     *parts[2];
    ngx_uint_t     i, j;
    ngx_keyval_t  *kv;

    kv = pairs->elts;
    len = 0;

    for (i = 0; i < pairs->nelts; i++) {
        len += 3 * (kv[i].key.len + kv[i].value.len) + 2;
    }

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    for (i = 0; i < pairs->nelts; i++) {
        if (i) {
            *p++ = ',';
        }

        parts[0] = &kv[i].key;
        parts[1] = &kv[i].value;

        for (j = 0; j < 2; j++) {
            if (j) {
                *p++ = '=';
            }

            end = parts[j]->data + parts[j]->len;

            for (s = parts[j]->data; s < end; s++) {
                if (*s == '%' || *s == ',' || *s == '=' || *s == ' '
                    || *s == '+')
                {
                    p = ngx_sprintf(p, "%%%02Xd", (ngx_uint_t) *s);

                } else {
                    *p++ = *s;
                }
            }
        }
    }

    out->len = p - out->data;

    return NGX_OK;
}


static void *
ngx_http_kt_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_kt_loc_conf_t  *klcf;

    klcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_kt_loc_conf_t));
    if (klcf == NULL) {
        return NULL;
    }

    klcf->trace = NGX_CONF_UNSET_PTR;
    klcf->trace_context = NGX_CONF_UNSET_UINT;
    klcf->formats = NGX_CONF_UNSET_PTR;
    klcf->span_name = NGX_CONF_UNSET_PTR;
    klcf->attributes = NGX_CONF_UNSET_PTR;

    return klcf;
}


static char *
ngx_http_kt_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_kt_loc_conf_t *prev = parent;
    ngx_http_kt_loc_conf_t *conf = child;

    int  *format;

    ngx_conf_merge_ptr_value(conf->trace, prev->trace, NULL);
    ngx_conf_merge_uint_value(conf->trace_context, prev->trace_context, 0);
    ngx_conf_merge_ptr_value(conf->span_name, prev->span_name, NULL);
    ngx_conf_merge_ptr_value(conf->attributes, prev->attributes, NULL);

    if (conf->formats == NGX_CONF_UNSET_PTR) {

        if (prev->formats == NGX_CONF_UNSET_PTR) {
            prev->formats = ngx_array_create(cf->pool, 1, sizeof(int));
            if (prev->formats == NULL) {
                return NGX_CONF_ERROR;
            }

            format = ngx_array_push(prev->formats);
            if (format == NULL) {
                return NGX_CONF_ERROR;
            }

            *format = KT_FORMAT_W3C;
        }

        conf->formats = prev->formats;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_kt_exporter(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_kt_main_conf_t *kmcf = conf;

    char        *rv;
    ngx_conf_t   save;

    if (kmcf->exporter != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    kmcf->exporter = 1;
    kmcf->enabled = 1;

    save = *cf;
    cf->handler = ngx_http_kt_exporter_directive;
    cf->handler_conf = conf;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    return rv;
}


static char *
ngx_http_kt_exporter_directive(ngx_conf_t *cf, ngx_command_t *dummy,
    void *conf)
{
    char           *rv;
    ngx_str_t      *value;
    ngx_uint_t      n;
    ngx_command_t  *cmd;

    value = cf->args->elts;
    n = cf->args->nelts - 1;

    for (cmd = ngx_http_kt_exporter_commands; cmd->name.len; cmd++) {

        if (cmd->name.len != value[0].len
            || ngx_strncmp(cmd->name.data, value[0].data, value[0].len) != 0)
        {
            continue;
        }

        if (!((cmd->type & NGX_CONF_TAKE1) && n == 1)
            && !((cmd->type & NGX_CONF_TAKE2) && n == 2))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid number of arguments in \"%V\" "
                               "of \"kt_exporter\"", &value[0]);
            return NGX_CONF_ERROR;
        }

        rv = cmd->set(cf, cmd, conf);

        if (rv == NGX_CONF_OK || rv == NGX_CONF_ERROR) {
            return rv;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" of \"kt_exporter\" %s", &value[0], rv);
        return NGX_CONF_ERROR;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "unknown directive \"%V\" in \"kt_exporter\"",
                       &value[0]);
    return NGX_CONF_ERROR;
}


static char *
ngx_http_kt_set_endpoint(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    u_char     *host, *end, *path, *port;
    ngx_int_t   n;
    ngx_str_t  *field, *value, url;

    field = (ngx_str_t *) (p + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;
    url = value[1];

    if (url.len > 7 && ngx_strncasecmp(url.data, (u_char *) "http://", 7) == 0)
    {
        host = url.data + 7;

    } else if (url.len > 8
               && ngx_strncasecmp(url.data, (u_char *) "https://", 8) == 0)
    {
        host = url.data + 8;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid endpoint \"%V\" in \"kt_exporter\": "
                           "not an http:// or https:// URL", &url);
        return NGX_CONF_ERROR;
    }

    end = url.data + url.len;

    path = ngx_strlchr(host, end, '/');
    if (path == NULL) {
        path = end;
    }

    if (host[0] == '[') {
        port = ngx_strlchr(host, path, ']');
        port = (port && port + 1 < path && port[1] == ':') ? port + 1 : NULL;

    } else {
        port = ngx_strlchr(host, path, ':');
    }

    if ((port ? port : path) == host) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid endpoint \"%V\" in \"kt_exporter\": "
                           "no host", &url);
        return NGX_CONF_ERROR;
    }

    if (port) {
        n = ngx_atoi(port + 1, path - port - 1);
        if (n < 1 || n > 65535) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid endpoint \"%V\" in \"kt_exporter\": "
                               "bad port", &url);
            return NGX_CONF_ERROR;
        }
    }

    if (path == end || path + 1 == end) {
        ((ngx_http_kt_main_conf_t *) conf)->bare_endpoint = 1;
        url.len = path - url.data;
    }

    *field = url;

    return NGX_CONF_OK;
}


static char *
ngx_http_kt_set_one_of(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t  *field, *value, *allowed;

    field = (ngx_str_t *) (p + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (allowed = cmd->post; allowed->len; allowed++) {
        if (allowed->len == value[1].len
            && ngx_strncmp(allowed->data, value[1].data, value[1].len) == 0)
        {
            *field = value[1];
            return NGX_CONF_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid %V \"%V\" in \"kt_exporter\"",
                       &value[0], &value[1]);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_kt_set_pair(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t                 *value;
    ngx_array_t              **a;
    ngx_keyval_t              *kv;
    ngx_http_kt_main_conf_t   *kmcf;

    kmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_kt_module);
    kmcf->enabled = 1;

    a = (ngx_array_t **) (p + cmd->offset);

    if (*a == NULL) {
        *a = ngx_array_create(cf->pool, 4, sizeof(ngx_keyval_t));
        if (*a == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty name in \"%V\"", &value[0]);
        return NGX_CONF_ERROR;
    }

    kv = ngx_array_push(*a);
    if (kv == NULL) {
        return NGX_CONF_ERROR;
    }

    kv->key = value[1];
    kv->value = value[2];

    return NGX_CONF_OK;
}


static char *
ngx_http_kt_set_main_str(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_kt_main_conf_t *kmcf = conf;

    kmcf->enabled = 1;

    return ngx_conf_set_str_slot(cf, cmd, conf);
}


static char *
ngx_http_kt_set_sampling_rate(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_kt_main_conf_t *kmcf = conf;

    ngx_int_t   rate;
    ngx_str_t  *value;

    if (kmcf->sampling_rate.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    rate = ngx_atofp(value[1].data, value[1].len, 6);

    if (rate == NGX_ERROR || rate > 1000000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid kt_sampling_rate \"%V\": "
                           "not a number from 0 to 1", &value[1]);
        return NGX_CONF_ERROR;
    }

    kmcf->sampling_rate = value[1];
    kmcf->enabled = 1;

    return NGX_CONF_OK;
}


static char *
ngx_http_kt_set_trace(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_kt_loc_conf_t *klcf = conf;

    ngx_str_t                         *value;
    ngx_http_kt_main_conf_t           *kmcf;
    ngx_http_compile_complex_value_t   ccv;

    if (klcf->trace != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0) {
        klcf->trace = NULL;
        return NGX_CONF_OK;
    }

    if (ngx_http_script_variables_count(&value[1]) == 0
        && !(value[1].len == 2 && ngx_strncmp(value[1].data, "on", 2) == 0))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid kt_trace \"%V\": "
                           "on, off or a variable", &value[1]);
        return NGX_CONF_ERROR;
    }

    klcf->trace = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (klcf->trace == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = klcf->trace;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    kmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_kt_module);
    kmcf->enabled = 1;
    kmcf->traced = 1;

    return NGX_CONF_OK;
}


/* ngx_conf_set_enum_slot, with an error that names the directive */

static char *
ngx_http_kt_set_trace_context(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_kt_loc_conf_t *klcf = conf;

    ngx_str_t        *value;
    ngx_conf_enum_t  *e;

    if (klcf->trace_context != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (e = cmd->post; e->name.len; e++) {
        if (e->name.len == value[1].len
            && ngx_strncmp(e->name.data, value[1].data, value[1].len) == 0)
        {
            klcf->trace_context = e->value;
            return NGX_CONF_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid kt_trace_context \"%V\": "
                       "ignore, extract, inject or propagate", &value[1]);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_kt_add_attribute(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_kt_loc_conf_t *klcf = conf;

    ngx_str_t                         *value;
    ngx_http_kt_attribute_t           *attr;
    ngx_http_compile_complex_value_t   ccv;

    if (klcf->attributes == NGX_CONF_UNSET_PTR) {
        klcf->attributes = ngx_array_create(cf->pool, 4,
                                            sizeof(ngx_http_kt_attribute_t));
        if (klcf->attributes == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty name in \"kt_span_attribute\"");
        return NGX_CONF_ERROR;
    }

    attr = ngx_array_push(klcf->attributes);
    if (attr == NULL) {
        return NGX_CONF_ERROR;
    }

    attr->name = value[1];

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[2];
    ccv.complex_value = &attr->value;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
