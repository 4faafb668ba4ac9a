
/*
 * What the module writes to the error log while serving: nothing per
 * request. A failed call is reported at most once a second per call site,
 * with the count since the last line; libkt's own lines (refused input,
 * dropped spans, an exporter failing or delivering again) arrive through
 * its log handler, already limited.
 */


#include "ngx_http_kt_module.h"


void
ngx_http_kt_log_failure(ngx_http_kt_log_limit_t *limit, ngx_uint_t level,
    ngx_log_t *log, const char *call, int rc)
{
    limit->count++;

    if (limit->logged == ngx_time()) {
        return;
    }

    limit->logged = ngx_time();

    ngx_log_error(level, log, 0, "kt: %s: %s: %s (%ui time%s since the last "
                  "report)", call, kt_errstr(rc), kt_last_error(),
                  limit->count, limit->count == 1 ? "" : "s");

    limit->count = 0;
}


/*
 * Called by libkt from the thread that found the problem, the exporter's
 * among them: only the cycle's log is used, whose writing is one write(2).
 */

static void
ngx_http_kt_log_line(void *user, int level, const char *message, size_t len)
{
    ngx_uint_t  nginx_level;

    switch (level) {
    case KT_LOG_ERROR:
        nginx_level = NGX_LOG_ERR;
        break;
    case KT_LOG_WARN:
        nginx_level = NGX_LOG_WARN;
        break;
    case KT_LOG_NOTICE:
        nginx_level = NGX_LOG_NOTICE;
        break;
    default:
        nginx_level = NGX_LOG_INFO;
        break;
    }

    ngx_log_error(nginx_level, ngx_cycle->log, 0, "kt: %*s", len, message);
}


void
ngx_http_kt_route_log(void)
{
    (void) kt_set_log_handler(ngx_http_kt_log_line, NULL);
}
