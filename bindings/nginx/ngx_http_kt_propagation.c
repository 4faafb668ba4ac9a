
/*
 * Trace context on the wire: the formats kt_propagation names, reading the
 * incoming context and writing the outgoing one into the request headers an
 * upstream module sends on. The parsing and writing are libkt's
 * (kt_context_extract_headers, kt_span_inject_headers).
 *
 * The format names and numbers are kt's (kt_format_from_name), kept here so
 * that "nginx -t" checks them without calling into libkt, with the headers
 * each format reads: extraction hands libkt only those, and injection
 * replaces them all, so that an upstream gets this request's context and
 * nothing left over from the caller's.
 */


#include "ngx_http_kt_module.h"


/* header lines that go to libkt on the stack; a request with more takes them from its pool */
#define NGX_HTTP_KT_STACK_HEADERS  32


typedef struct {
    ngx_str_t    name;
    int          format;
    ngx_str_t   *headers;     /* lower case, as kt writes them */
} ngx_http_kt_format_t;


static ngx_str_t *ngx_http_kt_header_name(ngx_str_t *key,
    ngx_str_t *names);
static ngx_str_t *ngx_http_kt_read_by(ngx_str_t *key, int *format,
    ngx_uint_t n);
static size_t ngx_http_kt_read_lines(ngx_http_request_t *r, int *format,
    ngx_uint_t n, kt_header *headers, size_t capacity);
static ngx_int_t ngx_http_kt_write_format(ngx_http_request_t *r,
    ngx_http_kt_format_t *f, kt_header *out, size_t n);
static ngx_int_t ngx_http_kt_copy_headers(ngx_http_request_t *r,
    ngx_uint_t skip_removed);


static ngx_str_t  ngx_http_kt_w3c_headers[] = {
    ngx_string("traceparent"),
    ngx_string("tracestate"),
    ngx_null_string
};

static ngx_str_t  ngx_http_kt_b3_headers[] = {
    ngx_string("x-b3-traceid"),
    ngx_string("x-b3-spanid"),
    ngx_string("x-b3-parentspanid"),
    ngx_string("x-b3-sampled"),
    ngx_string("x-b3-flags"),
    ngx_null_string
};

static ngx_str_t  ngx_http_kt_b3_single_headers[] = {
    ngx_string("b3"),
    ngx_null_string
};

static ngx_str_t  ngx_http_kt_jaeger_headers[] = {
    ngx_string("uber-trace-id"),
    ngx_null_string
};

static ngx_str_t  ngx_http_kt_ot_headers[] = {
    ngx_string("ot-tracer-traceid"),
    ngx_string("ot-tracer-spanid"),
    ngx_string("ot-tracer-sampled"),
    ngx_null_string
};

static ngx_str_t  ngx_http_kt_datadog_headers[] = {
    ngx_string("x-datadog-trace-id"),
    ngx_string("x-datadog-parent-id"),
    ngx_string("x-datadog-sampling-priority"),
    ngx_string("x-datadog-tags"),
    ngx_null_string
};

static ngx_str_t  ngx_http_kt_aws_headers[] = {
    ngx_string("x-amzn-trace-id"),
    ngx_null_string
};

static ngx_str_t  ngx_http_kt_gcp_headers[] = {
    ngx_string("x-cloud-trace-context"),
    ngx_null_string
};


/* in KT_FORMAT_* order: ngx_http_kt_formats[format - 1] */
static ngx_http_kt_format_t  ngx_http_kt_formats[] = {
    { ngx_string("w3c"), KT_FORMAT_W3C, ngx_http_kt_w3c_headers },
    { ngx_string("b3"), KT_FORMAT_B3, ngx_http_kt_b3_headers },
    { ngx_string("b3-single"), KT_FORMAT_B3_SINGLE,
      ngx_http_kt_b3_single_headers },
    { ngx_string("jaeger"), KT_FORMAT_JAEGER, ngx_http_kt_jaeger_headers },
    { ngx_string("ot"), KT_FORMAT_OT, ngx_http_kt_ot_headers },
    { ngx_string("datadog"), KT_FORMAT_DATADOG, ngx_http_kt_datadog_headers },
    { ngx_string("aws"), KT_FORMAT_AWS, ngx_http_kt_aws_headers },
    { ngx_string("gcp"), KT_FORMAT_GCP, ngx_http_kt_gcp_headers },
    { ngx_null_string, 0, NULL }
};


static ngx_str_t  ngx_http_kt_parent_span_id = ngx_string("x-b3-parentspanid");


