
/*
 * The SERVER span of a request: decided and started once the location is
 * known (rewrite phase), timed from the request's first byte, named by
 * kt_span_name and finished in the log phase. Its state lives in a pool
 * cleanup of the main request, which internal redirects (they wipe r->ctx)
 * and subrequests (they share the pool) both reach, and which ends the kt
 * context after every log handler.
 */


#include "ngx_http_kt_module.h"


#define NGX_HTTP_KT_START_ATTRIBUTES  10
#define NGX_HTTP_KT_END_ATTRIBUTES    4


static void ngx_http_kt_cleanup(void *data);
static ngx_int_t ngx_http_kt_traced(ngx_http_request_t *r,
    ngx_http_kt_loc_conf_t *klcf);
static void ngx_http_kt_start_span(ngx_http_request_t *r,
    ngx_http_kt_ctx_t *ctx);
static void ngx_http_kt_end_span(ngx_http_request_t *r,
    ngx_http_kt_ctx_t *ctx);


int64_t
ngx_http_kt_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);

    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


ngx_http_kt_ctx_t *
ngx_http_kt_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;
    ngx_http_kt_ctx_t   *ctx;

    r = r->main;

    ctx = ngx_http_get_module_ctx(r, ngx_http_kt_module);
    if (ctx) {
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_kt_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_kt_module);
            return ctx;
        }
    }

    return NULL;
}


ngx_http_kt_ctx_t *
ngx_http_kt_create_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;
    ngx_http_kt_ctx_t   *ctx;

    r = r->main;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_kt_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_http_kt_ctx_t));

    cln->handler = ngx_http_kt_cleanup;

    ngx_http_set_ctx(r, ctx, ngx_http_kt_module);

    return ctx;
}


static void
ngx_http_kt_cleanup(void *data)
{
    ngx_http_kt_ctx_t *ctx = data;

    /* releases whatever a Lua handler started and forgot */
    if (ctx->context) {
        (void) kt_context_end(ctx->context);
        ctx->context = 0;
    }
}


