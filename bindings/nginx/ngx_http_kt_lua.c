/*
 * The Lua binding's way to a request's kt_context: a function it calls
 * through LuaJIT's FFI with the request that lua-resty-core's get_request()
 * gives, where it read $kt_context before (a variable lookup by name, then
 * 16 hex digits written and parsed back, the largest part of a request's
 * first call into the binding). nginx loads dynamic modules with RTLD_GLOBAL,
 * so the binding finds the function by name; when it is not there, no kt
 * module owns the request's context.
 */

#include "ngx_http_kt_module.h"


kt_context ngx_http_kt_lua_context(ngx_http_request_t *r);


/* The request's context, as $kt_context names it; 0 when there is none. */

kt_context
ngx_http_kt_lua_context(ngx_http_request_t *r)
{
    kt_context  context;

    if (r == NULL || ngx_http_kt_request_context(r, &context) != NGX_OK) {
        return 0;
    }

    return context;
}
