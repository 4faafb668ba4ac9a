using System.Runtime.InteropServices;
using Kt.Native.Interop;

namespace Kt.Native.Exports;

/// <summary>Tracers, contexts, the active span and incoming W3C headers.</summary>
internal static unsafe class ContextExports
{
    [UnmanagedCallersOnly(EntryPoint = "kt_tracer_new")]
    public static int TracerNew(byte* name, nuint nameLen, double samplingRate, byte* ns, nuint nsLen, ulong* output)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_tracer_new");
            int status = Arguments.NotNull(output, "out");
            if (status != Status.Ok)
                return status;
            status = Arguments.Text(name, nameLen, "name", out var nameBytes);
            if (status != Status.Ok)
                return status;
            if (nameLen == 0)
                return LastError.Set(Status.InvalidArgument, "name: empty");
            status = Arguments.Text(ns, nsLen, "ns", out var nsBytes);
            if (status != Status.Ok)
                return status;
            if (!(samplingRate >= 0 && samplingRate <= 1))
                return LastError.Set(Status.InvalidArgument, $"sampling_rate: {samplingRate} is not between 0 and 1");
            var tracerName = System.Text.Encoding.UTF8.GetString(nameBytes);
            var options = new TracerOptions
            {
                SamplingRate = samplingRate,
                Namespace = nsLen == 0 ? null : System.Text.Encoding.UTF8.GetString(nsBytes),
            };
            var tracer = runtime.Engine.CreateTracer(tracerName, options);
            *output = runtime.Tracers.Add(() => tracer, out _);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_tracer_new", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_begin")]
    public static int ContextBegin(ulong* output)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_begin");
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            *output = runtime.Contexts.Add(static () => new TraceContext(), out _);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_begin", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_end")]
    public static int ContextEnd(ulong context)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_end");
            int status = runtime.RequiredContext(context, out var found);
            if (status != Status.Ok)
                return status;
            found.End();
            return runtime.Contexts.Free(context);
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_end", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_active_span")]
    public static int ActiveSpan(ulong tracer, ulong context, ulong* output)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_active_span");
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            int status = runtime.Tracer(tracer, out var t);
            if (status != Status.Ok)
                return status;
            status = runtime.Context(context, out var ctx);
            if (status != Status.Ok)
                return status;
            *output = ctx is null ? 0 : (ulong)t!.ActiveSpan(ctx).Token;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_active_span", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_set_active_span")]
    public static int SetActiveSpan(ulong tracer, ulong context, ulong span)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_set_active_span");
            int status = runtime.Tracer(tracer, out var t);
            if (status != Status.Ok)
                return status;
            status = runtime.RequiredContext(context, out var ctx);
            if (status != Status.Ok)
                return status;
            return Arguments.From(t!.SetActiveSpan(SpanHandle.FromToken(runtime.Engine, (long)span), ctx), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_set_active_span", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_extract")]
    public static int Extract(ulong context, byte* traceparent, nuint traceparentLen, byte* tracestate, nuint tracestateLen)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_extract");
            int status = runtime.RequiredContext(context, out var ctx);
            if (status != Status.Ok)
                return status;
            // The headers' bytes are the parser's to judge, as kt_context_extract_headers's are:
            // a tracestate that is not UTF-8 is a bad tracestate, dropped beside a valid parent.
            status = Arguments.Bytes(traceparent, traceparentLen, "traceparent", out var parent);
            ReadOnlySpan<byte> state = default;
            if (status == Status.Ok)
                status = Arguments.Bytes(tracestate, tracestateLen, "tracestate", out state);
            if (status != Status.Ok)
            {
                ctx.ClearRemoteParent();
                return status;
            }
            var result = ctx.Extract(parent, state);
            return result == PropagationStatus.Ok ? Status.Ok
                : LastError.Set(Status.InvalidArgument, $"traceparent: not a valid W3C traceparent ({PropagationStatusNames.NameOf(result)})");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_extract", e);
        }
    }
}
