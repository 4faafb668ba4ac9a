
/*
 * CLIENT spans of upstream tries. The first try's span starts just before
 * the content handler, so its trace context can go into the request headers
 * the upstream module sends (and to $kt_traceparent). nginx keeps no start
 * time per try, only durations: at log time r->upstream_states gives each
 * try's peer, status and times, and the tries are laid end to end from that
 * first start. A content handler that never went upstream leaves no state,
 * and its span is released unexported.
 */


#include "ngx_http_kt_module.h"


#define NGX_HTTP_KT_TRY_ATTRIBUTES  9


static void ngx_http_kt_finish_try(ngx_http_request_t *r, kt_span span,
    ngx_http_upstream_state_t *state, int64_t start, int64_t end);


ngx_int_t
ngx_http_kt_precontent_handler(ngx_http_request_t *r)
{
    int                        rc;
    ngx_uint_t                 first;
    ngx_http_kt_ctx_t         *ctx;
    kt_span_options            options = KT_SPAN_OPTIONS_INIT;
    ngx_http_kt_upstream_t    *u;
    ngx_http_kt_loc_conf_t    *klcf;
    ngx_http_core_loc_conf_t  *clcf;

    static ngx_http_kt_log_limit_t  limit;

    if (!ngx_http_kt_ready) {
        return NGX_DECLINED;
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->handler == NULL) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_kt_get_ctx(r);

    if (ctx == NULL || !ctx->traced || ctx->finished) {
        return NGX_DECLINED;
    }

    first = r->upstream_states ? r->upstream_states->nelts : 0;

    u = ngx_http_kt_find_upstream(r, ctx);

    if (u && u->first_state == first) {
        /* the phase ran again with nothing sent upstream since */
        return NGX_DECLINED;
    }

    if (ctx->upstreams == NULL) {
        ctx->upstreams = ngx_array_create(r->pool, 2,
                                          sizeof(ngx_http_kt_upstream_t));
        if (ctx->upstreams == NULL) {
            return NGX_DECLINED;
        }
    }

    u = ngx_array_push(ctx->upstreams);
    if (u == NULL) {
        return NGX_DECLINED;
    }

    ngx_memzero(u, sizeof(ngx_http_kt_upstream_t));

    u->request = r;
    u->first_state = first;
    u->start = ngx_http_kt_now();

    options.kind = KT_KIND_CLIENT;
    options.parent = ctx->server;
    options.start_time_ns = u->start;

    rc = kt_start_span(0, ctx->context, (char *) r->method_name.data,
                       r->method_name.len, &options, &u->span);

    if (rc != KT_OK) {
        ngx_http_kt_log_failure(&limit, NGX_LOG_ERR, r->connection->log,
                                "kt_start_span", rc);
        return NGX_DECLINED;
    }

    if (u->span == 0) {
        /* libkt counts and reports the drop */
        return NGX_DECLINED;
    }

    if (kt_span_ids(u->span, NULL, u->span_id, NULL) != KT_OK) {
        return NGX_DECLINED;
    }

    klcf = ngx_http_get_module_loc_conf(r, ngx_http_kt_module);

    if (klcf->trace_context & NGX_HTTP_KT_INJECT) {
        if (ngx_http_kt_inject(r, klcf, u->span) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return NGX_DECLINED;
}


/* The request's latest upstream exchange, NULL when it has none. */

ngx_http_kt_upstream_t *
ngx_http_kt_find_upstream(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx)
{
    ngx_uint_t               i;
    ngx_http_kt_upstream_t  *u;

    if (ctx->upstreams == NULL) {
        return NULL;
    }

    u = ctx->upstreams->elts;

    for (i = ctx->upstreams->nelts; i > 0; i--) {
        if (u[i - 1].request == r && u[i - 1].span) {
            return &u[i - 1];
        }
    }

    return NULL;
}


void
ngx_http_kt_finish_upstreams(ngx_http_request_t *r, ngx_http_kt_ctx_t *ctx)
{
    int                         rc;
    int64_t                     now, start, end;
    kt_span                     span;
    ngx_uint_t                  i, j, last, final, tries;
    kt_span_options             options = KT_SPAN_OPTIONS_INIT;
    ngx_http_request_t         *req;
    ngx_http_kt_upstream_t     *u;
    ngx_http_upstream_state_t  *state;

    if (ctx->upstreams == NULL) {
        return;
    }

    now = ngx_http_kt_now();
    u = ctx->upstreams->elts;

    for (i = 0; i < ctx->upstreams->nelts; i++) {

        if (u[i].span == 0) {
            continue;
        }

        req = u[i].request;
        last = req->upstream_states ? req->upstream_states->nelts : 0;

        for (j = i + 1; j < ctx->upstreams->nelts; j++) {
            if (u[j].request == req && u[j].span) {
                last = u[j].first_state;
                break;
            }
        }

        state = req->upstream_states ? req->upstream_states->elts : NULL;
        start = u[i].start;
        tries = 0;

        final = last;
        for (j = u[i].first_state; j < last; j++) {
            if (state[j].peer != NULL) {
                final = j;
            }
        }

        for (j = u[i].first_state; j < last; j++) {

            /* a separator between exchanges, or a cached answer */
            if (state[j].peer == NULL) {
                continue;
            }

            if (tries++ == 0) {
                span = u[i].span;

            } else {
                options.kind = KT_KIND_CLIENT;
                options.parent = ctx->server;
                options.start_time_ns = start;

                rc = kt_start_span(0, ctx->context,
                                   (char *) req->method_name.data,
                                   req->method_name.len, &options, &span);

                if (rc != KT_OK || span == 0) {
                    continue;
                }
            }

            end = now;

            /*
             * nginx times a try in whole milliseconds of its cached clock, so a
             * fast exchange reads 0 ms and would end before the upstream's own
             * span; the last try ends at the log phase, when its answer is in.
             */
            if (j != final && state[j].response_time != (ngx_msec_t) -1) {
                end = start + (int64_t) state[j].response_time * 1000000;

                if (end > now) {
                    end = now;
                }
            }

            ngx_http_kt_finish_try(req, span, &state[j], start, end);

            start = end;
        }

        if (tries == 0) {
            (void) kt_span_release(u[i].span);
        }

        u[i].span = 0;
    }
}


static void
ngx_http_kt_finish_try(ngx_http_request_t *r, kt_span span,
    ngx_http_upstream_state_t *state, int64_t start, int64_t end)
{
    u_char        *colon, *p;
    u_char         code[NGX_INT_T_LEN];
    ngx_int_t      port;
    ngx_str_t      address, type;
    ngx_uint_t     n;
    kt_attribute   attrs[NGX_HTTP_KT_TRY_ATTRIBUTES];

    n = 0;

    ngx_http_kt_string(&attrs[n++], HTTP_REQUEST_METHOD, &r->method_name);

    address = *state->peer;
    port = NGX_ERROR;

    colon = NULL;
    for (p = address.data + address.len; p > address.data; p--) {
        if (p[-1] == ':') {
            colon = p - 1;
            break;
        }

        if (p[-1] == ']') {
            break;
        }
    }

    if (colon && ngx_strncmp(address.data, "unix:", 5) != 0) {
        port = ngx_atoi(colon + 1, address.data + address.len - colon - 1);

        if (port != NGX_ERROR) {
            address.len = colon - address.data;

            if (address.len > 2 && address.data[0] == '[') {
                address.data++;
                address.len -= 2;
            }
        }
    }

    ngx_http_kt_string(&attrs[n++], SERVER_ADDRESS, &address);

    if (port != NGX_ERROR) {
        ngx_http_kt_int(&attrs[n++], SERVER_PORT, port);
    }

    if (state->status) {
        ngx_http_kt_int(&attrs[n++], HTTP_RESPONSE_STATUS_CODE,
                        state->status);
    }

    if (state->status >= 400) {
        type.data = code;
        type.len = ngx_sprintf(code, "%ui", state->status) - code;
        ngx_http_kt_string(&attrs[n++], ERROR_TYPE, &type);
    }

    if (state->connect_time != (ngx_msec_t) -1) {
        ngx_http_kt_int(&attrs[n++], UPSTREAM_CONNECT_TIME,
                        state->connect_time);
    }

    if (state->header_time != (ngx_msec_t) -1) {
        ngx_http_kt_int(&attrs[n++], UPSTREAM_HEADER_TIME,
                        state->header_time);
    }

    if (state->response_time != (ngx_msec_t) -1) {
        ngx_http_kt_int(&attrs[n++], UPSTREAM_RESPONSE_TIME,
                        state->response_time);
    }

    if (state->bytes_received) {
        ngx_http_kt_int(&attrs[n++], HTTP_RESPONSE_BODY_SIZE,
                        state->response_length);
    }

    /* one call for them all: the span is resolved and its slot reached once */
    (void) kt_span_set_attributes(span, attrs, n);

    if (state->status == 0 || state->status >= 400) {
        (void) kt_span_set_status(span, KT_STATUS_ERROR, NULL, 0);
    }

    (void) kt_span_finish(span, end > start ? end : start);
}
