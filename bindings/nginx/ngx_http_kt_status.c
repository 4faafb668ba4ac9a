
/*
 * kt_status: a location that shows this worker's counters, in the text
 * format Prometheus reads (as stub_status shows nginx's own). Each worker has
 * its own engine: the answer is the counters of the worker that served it,
 * named by kt_worker_pid.
 */


#include "ngx_http_kt_module.h"


#define NGX_HTTP_KT_STATUS_SIZE  16384


static ngx_int_t ngx_http_kt_status_handler(ngx_http_request_t *r);
static u_char *ngx_http_kt_status_refusals(u_char *p, u_char *last);


static int  ngx_http_kt_reasons[] = {
    KT_REASON_BAD_LENGTH, KT_REASON_BAD_VERSION, KT_REASON_BAD_TRACE_ID,
    KT_REASON_BAD_SPAN_ID, KT_REASON_BAD_FLAGS, KT_REASON_BAD_FORMAT,
    KT_REASON_ZERO_TRACE_ID, KT_REASON_ZERO_SPAN_ID,
    KT_REASON_TOO_MANY_MEMBERS, KT_REASON_BAD_KEY, KT_REASON_BAD_VALUE,
    KT_REASON_DUPLICATE_KEY, KT_REASON_MISSING, KT_REASON_BAD_SAMPLING,
    KT_REASON_REPEATED_HEADER
};


char *
ngx_http_kt_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_kt_status_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_kt_status_handler(ngx_http_request_t *r)
{
    u_char                  *p, *last;
    ngx_int_t                rc;
    ngx_buf_t               *b;
    ngx_chain_t              out;
    kt_counters_t            c;
    kt_input_counters_t      in;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    b = ngx_create_temp_buf(r->pool, NGX_HTTP_KT_STATUS_SIZE);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = b->pos;
    last = b->end;

    p = ngx_slprintf(p, last, "kt_worker_pid %P\n", ngx_pid);

    /* the engine's counters exist while it runs; the input counters always */
    if (kt_counters(&c) == KT_OK) {
        p = ngx_slprintf(p, last,
                         "kt_spans_started_total %uL\n"
                         "kt_spans_finished_total %uL\n"
                         "kt_spans_sampled_out_total %uL\n"
                         "kt_spans_released_total %uL\n"
                         "kt_spans_exported_total %uL\n"
                         "kt_spans_export_failed_total %uL\n"
                         "kt_spans_dropped_total{reason=\"no_slot\"} %uL\n"
                         "kt_spans_dropped_total{reason=\"queue_full\"} %uL\n"
                         "kt_spans_dropped_total{reason=\"after_shutdown\"} "
                         "%uL\n"
                         "kt_slots_in_use %uL\n",
                         c.spans_started, c.spans_finished,
                         c.spans_sampled_out, c.spans_released,
                         c.spans_exported, c.export_failed_spans,
                         c.dropped_no_slot, c.dropped_queue_full,
                         c.dropped_after_shutdown, c.slots_in_use);
    }

    if (kt_input_counters(&in) == KT_OK) {
        p = ngx_slprintf(p, last,
                         "kt_contexts_refused_total %uL\n"
                         "kt_tracestates_dropped_total %uL\n"
                         "kt_values_repaired_total %uL\n"
                         "kt_values_refused_total %uL\n",
                         in.contexts_refused, in.tracestates_dropped,
                         in.values_repaired, in.values_refused);
    }

    p = ngx_http_kt_status_refusals(p, last);

    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type, "text/plain; version=0.0.4");

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* Only the causes seen: most of the format-by-reason table stays zero. */

static u_char *
ngx_http_kt_status_refusals(u_char *p, u_char *last)
{
    int          format;
    uint64_t     n;
    ngx_str_t   *name;
    ngx_uint_t   i;

    for (format = KT_FORMAT_W3C; format <= KT_FORMAT_GCP; format++) {
        name = ngx_http_kt_format_name(format);

        for (i = 0; i < sizeof(ngx_http_kt_reasons) / sizeof(int); i++) {
            if (kt_contexts_refused(format, ngx_http_kt_reasons[i], &n)
                != KT_OK || n == 0)
            {
                continue;
            }

            p = ngx_slprintf(p, last, "kt_contexts_refused_by_total"
                             "{format=\"%V\",reason=\"%s\"} %uL\n", name,
                             kt_reason_name(ngx_http_kt_reasons[i]), n);
        }
    }

    for (i = 0; i < sizeof(ngx_http_kt_reasons) / sizeof(int); i++) {
        if (kt_tracestates_dropped(ngx_http_kt_reasons[i], &n) != KT_OK
            || n == 0)
        {
            continue;
        }

        p = ngx_slprintf(p, last, "kt_tracestates_dropped_by_total"
                         "{reason=\"%s\"} %uL\n",
                         kt_reason_name(ngx_http_kt_reasons[i]), n);
    }

    return p;
}
