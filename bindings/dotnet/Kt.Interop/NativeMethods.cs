using System.Runtime.InteropServices;

namespace Kt.Interop;

/// <summary>
/// Every function of kt.h, declared with source-generated <see cref="LibraryImportAttribute"/>
/// and blittable types only (pointers, <see cref="nuint"/> for <c>size_t</c>, fixed-size
/// integers, <see cref="double"/>), so the generated stubs marshal nothing and allocate
/// nothing. The library is found through <see cref="KtLibrary"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>The name every import uses; <see cref="KtLibrary"/> resolves it.</summary>
    public const string Library = "kt";

    // The resolver must be in place before the runtime binds the first import.
    static NativeMethods() => KtLibrary.EnsureResolver();

    // ---- the library

    [LibraryImport(Library)]
    internal static partial int kt_abi_version();

    [LibraryImport(Library)]
    internal static partial byte* kt_version();

    [LibraryImport(Library)]
    internal static partial byte* kt_errstr(int code);

    [LibraryImport(Library)]
    internal static partial byte* kt_last_error();

    [LibraryImport(Library)]
    internal static partial int kt_nop();

    // ---- the engine

    [LibraryImport(Library)]
    internal static partial int kt_init(KtOption* options, nuint count);

    [LibraryImport(Library)]
    internal static partial int kt_shutdown(long timeoutMs);

    [LibraryImport(Library)]
    internal static partial int kt_flush(long timeoutMs);

    [LibraryImport(Library)]
    internal static partial int kt_counters(KtCountersNative* output);

    [LibraryImport(Library)]
    internal static partial int kt_exporter_counters(KtExporterCountersNative* output);

    [LibraryImport(Library)]
    internal static partial int kt_input_counters(KtInputCountersNative* output);

    [LibraryImport(Library)]
    internal static partial int kt_contexts_refused(int format, int reason, ulong* output);

    [LibraryImport(Library)]
    internal static partial int kt_tracestates_dropped(int reason, ulong* output);

    [LibraryImport(Library)]
    internal static partial byte* kt_reason_name(int reason);

    /// <summary><paramref name="handler"/> is a <c>kt_log_fn</c>, an unmanaged function pointer.</summary>
    [LibraryImport(Library)]
    internal static partial int kt_set_log_handler(void* handler, void* user);

    [LibraryImport(Library)]
    internal static partial int kt_exporter_last_error(byte* buffer, nuint capacity, nuint* written);

    // ---- tracers and contexts

    [LibraryImport(Library)]
    internal static partial int kt_tracer_new(byte* name, nuint nameLen, double samplingRate, byte* ns, nuint nsLen, ulong* output);

    [LibraryImport(Library)]
    internal static partial int kt_context_begin(ulong* output);

    [LibraryImport(Library)]
    internal static partial int kt_context_end(ulong context);

    // ---- spans

    [LibraryImport(Library)]
    internal static partial int kt_start_span(ulong tracer, ulong context, byte* name, nuint nameLen, KtSpanOptions* options, ulong* output);

    [LibraryImport(Library)]
    internal static partial int kt_span_finish(ulong span, long endTimeNs);

    [LibraryImport(Library)]
    internal static partial int kt_span_release(ulong span);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_attribute(ulong span, KtAttribute* attribute);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_attributes(ulong span, KtAttribute* attributes, nuint count);

    [LibraryImport(Library)]
    internal static partial int kt_key_register(byte* key, nuint keyLen, uint* output);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_string(ulong span, byte* key, nuint keyLen, byte* value, nuint valueLen);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_int(ulong span, byte* key, nuint keyLen, long value);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_double(ulong span, byte* key, nuint keyLen, double value);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_bool(ulong span, byte* key, nuint keyLen, int value);

    [LibraryImport(Library)]
    internal static partial int kt_span_add_event(ulong span, byte* name, nuint nameLen, long timeNs, KtAttribute* attributes, nuint count);

    [LibraryImport(Library)]
    internal static partial int kt_span_record_error(ulong span, byte* message, nuint messageLen);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_status(ulong span, int code, byte* message, nuint messageLen);

    [LibraryImport(Library)]
    internal static partial int kt_span_add_link(ulong span, byte* traceId, byte* spanId, byte flags, KtAttribute* attributes, nuint count);

    [LibraryImport(Library)]
    internal static partial int kt_span_ids(ulong span, byte* traceId, byte* spanId, int* sampled);

    // ---- the active span

    [LibraryImport(Library)]
    internal static partial int kt_active_span(ulong tracer, ulong context, ulong* output);

    [LibraryImport(Library)]
    internal static partial int kt_set_active_span(ulong tracer, ulong context, ulong span);

    // ---- W3C trace context

    [LibraryImport(Library)]
    internal static partial int kt_context_extract(ulong context, byte* traceparent, nuint traceparentLen, byte* tracestate, nuint tracestateLen);

    [LibraryImport(Library)]
    internal static partial int kt_span_inject(ulong span, byte* buffer, nuint capacity, nuint* written);

    [LibraryImport(Library)]
    internal static partial int kt_span_tracestate(ulong span, byte* buffer, nuint capacity, nuint* written);

    [LibraryImport(Library)]
    internal static partial int kt_span_update_name(ulong span, byte* name, nuint nameLen);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_start_time(ulong span, long startTimeNs);

    [LibraryImport(Library)]
    internal static partial int kt_context_attach(ulong context, ulong span);

    [LibraryImport(Library)]
    internal static partial int kt_context_spans(ulong context, ulong* spans, nuint capacity, nuint* count);

    [LibraryImport(Library)]
    internal static partial int kt_context_set_should_sample(ulong context, int shouldSample);

    [LibraryImport(Library)]
    internal static partial int kt_trace_sampled(byte* traceId, double samplingRate, int* sampled);

    [LibraryImport(Library)]
    internal static partial int kt_context_keep_finished(ulong context, int keep);

    [LibraryImport(Library)]
    internal static partial int kt_start_span_in_trace(ulong tracer, ulong context, byte* name, nuint nameLen,
        KtSpanOptions* options, byte* traceId, byte* parentSpanId, ulong* output);

    // ---- reading a span, and the fields Kong's code writes

    [LibraryImport(Library)]
    internal static partial int kt_span_info(ulong span, KtSpanInfoNative* output);

    [LibraryImport(Library)]
    internal static partial int kt_span_attribute(ulong span, int eventIndex, nuint index, KtAttribute* output);

    [LibraryImport(Library)]
    internal static partial int kt_span_attribute_string(ulong span, int eventIndex, nuint index, nuint item, KtStr* output);

    [LibraryImport(Library)]
    internal static partial int kt_span_event(ulong span, nuint index, KtStr* name, long* timeNs, nuint* attributeCount);

    [LibraryImport(Library)]
    internal static partial int kt_span_remove_attribute(ulong span, byte* key, nuint keyLen);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_trace_id(ulong span, byte* traceId);

    [LibraryImport(Library)]
    internal static partial int kt_span_set_parent_id(ulong span, byte* parentSpanId);

    [LibraryImport(Library)]
    internal static partial int kt_span_withdraw(ulong span);

    // ---- trace-context formats

    [LibraryImport(Library)]
    internal static partial int kt_format_from_name(byte* name, nuint nameLen, int* output);

    [LibraryImport(Library)]
    internal static partial int kt_context_extract_headers(ulong context, int* formats, nuint formatCount, KtHeader* headers, nuint headerCount, int* usedFormat);

    [LibraryImport(Library)]
    internal static partial int kt_span_inject_headers(ulong span, int format, byte* buffer, nuint capacity, KtHeader* headers, nuint headerCapacity, nuint* headerCount);
}
