using System.Runtime.InteropServices;
using System.Text;
using Kt.Native.Interop;

namespace Kt.Native.Exports;

/// <summary>The input counters and the library's log: process-wide, usable before kt_init.</summary>
internal static unsafe class DiagnosticsExports
{
    // kt.h's KT_REASON_* values: the PropagationStatus values that refuse a header.
    private static bool IsReason(int reason) => reason is >= (int)PropagationStatus.BadLength and <= (int)PropagationStatus.DuplicateKey
        or (int)PropagationStatus.Missing or (int)PropagationStatus.BadSampling or (int)PropagationStatus.RepeatedHeader;

    private static readonly nint[] s_reasonNames = new nint[32];

    [UnmanagedCallersOnly(EntryPoint = "kt_input_counters")]
    public static int InputCountersExport(KtInputCounters* output)
    {
        try
        {
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            var c = InputProblems.Counters;
            *output = new KtInputCounters
            {
                ContextsRefused = (ulong)c.ContextsRefused,
                TracestatesDropped = (ulong)c.TracestatesDropped,
                ValuesRepaired = (ulong)c.ValuesRepaired,
                ValuesRefused = (ulong)c.ValuesRefused,
            };
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_input_counters", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_contexts_refused")]
    public static int ContextsRefused(int format, int reason, ulong* output)
    {
        try
        {
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            if (!Propagators.IsKnown((PropagationFormat)format))
                return LastError.Set(Status.InvalidArgument, $"format: {format} is not a KT_FORMAT_* value");
            if (reason != 0 && !IsReason(reason))
                return LastError.Set(Status.InvalidArgument, $"reason: {reason} is not 0 or a KT_REASON_* value");
            *output = (ulong)InputProblems.ContextsRefused((PropagationFormat)format, reason == 0 ? null : (PropagationStatus)reason);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_contexts_refused", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_tracestates_dropped")]
    public static int TracestatesDropped(int reason, ulong* output)
    {
        try
        {
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            if (reason != 0 && !IsReason(reason))
                return LastError.Set(Status.InvalidArgument, $"reason: {reason} is not 0 or a KT_REASON_* value");
            *output = (ulong)InputProblems.TracestatesDropped(reason == 0 ? null : (PropagationStatus)reason);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_tracestates_dropped", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_reason_name")]
    public static byte* ReasonName(int reason)
    {
        try
        {
            if (!IsReason(reason) || reason >= s_reasonNames.Length)
                return Unknown();
            // Made once and never freed: kt.h promises a static string.
            if (s_reasonNames[reason] == 0)
            {
                var name = Marshal.StringToCoTaskMemUTF8(PropagationStatusNames.NameOf((PropagationStatus)reason));
                if (Interlocked.CompareExchange(ref s_reasonNames[reason], name, 0) != 0)
                    Marshal.FreeCoTaskMem(name);
            }
            return (byte*)s_reasonNames[reason];
        }
        catch (Exception)
        {
            return Unknown();
        }
    }

    private static byte* Unknown()
    {
        fixed (byte* text = "unknown reason\0"u8)
            return text;
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_set_log_handler")]
    public static int SetLogHandler(delegate* unmanaged<void*, int, byte*, nuint, void> handler, void* user)
    {
        try
        {
            if (handler == null)
            {
                KtLog.SetHandler(null);
                return Status.Ok;
            }
            nint user_ = (nint)user;
            nint function = (nint)handler;
            KtLog.SetHandler((level, message) => Deliver(function, user_, level, message));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_set_log_handler", e);
        }
    }

    private static void Deliver(nint function, nint user, KtLogLevel level, string message)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(message) + 1];
        int length = Encoding.UTF8.GetBytes(message, bytes);
        fixed (byte* text = bytes)
            ((delegate* unmanaged<void*, int, byte*, nuint, void>)function)((void*)user, (int)level, text, (nuint)length);
    }
}