ngx_int_t
ngx_http_kt_begin_context(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx)
{
    int                             rc;
    static ngx_http_kt_log_limit_t  limit;

    if (ctx->context) {
        return NGX_OK;
    }

    rc = kt_context_begin(&ctx->context);

    if (rc != KT_OK) {
        ngx_http_kt_log_failure(&limit, NGX_LOG_ERR, r->connection->log,
                                "kt_context_begin", rc);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * Decides once per request whether it is traced, and starts its SERVER span
 * if so. Returns the request's state, NULL when there is none.
 */

ngx_http_kt_ctx_t *
ngx_http_kt_start(ngx_http_request_t *r)
{
    ngx_http_kt_ctx_t       *ctx;
    ngx_http_kt_loc_conf_t  *klcf;

    r = r->main;

    ctx = ngx_http_kt_get_ctx(r);

    if ((ctx && ctx->decided) || !ngx_http_kt_ready) {
        return ctx;
    }

    klcf = ngx_http_get_module_loc_conf(r, ngx_http_kt_module);

    if (ngx_http_kt_traced(r, klcf) != NGX_OK) {
        return ctx;
    }

    if (ctx == NULL) {
        ctx = ngx_http_kt_create_ctx(r);
        if (ctx == NULL) {
            return NULL;
        }
    }

    ctx->decided = 1;

    if (ngx_http_kt_begin_context(r, ctx) != NGX_OK) {
        return ctx;
    }

    if (klcf->trace_context & NGX_HTTP_KT_EXTRACT) {
        (void) ngx_http_kt_extract(r, ctx, klcf);
    }

    ngx_http_kt_start_span(r, ctx);

    return ctx;
}


/*
 * The request's kt_context, for $kt_context and the Lua binding: the traced
 * request's, or one begun for an untraced request so that Lua spans are
 * released at its end. NGX_DECLINED when no context could be begun.
 */

ngx_int_t
ngx_http_kt_request_context(ngx_http_request_t *r, kt_context *out)
{
    ngx_http_kt_ctx_t  *ctx;

    ctx = ngx_http_kt_start(r);

    if (ctx == NULL) {
        ctx = ngx_http_kt_create_ctx(r);
        if (ctx == NULL) {
            return NGX_ERROR;
        }
    }

    ctx->decided = 1;

    if (ngx_http_kt_begin_context(r, ctx) != NGX_OK) {
        return NGX_DECLINED;
    }

    *out = ctx->context;

    return NGX_OK;
}


static ngx_int_t
ngx_http_kt_traced(ngx_http_request_t *r, ngx_http_kt_loc_conf_t *klcf)
{
    ngx_str_t  value;

    if (klcf->trace == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_complex_value(r, klcf->trace, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    if ((value.len == 2 && ngx_strncmp(value.data, "on", 2) == 0)
        || (value.len == 1 && value.data[0] == '1'))
    {
        return NGX_OK;
    }

    return NGX_DECLINED;
}


static void
ngx_http_kt_start_span(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx)
{
    int                        rc, sampled;
    size_t                     len;
    u_char                    *q, *end;
    u_char                     traceparent[NGX_HTTP_KT_TRACEPARENT_LEN];
    ngx_str_t                  name, path, query, host, version, scheme;
    ngx_uint_t                 n;
    kt_attribute               attrs[NGX_HTTP_KT_START_ATTRIBUTES];
    kt_span_options            options = KT_SPAN_OPTIONS_INIT;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_core_srv_conf_t  *cscf;

    static ngx_http_kt_log_limit_t  start_limit;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    /* kt_span_name is evaluated at the log phase, to rename the span */
    if (clcf->name.len) {
        name.len = r->method_name.len + 1 + clcf->name.len;
        name.data = ngx_pnalloc(r->pool, name.len);
        if (name.data == NULL) {
            return;
        }

        ngx_sprintf(name.data, "%V %V", &r->method_name, &clcf->name);

    } else {
        name = r->method_name;
    }

    n = 0;

    ngx_http_kt_string(&attrs[n++], HTTP_REQUEST_METHOD, &r->method_name);

    path = r->unparsed_uri;
    end = path.data + path.len;
    q = ngx_strlchr(path.data, end, '?');

    if (q) {
        path.len = q - path.data;
        query.data = q + 1;
        query.len = end - query.data;
    }

    ngx_http_kt_string(&attrs[n++], URL_PATH, &path);

    if (q && query.len) {
        ngx_http_kt_string(&attrs[n++], URL_QUERY, &query);
    }

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        ngx_str_set(&scheme, "https");
    } else
#endif
    {
        ngx_str_set(&scheme, "http");
    }

    ngx_http_kt_string(&attrs[n++], URL_SCHEME, &scheme);

    if (clcf->name.len) {
        ngx_http_kt_string(&attrs[n++], HTTP_ROUTE, &clcf->name);
    }

    host = r->headers_in.server;

    if (host.len == 0) {
        cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
        host = cscf->server_name;
    }

    if (host.len) {
        ngx_http_kt_string(&attrs[n++], SERVER_ADDRESS, &host);
    }

    if (ngx_connection_local_sockaddr(r->connection, NULL, 0) == NGX_OK) {
        ngx_http_kt_int(&attrs[n++], SERVER_PORT,
                        ngx_inet_get_port(r->connection->local_sockaddr));
    }

    ngx_http_kt_string(&attrs[n++], CLIENT_ADDRESS,
                       &r->connection->addr_text);

    switch (r->http_version) {
    case NGX_HTTP_VERSION_9:
        ngx_str_set(&version, "0.9");
        break;
    case NGX_HTTP_VERSION_10:
        ngx_str_set(&version, "1.0");
        break;
    case NGX_HTTP_VERSION_20:
        ngx_str_set(&version, "2");
        break;
    default:
        ngx_str_set(&version, "1.1");
        break;
    }

    ngx_http_kt_string(&attrs[n++], NETWORK_PROTOCOL_VERSION, &version);

    if (r->headers_in.user_agent) {
        ngx_http_kt_string(&attrs[n++], USER_AGENT_ORIGINAL,
                           &r->headers_in.user_agent->value);
    }

    options.kind = KT_KIND_SERVER;
    options.start_time_ns = ctx->received
                            ? ctx->received
                            : (int64_t) r->start_sec * 1000000000
                              + (int64_t) r->start_msec * 1000000;
    options.attributes = attrs;
    options.attribute_count = n;

    rc = kt_start_span(0, ctx->context, (char *) name.data, name.len,
                       &options, &ctx->server);

    if (rc != KT_OK) {
        ngx_http_kt_log_failure(&start_limit, NGX_LOG_ERR, r->connection->log,
                                "kt_start_span", rc);
        return;
    }

    if (ctx->server == 0) {
        /* libkt counts and reports the drop */
        return;
    }

    if (kt_span_ids(ctx->server, ctx->trace_id, ctx->span_id, &sampled)
        != KT_OK)
    {
        return;
    }

    ctx->sampled = sampled ? 1 : 0;
    ctx->traced = 1;

    if (ctx->extracted) {
        ngx_http_kt_remote_parent(ctx);
    }

    /* the trace flags (sampled, and W3C's random) for $kt_traceparent */
    if (kt_span_inject(ctx->server, (char *) traceparent, sizeof(traceparent),
                       &len)
        == KT_OK && len == NGX_HTTP_KT_TRACEPARENT_LEN)
    {
        ngx_memcpy(ctx->flags, traceparent + 53, 2);

    } else {
        ngx_memcpy(ctx->flags, sampled ? "01" : "00", 2);
    }

    /* Lua spans of this request find their parent here */
    (void) kt_set_active_span(0, ctx->context, ctx->server);
}


/*
 * r->start_msec is nginx's cached millisecond clock: a SERVER span started from
 * it can begin before the CLIENT span that called it. The time is taken here,
 * in the first phase, from the same clock the spans use.
 */
ngx_int_t
ngx_http_kt_post_read_handler(ngx_http_request_t *r)
{
    ngx_http_kt_ctx_t  *ctx;

    if (r != r->main || !ngx_http_kt_ready) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_kt_get_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_http_kt_create_ctx(r);
    }

    if (ctx && ctx->received == 0) {
        ctx->received = ngx_http_kt_now();
    }

    return NGX_DECLINED;
}


ngx_int_t
ngx_http_kt_rewrite_handler(ngx_http_request_t *r)
{
    if (r == r->main && ngx_http_kt_ready) {
        (void) ngx_http_kt_start(r);
    }

    return NGX_DECLINED;
}


ngx_int_t
ngx_http_kt_log_handler(ngx_http_request_t *r)
{
    ngx_http_kt_ctx_t  *ctx;

    if (r != r->main || !ngx_http_kt_ready) {
        return NGX_OK;
    }

    /* a request refused before its location was found is traced here */
    ctx = ngx_http_kt_start(r);

    if (ctx == NULL || !ctx->traced || ctx->finished) {
        return NGX_OK;
    }

    ctx->finished = 1;

    ngx_http_kt_finish_upstreams(r, ctx);
    ngx_http_kt_end_span(r, ctx);

    return NGX_OK;
}


static void
ngx_http_kt_end_span(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx)
{
    int                       rc;
    off_t                     sent;
    u_char                    code[NGX_INT_T_LEN];
    kt_span                   span;
    ngx_str_t                 value, type;
    ngx_uint_t                i, n, status;
    kt_attribute              attrs[NGX_HTTP_KT_END_ATTRIBUTES];
    ngx_http_kt_attribute_t  *attr;
    ngx_http_kt_loc_conf_t   *klcf;

    static ngx_http_kt_log_limit_t  rename_limit;

    span = ctx->server;
    n = 0;

    status = r->err_status ? r->err_status : r->headers_out.status;

    if (status) {
        ngx_http_kt_int(&attrs[n++], HTTP_RESPONSE_STATUS_CODE, status);
    }

    if (status >= 500) {
        type.data = code;
        type.len = ngx_sprintf(code, "%ui", status) - code;
        ngx_http_kt_string(&attrs[n++], ERROR_TYPE, &type);
    }

    if (r->headers_in.content_length_n >= 0) {
        ngx_http_kt_int(&attrs[n++], HTTP_REQUEST_BODY_SIZE,
                        r->headers_in.content_length_n);
    }

    sent = r->connection->sent - r->header_size;

    ngx_http_kt_int(&attrs[n++], HTTP_RESPONSE_BODY_SIZE,
                    sent > 0 ? sent : 0);

    /* one call for them all: the span is resolved and its slot reached once */
    (void) kt_span_set_attributes(span, attrs, n);

    if (status >= 500) {
        (void) kt_span_set_status(span, KT_STATUS_ERROR, NULL, 0);
    }

    klcf = ngx_http_get_module_loc_conf(r, ngx_http_kt_module);

    /*
     * Evaluated now, so that values set later in the request ($status, set,
     * $upstream_*) count; an unsampled span would record none of them.
     */

    if (ctx->sampled && klcf->span_name
        && ngx_http_complex_value(r, klcf->span_name, &value) == NGX_OK)
    {
        rc = kt_span_update_name(span, (char *) value.data, value.len);

        if (rc != KT_OK) {
            ngx_http_kt_log_failure(&rename_limit, NGX_LOG_NOTICE,
                                    r->connection->log, "kt_span_update_name",
                                    rc);
        }
    }

    if (ctx->sampled && klcf->attributes) {
        attr = klcf->attributes->elts;

        for (i = 0; i < klcf->attributes->nelts; i++) {
            if (ngx_http_complex_value(r, &attr[i].value, &value) != NGX_OK) {
                continue;
            }

            (void) kt_span_set_string(span, (char *) attr[i].name.data,
                                      attr[i].name.len, (char *) value.data,
                                      value.len);
        }
    }

    (void) kt_span_finish(span, 0);
}


static ngx_str_t  ngx_http_kt_key_names[] = {
#define NGX_HTTP_KT_KEY_NAME(id, text)  ngx_string(text),
    NGX_HTTP_KT_KEYS(NGX_HTTP_KT_KEY_NAME)
#undef NGX_HTTP_KT_KEY_NAME
};

/* 0 until registered: the key then goes as text */
static kt_key  ngx_http_kt_keys[NGX_HTTP_KT_KEY_COUNT];


void
ngx_http_kt_register_keys(ngx_log_t *log)
{
    int         rc;
    ngx_uint_t  i, registered;

    registered = 0;

    for (i = 0; i < NGX_HTTP_KT_KEY_COUNT; i++) {
        rc = kt_key_register((char *) ngx_http_kt_key_names[i].data,
                             ngx_http_kt_key_names[i].len, &ngx_http_kt_keys[i]);

        if (rc != KT_OK) {
            ngx_http_kt_keys[i] = 0;
            ngx_log_error(NGX_LOG_NOTICE, log, 0,
                          "kt: kt_key_register(\"%V\") failed: %s: %s; "
                          "the key is passed as text", &ngx_http_kt_key_names[i],
                          kt_errstr(rc), kt_last_error());
            continue;
        }

        registered++;
    }

    ngx_log_error(NGX_LOG_DEBUG, log, 0, "kt: %ui attribute keys registered",
                  registered);
}


static int32_t
ngx_http_kt_attr_key(kt_attribute *a, ngx_uint_t key)
{
    if (ngx_http_kt_keys[key]) {
        a->key.ptr = NULL;
        a->key.len = ngx_http_kt_keys[key];
        return KT_ATTR_REGISTERED_KEY;
    }

    a->key.ptr = (char *) ngx_http_kt_key_names[key].data;
    a->key.len = ngx_http_kt_key_names[key].len;
    return 0;
}


void
ngx_http_kt_attr_string(kt_attribute *a, ngx_uint_t key, u_char *value,
    size_t value_len)
{
    a->type = KT_ATTR_STRING | ngx_http_kt_attr_key(a, key);
    a->value.string.ptr = (char *) value;
    a->value.string.len = value_len;
}


void
ngx_http_kt_attr_int(kt_attribute *a, ngx_uint_t key, int64_t value)
{
    a->type = KT_ATTR_INT | ngx_http_kt_attr_key(a, key);
    a->value.integer = value;
}