char *
ngx_http_kt_set_propagation(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    int                    *format;
    ngx_str_t              *value;
    ngx_uint_t              i, j;
    ngx_array_t           **formats;
    ngx_http_kt_format_t   *f;

    formats = (ngx_array_t **) (p + cmd->offset);

    if (*formats != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    *formats = ngx_array_create(cf->pool, cf->args->nelts - 1, sizeof(int));
    if (*formats == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        /* any ASCII case, as kt_format_from_name takes it */
        for (f = ngx_http_kt_formats; f->name.len; f++) {
            if (f->name.len == value[i].len
                && ngx_strncasecmp(f->name.data, value[i].data, value[i].len)
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
 * Takes the remote parent from the first listed format whose headers are
 * present. Malformed headers of that format leave no parent: the request
 * starts a new trace. Every line of the headers the formats read goes to
 * libkt, in the request's order, as HTTP reads a repeated field: tracestate
 * lines are one list, several traceparent lines are refused. None go when
 * the request has none of them.
 */

ngx_int_t
ngx_http_kt_extract(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx,
    ngx_http_kt_loc_conf_t *klcf)
{
    int         rc, used, *format;
    size_t      n;
    kt_header   stack[NGX_HTTP_KT_STACK_HEADERS], *headers;

    static ngx_http_kt_log_limit_t  limit;

    format = klcf->formats->elts;
    headers = stack;

    n = ngx_http_kt_read_lines(r, format, klcf->formats->nelts, headers,
                               NGX_HTTP_KT_STACK_HEADERS);

    if (n == 0) {
        return NGX_DECLINED;
    }

    if (n > NGX_HTTP_KT_STACK_HEADERS) {
        headers = ngx_palloc(r->pool, n * sizeof(kt_header));
        if (headers == NULL) {
            return NGX_ERROR;
        }

        n = ngx_http_kt_read_lines(r, format, klcf->formats->nelts, headers,
                                   n);
    }

    rc = kt_context_extract_headers(ctx->context, format,
                                    klcf->formats->nelts, headers, n, &used);

    if (rc == KT_E_INVALID_ARGUMENT) {
        /* a client's error: libkt counts it and reports it, limited */
        return NGX_DECLINED;
    }

    if (rc != KT_OK) {
        ngx_http_kt_log_failure(&limit, NGX_LOG_ERR, r->connection->log,
                                "kt_context_extract_headers", rc);
        return NGX_ERROR;
    }

    if (used == 0) {
        return NGX_DECLINED;
    }

    ctx->extracted = 1;

    return NGX_OK;
}


/*
 * The request's header lines that the formats read, at most capacity of
 * them, in the request's order; returns how many there are in all.
 */

static size_t
ngx_http_kt_read_lines(ngx_http_request_t *r, int *format, ngx_uint_t n,
    kt_header *headers, size_t capacity)
{
    size_t            count;
    ngx_str_t        *name;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    count = 0;

    part = &r->headers_in.headers.part;
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

        if (h[i].hash == 0) {
            continue;
        }

        name = ngx_http_kt_read_by(&h[i].key, format, n);
        if (name == NULL) {
            continue;
        }

        if (count < capacity) {
            headers[count].name.ptr = (char *) name->data;
            headers[count].name.len = name->len;
            headers[count].value.ptr = (char *) h[i].value.data;
            headers[count].value.len = h[i].value.len;
        }

        count++;
    }

    return count;
}


/*
 * The request header's name as a listed format reads it, NULL if none does.
 * W3C's are read whatever the formats: libkt keeps a tracestate that comes
 * with a traceparent of the trace another format continues.
 */

static ngx_str_t *
ngx_http_kt_read_by(ngx_str_t *key, int *format, ngx_uint_t n)
{
    ngx_str_t             *name;
    ngx_uint_t             i;
    ngx_http_kt_format_t  *f;

    name = ngx_http_kt_header_name(key, ngx_http_kt_w3c_headers);
    if (name) {
        return name;
    }

    for (i = 0; i < n; i++) {
        f = &ngx_http_kt_formats[format[i] - 1];

        name = ngx_http_kt_header_name(key, f->headers);
        if (name) {
            return name;
        }
    }

    return NULL;
}


static ngx_str_t *
ngx_http_kt_header_name(ngx_str_t *key, ngx_str_t *names)
{
    for ( /* void */ ; names->len; names++) {
        if (names->len == key->len
            && ngx_strncasecmp(names->data, key->data, key->len) == 0)
        {
            return names;
        }
    }

    return NULL;
}


/*
 * $kt_parent_id for a continued trace. kt.h gives a span's parent span id
 * only in the formats that carry it: the SERVER span's b3 headers name its
 * remote parent. A parent's sampling decision is the span's, except where
 * the format left it to the sampler.
 */

void
ngx_http_kt_remote_parent(ngx_http_kt_ctx_t *ctx)
{
    u_char      buffer[KT_INJECT_MAX_BYTES], *p;
    size_t      i, j, n;
    ngx_int_t   byte;
    kt_header   headers[KT_INJECT_MAX_HEADERS];

    if (kt_span_inject_headers(ctx->server, KT_FORMAT_B3, (char *) buffer,
                               sizeof(buffer), headers, KT_INJECT_MAX_HEADERS,
                               &n)
        != KT_OK)
    {
        return;
    }

    for (i = 0; i < n; i++) {

        if (headers[i].name.len != ngx_http_kt_parent_span_id.len
            || ngx_strncmp(headers[i].name.ptr,
                           ngx_http_kt_parent_span_id.data,
                           ngx_http_kt_parent_span_id.len)
               != 0
            || headers[i].value.len != 2 * sizeof(ctx->parent_id))
        {
            continue;
        }

        p = (u_char *) headers[i].value.ptr;

        for (j = 0; j < sizeof(ctx->parent_id); j++) {
            byte = ngx_hextoi(p + 2 * j, 2);
            if (byte == NGX_ERROR) {
                return;
            }

            ctx->parent_id[j] = (u_char) byte;
        }

        ctx->has_parent = 1;
        ctx->parent_sampled = ctx->sampled;

        return;
    }
}


/*
 * Writes the span's context in every listed format into the request headers
 * the upstream modules send on.
 */

ngx_int_t
ngx_http_kt_inject(ngx_http_request_t *r, ngx_http_kt_loc_conf_t *klcf,
    kt_span span)
{
    int          rc, *format;
    u_char       buffer[KT_INJECT_MAX_BYTES];
    size_t       n;
    kt_header    out[KT_INJECT_MAX_HEADERS];
    ngx_uint_t   i;

    static ngx_http_kt_log_limit_t  limit;

    if (ngx_http_kt_copy_headers(r, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    format = klcf->formats->elts;

    for (i = 0; i < klcf->formats->nelts; i++) {

        rc = kt_span_inject_headers(span, format[i], (char *) buffer,
                                    sizeof(buffer), out, KT_INJECT_MAX_HEADERS,
                                    &n);

        if (rc != KT_OK) {
            ngx_http_kt_log_failure(&limit, NGX_LOG_ERR, r->connection->log,
                                    "kt_span_inject_headers", rc);
            continue;
        }

        if (ngx_http_kt_write_format(r, &ngx_http_kt_formats[format[i] - 1],
                                     out, n)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * Replaces the format's headers with the n written: an incoming header of a
 * written name gets the new value, the others of the format are removed.
 */

static ngx_int_t
ngx_http_kt_write_format(ngx_http_request_t *r, ngx_http_kt_format_t *f,
    kt_header *out, size_t n)
{
    u_char           *p;
    size_t            len, k;
    ngx_str_t         name[KT_INJECT_MAX_HEADERS];
    ngx_str_t         value[KT_INJECT_MAX_HEADERS];
    ngx_uint_t        i, placed, removed;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    /* out points into the caller's buffer: the headers outlive it */
    len = 0;

    for (k = 0; k < n; k++) {
        len += out[k].name.len + out[k].value.len;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    for (k = 0; k < n; k++) {
        name[k].data = p;
        name[k].len = out[k].name.len;
        p = ngx_cpymem(p, out[k].name.ptr, out[k].name.len);

        value[k].data = p;
        value[k].len = out[k].value.len;
        p = ngx_cpymem(p, out[k].value.ptr, out[k].value.len);
    }

    placed = 0;
    removed = 0;

    part = &r->headers_in.headers.part;
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

        if (h[i].hash == 0
            || ngx_http_kt_header_name(&h[i].key, f->headers) == NULL)
        {
            continue;
        }

        for (k = 0; k < n; k++) {
            if (!(placed & (1 << k))
                && name[k].len == h[i].key.len
                && ngx_strncasecmp(name[k].data, h[i].key.data, name[k].len)
                   == 0)
            {
                break;
            }
        }

        if (k < n) {
            h[i].value = value[k];
            placed |= 1 << k;
            continue;
        }

        h[i].hash = 0;
        removed = 1;
    }

    if (removed && ngx_http_kt_copy_headers(r, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    for (k = 0; k < n; k++) {

        if (placed & (1 << k)) {
            continue;
        }

        h = ngx_list_push(&r->headers_in.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->hash = ngx_hash_key(name[k].data, name[k].len);
        h->key = name[k];
        h->lowcase_key = name[k].data;
        h->value = value[k];
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif
    }

    return NGX_OK;
}


/*
 * Makes the request's header list its own, without the headers removed
 * (hash 0) when skip_removed is set. A subrequest starts with a copy of its
 * parent's list that shares the parent's elements: they are copied before
 * any is changed. The old elements stay in the pool, so the pointers in
 * r->headers_in (host, user_agent, ...) still read what they read.
 */

static ngx_int_t
ngx_http_kt_copy_headers(ngx_http_request_t *r, ngx_uint_t skip_removed)
{
    ngx_uint_t        i;
    ngx_list_t        old;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *copy;

    if (!skip_removed
        && (r->parent == NULL
            || r->headers_in.headers.part.elts
               != r->parent->headers_in.headers.part.elts))
    {
        return NGX_OK;
    }

    old = r->headers_in.headers;

    if (ngx_list_init(&r->headers_in.headers, r->pool, 20,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = &old.part;
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

        if (skip_removed && h[i].hash == 0) {
            continue;
        }

        copy = ngx_list_push(&r->headers_in.headers);
        if (copy == NULL) {
            return NGX_ERROR;
        }

        *copy = h[i];
    }

    return NGX_OK;
}


/* The format's name as kt_propagation spells it; NULL for an unknown one. */

ngx_str_t *
ngx_http_kt_format_name(int format)
{
    if (format < KT_FORMAT_W3C || format > KT_FORMAT_GCP) {
        return NULL;
    }

    return &ngx_http_kt_formats[format - 1].name;
}
