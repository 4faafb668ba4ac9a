
/*
 * Trace context on the wire: the formats kt_propagation names, reading the
 * incoming context and writing the outgoing one into the request headers an
 * upstream module sends on.
 *
 * The format names and numbers are kt's (kt_format_from_name), kept here so
 * that "nginx -t" checks them without calling into libkt. Only W3C trace
 * context is in libkt today (kt_context_extract, kt_span_inject); the others
 * are refused at configuration until kt_context_extract_headers and
 * kt_span_inject_headers are there.
 */


#include "ngx_http_kt_module.h"


typedef struct {
    ngx_str_t    name;
    ngx_uint_t   format;
    ngx_uint_t   available;
} ngx_http_kt_format_t;


static ngx_table_elt_t *ngx_http_kt_find_header(ngx_list_t *headers,
    ngx_str_t *name);
static ngx_int_t ngx_http_kt_set_header(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *value);
static ngx_int_t ngx_http_kt_own_headers(ngx_http_request_t *r);


static ngx_http_kt_format_t  ngx_http_kt_formats[] = {
    { ngx_string("w3c"), NGX_HTTP_KT_FORMAT_W3C, 1 },
    { ngx_string("b3"), NGX_HTTP_KT_FORMAT_B3, 0 },
    { ngx_string("b3-single"), NGX_HTTP_KT_FORMAT_B3_SINGLE, 0 },
    { ngx_string("jaeger"), NGX_HTTP_KT_FORMAT_JAEGER, 0 },
    { ngx_string("ot"), NGX_HTTP_KT_FORMAT_OT, 0 },
    { ngx_string("datadog"), NGX_HTTP_KT_FORMAT_DATADOG, 0 },
    { ngx_string("aws"), NGX_HTTP_KT_FORMAT_AWS, 0 },
    { ngx_string("gcp"), NGX_HTTP_KT_FORMAT_GCP, 0 },
    { ngx_null_string, 0, 0 }
};


static ngx_str_t  ngx_http_kt_traceparent = ngx_string("traceparent");
static ngx_str_t  ngx_http_kt_tracestate = ngx_string("tracestate");


char *
ngx_http_kt_set_propagation(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t              *value;
    ngx_uint_t              i, j, *format;
    ngx_array_t           **formats;
    ngx_http_kt_format_t   *f;

    formats = (ngx_array_t **) (p + cmd->offset);

    if (*formats != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    *formats = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                sizeof(ngx_uint_t));
    if (*formats == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        for (f = ngx_http_kt_formats; f->name.len; f++) {
            if (f->name.len == value[i].len
                && ngx_strncmp(f->name.data, value[i].data, value[i].len)
                   == 0)
            {
                break;
            }
        }

        if (f->name.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown kt_propagation format \"%V\" "
                               "(w3c, b3, b3-single, jaeger, ot, datadog, "
                               "aws or gcp)", &value[i]);
            return NGX_CONF_ERROR;
        }

        if (!f->available) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "kt_propagation format \"%V\" is not in this "
                               "libkt yet; w3c is", &value[i]);
            return NGX_CONF_ERROR;
        }

        format = (*formats)->elts;

        for (j = 0; j < (*formats)->nelts; j++) {
            if (format[j] == f->format) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "kt_propagation format \"%V\" is given "
                                   "twice", &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        format = ngx_array_push(*formats);
        if (format == NULL) {
            return NGX_CONF_ERROR;
        }

        *format = f->format;
    }

    return NGX_CONF_OK;
}


/*
 * Takes the remote parent from the first format whose headers are valid. An
 * invalid context is ignored: the request starts a new trace.
 */

