
/*
 * $kt_trace_id, $kt_span_id, $kt_parent_id, $kt_parent_sampled,
 * $kt_traceparent and $kt_context. The ids are kept in the request's state
 * when the span starts, so they read the same after it has finished (in
 * access logs).
 */


#include "ngx_http_kt_module.h"


#define NGX_HTTP_KT_TRACE_ID    0
#define NGX_HTTP_KT_SPAN_ID     1
#define NGX_HTTP_KT_PARENT_ID   2


static ngx_int_t ngx_http_kt_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_kt_parent_sampled_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_kt_traceparent_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_kt_context_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_kt_vars[] = {

    { ngx_string("kt_trace_id"), NULL, ngx_http_kt_id_variable,
      NGX_HTTP_KT_TRACE_ID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("kt_span_id"), NULL, ngx_http_kt_id_variable,
      NGX_HTTP_KT_SPAN_ID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("kt_parent_id"), NULL, ngx_http_kt_id_variable,
      NGX_HTTP_KT_PARENT_ID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("kt_parent_sampled"), NULL,
      ngx_http_kt_parent_sampled_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("kt_traceparent"), NULL, ngx_http_kt_traceparent_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("kt_context"), NULL, ngx_http_kt_context_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_kt_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_kt_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_kt_id_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    u_char             *id, *p;
    size_t              len;
    ngx_http_kt_ctx_t  *ctx;

    ctx = ngx_http_kt_get_ctx(r);

    if (ctx == NULL || !ctx->traced
        || (data == NGX_HTTP_KT_PARENT_ID && !ctx->has_parent))
    {
        v->not_found = 1;
        return NGX_OK;
    }

    switch (data) {
    case NGX_HTTP_KT_TRACE_ID:
        id = ctx->trace_id;
        len = sizeof(ctx->trace_id);
        break;
    case NGX_HTTP_KT_SPAN_ID:
        id = ctx->span_id;
        len = sizeof(ctx->span_id);
        break;
    default:
        id = ctx->parent_id;
        len = sizeof(ctx->parent_id);
        break;
    }

    p = ngx_pnalloc(r->pool, 2 * len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_hex_dump(p, id, len) - p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_kt_parent_sampled_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_kt_ctx_t  *ctx;

    ctx = ngx_http_kt_get_ctx(r);

    if (ctx == NULL || !ctx->traced) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = 1;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = (u_char *) (ctx->has_parent && ctx->parent_sampled ? "1" : "0");

    return NGX_OK;
}


/*
 * The traceparent to send on: this (sub)request's CLIENT span if it goes
 * upstream, else the SERVER span. A CLIENT span has its parent's flags.
 */

static ngx_int_t
ngx_http_kt_traceparent_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                  *p, *span_id;
    ngx_http_kt_ctx_t       *ctx;
    ngx_http_kt_upstream_t  *u;

    ctx = ngx_http_kt_get_ctx(r);

    if (ctx == NULL || !ctx->traced) {
        v->not_found = 1;
        return NGX_OK;
    }

    u = ngx_http_kt_find_upstream(r, ctx);

    span_id = u ? u->span_id : ctx->span_id;

    p = ngx_pnalloc(r->pool, NGX_HTTP_KT_TRACEPARENT_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->data = p;

    p = ngx_cpymem(p, "00-", 3);
    p = ngx_hex_dump(p, ctx->trace_id, sizeof(ctx->trace_id));
    *p++ = '-';
    p = ngx_hex_dump(p, span_id, 8);
    *p++ = '-';
    p = ngx_cpymem(p, ctx->flags, 2);

    v->len = p - v->data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/*
 * The request's kt_context as 16 hex digits, for Lua code of its own (the
 * binding asks ngx_http_kt_lua_context). A request the module does not trace
 * still gets a context, so Lua spans are released at its end.
 */

static ngx_int_t
ngx_http_kt_context_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char      *p;
    ngx_int_t    rc;
    kt_context   context;

    rc = ngx_http_kt_request_context(r, &context);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        v->not_found = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, 16);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(p, "%016xL", (uint64_t) context) - p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = p;

    return NGX_OK;
}
