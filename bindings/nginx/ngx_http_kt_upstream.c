
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
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "kt: kt_start_span: %s: %s", kt_errstr(rc),
                      kt_last_error());
        return NGX_DECLINED;
    }

    if (u->span == 0) {
        ngx_http_kt_count_drop(r->connection->log);
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
    u_char     *colon, *p;
    u_char      code[NGX_INT_T_LEN];
    ngx_int_t   port;
    ngx_str_t   address;

    (void) kt_span_set_string(span, "http.request.method",
                              sizeof("http.request.method") - 1,
                              (char *) r->method_name.data,
                              r->method_name.len);

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

    (void) kt_span_set_string(span, "server.address",
                              sizeof("server.address") - 1,
                              (char *) address.data, address.len);

    if (port != NGX_ERROR) {
        (void) kt_span_set_int(span, "server.port", sizeof("server.port") - 1,
                               port);
    }

    if (state->status) {
        (void) kt_span_set_int(span, "http.response.status_code",
                               sizeof("http.response.status_code") - 1,
                               state->status);
    }

    if (state->status == 0 || state->status >= 400) {
        if (state->status) {
            (void) kt_span_set_string(span, "error.type",
                                      sizeof("error.type") - 1, (char *) code,
                                      ngx_sprintf(code, "%ui", state->status)
                                      - code);
        }

        (void) kt_span_set_status(span, KT_STATUS_ERROR, NULL, 0);
    }

    if (state->connect_time != (ngx_msec_t) -1) {
        (void) kt_span_set_int(span, "nginx.upstream.connect_time_ms",
                               sizeof("nginx.upstream.connect_time_ms") - 1,
                               state->connect_time);
    }

    if (state->header_time != (ngx_msec_t) -1) {
        (void) kt_span_set_int(span, "nginx.upstream.header_time_ms",
                               sizeof("nginx.upstream.header_time_ms") - 1,
                               state->header_time);
    }

    if (state->response_time != (ngx_msec_t) -1) {
        (void) kt_span_set_int(span, "nginx.upstream.response_time_ms",
                               sizeof("nginx.upstream.response_time_ms") - 1,
                               state->response_time);
    }

    if (state->bytes_received) {
        (void) kt_span_set_int(span, "http.response.body.size",
                               sizeof("http.response.body.size") - 1,
                               state->response_length);
    }

    (void) kt_span_finish(span, end > start ? end : start);
}