ngx_int_t
ngx_http_kt_extract(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx,
    ngx_http_kt_loc_conf_t *klcf)
{
    u_char           *p;
    ngx_str_t         state;
    ngx_uint_t        i, j, *format;
    ngx_table_elt_t  *parent, *h;

    format = klcf->formats->elts;

    for (i = 0; i < klcf->formats->nelts; i++) {

        if (format[i] != NGX_HTTP_KT_FORMAT_W3C) {
            continue;
        }

        parent = ngx_http_kt_find_header(&r->headers_in.headers,
                                         &ngx_http_kt_traceparent);
        if (parent == NULL) {
            continue;
        }

        h = ngx_http_kt_find_header(&r->headers_in.headers,
                                    &ngx_http_kt_tracestate);
        if (h) {
            state = h->value;

        } else {
            ngx_str_null(&state);
        }

        if (kt_context_extract(ctx->context, (char *) parent->value.data,
                               parent->value.len, (char *) state.data,
                               state.len)
            != KT_OK)
        {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "kt: traceparent ignored: %s", kt_last_error());
            continue;
        }

        /* version-trace_id-parent_id-flags, checked by kt */
        p = parent->value.data;

        for (j = 0; j < 8; j++) {
            ctx->parent_id[j] = (u_char) ngx_hextoi(p + 36 + 2 * j, 2);
        }

        ctx->has_parent = 1;
        ctx->parent_sampled = (ngx_hextoi(p + 53, 2) & 1) ? 1 : 0;

        return NGX_OK;
    }

    return NGX_DECLINED;
}


ngx_int_t
ngx_http_kt_inject(ngx_http_request_t *r, ngx_http_kt_loc_conf_t *klcf,
    kt_span span)
{
    u_char      *p;
    size_t       n;
    ngx_str_t    value;
    ngx_uint_t   i, *format;

    format = klcf->formats->elts;

    for (i = 0; i < klcf->formats->nelts; i++) {

        if (format[i] != NGX_HTTP_KT_FORMAT_W3C) {
            continue;
        }

        p = ngx_pnalloc(r->pool, NGX_HTTP_KT_TRACEPARENT_LEN + 512);
        if (p == NULL) {
            return NGX_ERROR;
        }

        if (kt_span_inject(span, (char *) p, NGX_HTTP_KT_TRACEPARENT_LEN, &n)
            != KT_OK)
        {
            return NGX_OK;
        }

        value.data = p;
        value.len = n;

        if (ngx_http_kt_set_header(r, &ngx_http_kt_traceparent, &value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        p += n;

        if (kt_span_tracestate(span, (char *) p, 512, &n) != KT_OK) {
            n = 0;
        }

        value.data = p;
        value.len = n;

        if (ngx_http_kt_set_header(r, &ngx_http_kt_tracestate, &value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_table_elt_t *
ngx_http_kt_find_header(ngx_list_t *headers, ngx_str_t *name)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &headers->part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0 || h[i].key.len != name->len) {
            continue;
        }

        if (ngx_strncasecmp(h[i].key.data, name->data, name->len) == 0) {
            return &h[i];
        }
    }

    return NULL;
}


/* Sets a request header that the upstream modules will send on. */

static ngx_int_t
ngx_http_kt_set_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    if (ngx_http_kt_own_headers(r) != NGX_OK) {
        return NGX_ERROR;
    }

    h = ngx_http_kt_find_header(&r->headers_in.headers, name);

    if (h == NULL) {
        if (value->len == 0) {
            return NGX_OK;
        }

        h = ngx_list_push(&r->headers_in.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->hash = ngx_hash_key(name->data, name->len);
        h->key = *name;
        h->lowcase_key = name->data;
    }

    h->value = *value;

    return NGX_OK;
}


/*
 * A subrequest starts with a copy of its parent's header list that shares
 * the parent's elements: copy them before changing any.
 */

static ngx_int_t
ngx_http_kt_own_headers(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_t        shared;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *copy;

    if (r->parent == NULL
        || r->headers_in.headers.part.elts
           != r->parent->headers_in.headers.part.elts)
    {
        return NGX_OK;
    }

    shared = r->headers_in.headers;

    if (ngx_list_init(&r->headers_in.headers, r->pool, 20,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = &shared.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        copy = ngx_list_push(&r->headers_in.headers);
        if (copy == NULL) {
            return NGX_ERROR;
        }

        *copy = h[i];
    }

    return NGX_OK;
}
