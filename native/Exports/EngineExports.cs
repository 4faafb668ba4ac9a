using System.Runtime.InteropServices;
using Kt.Native.Interop;

namespace Kt.Native.Exports;

/// <summary>kt_init, kt_shutdown, kt_flush, kt_counters.</summary>
internal static unsafe class EngineExports
{
    [UnmanagedCallersOnly(EntryPoint = "kt_init")]
    public static int Init(KtOption* options, nuint count)
    {
        try
        {
            if (NativeRuntime.Current is not null)
                return LastError.Set(Status.AlreadyInitialized, "kt_init: the engine is already initialised; call kt_shutdown first");
            int status = OptionParser.Parse(options, count, out var engine, out var global);
            return status != Status.Ok ? status : NativeRuntime.Start(engine, global);
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_init", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_shutdown")]
    public static int Shutdown(long timeoutMs)
    {
        try
        {
            if (timeoutMs < 0)
                return LastError.Set(Status.InvalidArgument, $"timeout_ms: {timeoutMs} is negative");
            return NativeRuntime.Stop(Timeout(timeoutMs));
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_shutdown", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_flush")]
    public static int Flush(long timeoutMs)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_flush");
            if (timeoutMs < 0)
                return LastError.Set(Status.InvalidArgument, $"timeout_ms: {timeoutMs} is negative");
            var timeout = Timeout(timeoutMs);
            return runtime.Reported("kt_flush", runtime.Engine.Flush(timeout), timeout);
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_flush", e);
        }
    }

    // Waits longer than int.MaxValue milliseconds (24 days) are as good as forever, and are
    // the most that thread joins and timed waits take.
    private static TimeSpan Timeout(long milliseconds) => TimeSpan.FromMilliseconds(Math.Min(milliseconds, int.MaxValue));

    [UnmanagedCallersOnly(EntryPoint = "kt_counters")]
    public static int Counters(KtCounters* output)
    {
        try
        {
            var runtime = NativeRuntime.CurrentOrStopped;
            if (runtime is null)
                return Fail.NotInitialized("kt_counters");
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            var c = runtime.Engine.ReadCounters();
            *output = new KtCounters
            {
                SpansStarted = (ulong)c.SpansStarted,
                SpansFinished = (ulong)c.SpansFinished,
                SpansSampledOut = (ulong)c.SpansSampledOut,
                SpansReleased = (ulong)c.SpansReleased,
                DroppedNoSlot = (ulong)c.DroppedNoSlot,
                DroppedQueueFull = (ulong)c.DroppedQueueFull,
                DroppedAfterShutdown = (ulong)c.DroppedAfterShutdown,
                SpansExported = (ulong)c.SpansExported,
                ExportFailedSpans = (ulong)c.ExportFailedSpans,
                SlotsInUse = (ulong)Math.Max(0, c.SlotsInUse),
            };
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_counters", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_exporter_counters")]
    public static int ExporterCounters(KtExporterCounters* output)
    {
        try
        {
            var runtime = NativeRuntime.CurrentOrStopped;
            if (runtime is null)
                return Fail.NotInitialized("kt_exporter_counters");
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            var c = runtime.Engine.Options.Exporter is Export.Otlp.ICountingExporter counting ? counting.Counters : default;
            *output = new KtExporterCounters
            {
                BatchesExported = (ulong)c.BatchesExported,
                SpansExported = (ulong)c.SpansExported,
                Retries = (ulong)c.Retries,
                SpansRejected = (ulong)c.SpansRejected,
                SpansFailed = (ulong)c.SpansFailed,
                BytesSent = (ulong)c.BytesSent,
            };
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_exporter_counters", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_exporter_last_error")]
    public static int ExporterLastError(byte* buffer, nuint capacity, nuint* written)
    {
        try
        {
            var runtime = NativeRuntime.CurrentOrStopped;
            if (runtime is null)
                return Fail.NotInitialized("kt_exporter_last_error");
            if (written == null)
                return LastError.Set(Status.InvalidArgument, "written: NULL pointer");
            if (buffer == null && capacity > 0)
                return LastError.Set(Status.InvalidArgument, $"buffer: NULL pointer with capacity {capacity}");
            var message = (runtime.Engine.Options.Exporter as Export.Otlp.ICountingExporter)?.Counters.LastError ?? "";
            int length = System.Text.Encoding.UTF8.GetByteCount(message);
            if ((nuint)length > capacity)
                return LastError.Set(Status.BufferTooSmall, $"buffer: capacity {capacity} is less than the message's {length} bytes");
            System.Text.Encoding.UTF8.GetBytes(message, new Span<byte>(buffer, length));
            *written = (nuint)length;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_exporter_last_error", e);
        }
    }
}
