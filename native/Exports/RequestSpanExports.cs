using System.Runtime.InteropServices;
using Kt.Native.Interop;
using Kt.Sampling;

namespace Kt.Native.Exports;

/// <summary>
/// What Kong's plugins use beside the seed's calls: naming and timing a created span when it is
/// linked to a request, the request's open spans, its sampling decision, and the sampler itself.
/// </summary>
internal static unsafe class RequestSpanExports
{
    [UnmanagedCallersOnly(EntryPoint = "kt_span_update_name")]
    public static int UpdateName(ulong span, byte* name, nuint nameLen)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_update_name");
            int status = Arguments.SpanText(name, nameLen, "name", out var text);
            if (status != Status.Ok)
                return status;
            return span == 0 ? Status.Ok : Arguments.From(runtime.Engine.UpdateName((long)span, text), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_update_name", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_start_time")]
    public static int SetStartTime(ulong span, long startTimeNs)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_set_start_time");
            if (startTimeNs <= 0)
                return LastError.Set(Status.InvalidArgument, $"start_time_ns: {startTimeNs} is not a Unix time after 1970");
            return Arguments.From(SpanHandle.FromToken(runtime.Engine, (long)span).SetStartTime(startTimeNs), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_set_start_time", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_attach")]
    public static int Attach(ulong context, ulong span)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_attach");
            int status = runtime.RequiredContext(context, out var ctx);
            if (status != Status.Ok)
                return status;
            var result = ctx.Attach(SpanHandle.FromToken(runtime.Engine, (long)span));
            return result == KtStatus.InvalidArgument
                ? LastError.Set(Status.InvalidArgument, "span: it belongs to another context")
                : Arguments.From(result, "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_attach", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_spans")]
    public static int Spans(ulong context, ulong* spans, nuint capacity, nuint* count)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_spans");
            if (count == null)
                return LastError.Set(Status.InvalidArgument, "count: NULL pointer");
            if (spans == null && capacity != 0)
                return LastError.Set(Status.InvalidArgument, "spans: NULL pointer with a capacity of " + capacity);
            if (capacity > int.MaxValue)
                return LastError.Set(Status.InvalidArgument, $"capacity: {capacity} is too large");
            int status = runtime.RequiredContext(context, out var ctx);
            if (status != Status.Ok)
                return status;
            *count = (nuint)ctx.CopyOpenSpans(new Span<long>(spans, (int)capacity));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_spans", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_set_should_sample")]
    public static int SetShouldSample(ulong context, int shouldSample)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_set_should_sample");
            if (shouldSample is not (0 or 1))
                return LastError.Set(Status.InvalidArgument, $"should_sample: {shouldSample} is not 0 or 1");
            int status = runtime.RequiredContext(context, out var ctx);
            if (status != Status.Ok)
                return status;
            ctx.SetShouldSample(shouldSample == 1);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_set_should_sample", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_keep_finished")]
    public static int KeepFinished(ulong context, int keep)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_keep_finished");
            if (keep is not (0 or 1))
                return LastError.Set(Status.InvalidArgument, $"keep: {keep} is not 0 or 1");
            int status = runtime.RequiredContext(context, out var ctx);
            if (status != Status.Ok)
                return status;
            ctx.KeepsFinishedSpans = keep == 1;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_keep_finished", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_trace_sampled")]
    public static int TraceSampled(byte* traceId, double samplingRate, int* sampled)
    {
        try
        {
            if (traceId == null)
                return LastError.Set(Status.InvalidArgument, "trace_id: NULL pointer");
            if (sampled == null)
                return LastError.Set(Status.InvalidArgument, "sampled: NULL pointer");
            if (!(samplingRate >= 0 && samplingRate <= 1))
                return LastError.Set(Status.InvalidArgument, $"sampling_rate: {samplingRate} is not between 0 and 1");
            var id = TraceId.FromBytes(new ReadOnlySpan<byte>(traceId, 16));
            if (!id.IsValid)
                return LastError.Set(Status.InvalidArgument, "trace_id: all zero");
            *sampled = new RatioSampler(samplingRate).ShouldSample(id) ? 1 : 0;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_trace_sampled", e);
        }
    }
}
