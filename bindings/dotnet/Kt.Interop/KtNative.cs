using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Kt.Interop;

/// <summary>
/// The engine inside libkt: one per process, shared by every caller of the library, managed
/// or native. Every method returns the library's status as a <see cref="KtResult"/>; engine
/// statuses never throw.
/// </summary>
public static class KtNative
{
    /// <summary>
    /// Starts the engine (<c>kt_init</c>) with the given settings; an unknown key or a bad value
    /// gives <see cref="KtResult.InvalidArgument"/> and <see cref="LastError"/> names it.
    /// This call allocates (it transcodes the settings); nothing after it needs to.
    /// </summary>
    /// <param name="settings">Settings such as <c>max_spans</c>, <c>sampling_rate</c>; see kt.h.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidArgument"/>, <see cref="KtResult.AlreadyInitialized"/> or <see cref="KtResult.Internal"/>.</returns>
    /// <exception cref="InvalidOperationException">The library's ABI version is not <see cref="KtLibrary.ExpectedAbiVersion"/>.</exception>
    public static unsafe KtResult Init(ReadOnlySpan<KtSetting> settings = default)
    {
        KtLibrary.EnsureCompatible();
        if (settings.IsEmpty)
            return (KtResult)NativeMethods.kt_init(null, 0);

        // All keys and values in one buffer, so one pin covers them.
        var offsets = new (int Key, int KeyLength, int Value, int ValueLength)[settings.Length];
        var text = new List<byte>();
        for (int i = 0; i < settings.Length; i++)
        {
            int key = text.Count;
            AppendStrict(text, settings[i].Key);
            int value = text.Count;
            AppendStrict(text, settings[i].Value);
            offsets[i] = (key, value - key, value, text.Count - value);
        }
        var bytes = text.ToArray();
        var options = new KtOption[settings.Length];
        fixed (byte* b = bytes)
        fixed (KtOption* o = options)
        {
            for (int i = 0; i < options.Length; i++)
            {
                var (key, keyLength, value, valueLength) = offsets[i];
                o[i].Key = new KtStr(keyLength == 0 ? null : b + key, (nuint)keyLength);
                o[i].Value = new KtStr(valueLength == 0 ? null : b + value, (nuint)valueLength);
            }
            return (KtResult)NativeMethods.kt_init(o, (nuint)options.Length);
        }
    }

    // UTF-8 of a setting; a lone surrogate becomes 0xFF so the library names the bad setting.
    private static void AppendStrict(List<byte> to, string? text)
    {
        if (string.IsNullOrEmpty(text))
            return;
        var utf8 = new byte[text.Length * 3];
        if (Utf8.FromUtf16(text, utf8, out _, out int written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            to.Add(0xFF);
            return;
        }
        to.AddRange(utf8.AsSpan(0, written));
    }

    /// <summary>
    /// Exports what has finished, stops the exporter thread and makes new spans no-ops
    /// (<c>kt_shutdown</c>), waiting at most <paramref name="timeout"/> (rounded up to whole
    /// milliseconds; a negative one is <see cref="KtResult.InvalidArgument"/>). Handles stay safe
    /// to use; <see cref="Init"/> may be called again afterwards. A wait longer than
    /// <see cref="int.MaxValue"/> milliseconds (about 24.8 days) is clamped to it. The counters stay
    /// readable (<see cref="Counters"/>, <see cref="ExporterCounters"/>) until the next <see cref="Init"/>.
    /// </summary>
    /// <param name="timeout">How long to wait for the export.</param>
    /// <returns>
    /// <see cref="KtResult.Ok"/>; <see cref="KtResult.SpansLost"/> when spans were lost since the last
    /// flush or shutdown that reported; <see cref="KtResult.Timeout"/> when the time ran out (what was
    /// still waiting is counted in <see cref="KtCounters.DroppedAfterShutdown"/>); either way
    /// <see cref="LastError"/> says how many spans were lost. Also <see cref="KtResult.NotInitialized"/>
    /// or <see cref="KtResult.InvalidArgument"/>.
    /// </returns>
    public static KtResult Shutdown(TimeSpan timeout) => (KtResult)NativeMethods.kt_shutdown(Milliseconds(timeout));

    /// <summary>Exports every span finished before the call (<c>kt_flush</c>), waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait (rounded up to whole milliseconds, at most <see cref="int.MaxValue"/>; negative is refused).</param>
    /// <returns>
    /// <see cref="KtResult.Ok"/>; <see cref="KtResult.SpansLost"/> when spans were lost since the last
    /// flush or shutdown that reported (dropped for a full queue, failed to export, rejected by the
    /// receiver: <see cref="LastError"/> says how many); <see cref="KtResult.Timeout"/>,
    /// <see cref="KtResult.NotInitialized"/> or <see cref="KtResult.InvalidArgument"/>.
    /// </returns>
    public static KtResult Flush(TimeSpan timeout) => (KtResult)NativeMethods.kt_flush(Milliseconds(timeout));

    /// <summary>Reads the engine's counters (<c>kt_counters</c>); after <see cref="Shutdown"/>, the final ones, until the next <see cref="Init"/>.</summary>
    /// <param name="counters">The counters; all zero unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/> or <see cref="KtResult.NotInitialized"/> (before the first <see cref="Init"/>).</returns>
    public static unsafe KtResult Counters(out KtCounters counters)
    {
        KtCountersNative native = default;
        var result = (KtResult)NativeMethods.kt_counters(&native);
        counters = result == KtResult.Ok ? new KtCounters(native) : default;
        return result;
    }

    /// <summary>Reads the exporter's counters (<c>kt_exporter_counters</c>): what it sent, retried and lost.</summary>
    /// <param name="counters">The counters; all zero unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public static unsafe KtResult ExporterCounters(out KtExporterCounters counters)
    {
        KtExporterCountersNative native = default;
        var result = (KtResult)NativeMethods.kt_exporter_counters(&native);
        counters = result == KtResult.Ok ? new KtExporterCounters(native) : default;
        return result;
    }

    /// <summary>Reads what requests sent that libkt refused or repaired (<c>kt_input_counters</c>); works before <see cref="Init"/>.</summary>
    public static unsafe KtInputCounters InputCounters()
    {
        KtInputCountersNative native = default;
        NativeMethods.kt_input_counters(&native);
        return new KtInputCounters(native);
    }

    /// <summary>Requests whose headers of <paramref name="format"/> were refused for <paramref name="reason"/> (<c>kt_contexts_refused</c>).</summary>
    /// <returns><see cref="KtResult.Ok"/>, or <see cref="KtResult.InvalidArgument"/> for an unknown format or reason.</returns>
    public static unsafe KtResult ContextsRefused(NativePropagationFormat format, KtRefusalReason reason, out ulong count)
    {
        ulong n = 0;
        var result = (KtResult)NativeMethods.kt_contexts_refused((int)format, (int)reason, &n);
        count = n;
        return result;
    }

    /// <summary>Tracestates dropped for <paramref name="reason"/> (<c>kt_tracestates_dropped</c>).</summary>
    /// <returns><see cref="KtResult.Ok"/>, or <see cref="KtResult.InvalidArgument"/> for an unknown reason.</returns>
    public static unsafe KtResult TracestatesDropped(KtRefusalReason reason, out ulong count)
    {
        ulong n = 0;
        var result = (KtResult)NativeMethods.kt_tracestates_dropped((int)reason, &n);
        count = n;
        return result;
    }

    /// <summary>The reason's name as libkt's lines and counters show it (<c>kt_reason_name</c>): <c>bad_trace_id</c>...</summary>
    public static unsafe string ReasonName(KtRefusalReason reason) =>
        System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)NativeMethods.kt_reason_name((int)reason))!;

    /// <summary>
    /// The exporter's last failure (<c>kt_exporter_last_error</c>), naming the endpoint and the
    /// status; "" when it has not failed. Allocates a string: for diagnostics.
    /// </summary>
    public static unsafe string ExporterLastError
    {
        get
        {
            byte* buffer = stackalloc byte[1024];
            nuint written = 0;
            return (KtResult)NativeMethods.kt_exporter_last_error(buffer, 1024, &written) == KtResult.Ok
                ? System.Text.Encoding.UTF8.GetString(buffer, (int)written)
                : "";
        }
    }

    /// <summary>
    /// The calling thread's message for its last failed call (<c>kt_last_error</c>), naming the
    /// argument that was wrong; "" if none. Allocates a string: for diagnostics, not hot paths.
    /// </summary>
    public static unsafe string LastError => Marshal.PtrToStringUTF8((IntPtr)NativeMethods.kt_last_error()) ?? "";

    /// <summary>The library's name for a status (<c>kt_errstr</c>), e.g. "success"; "unknown status" for other values.</summary>
    /// <param name="result">The status to name.</param>
    /// <returns>The message, as a new string.</returns>
    public static unsafe string ErrorString(KtResult result) => Marshal.PtrToStringUTF8((IntPtr)NativeMethods.kt_errstr((int)result)) ?? "";

    /// <summary>The format of a name (<c>kt_format_from_name</c>): "w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "aws" or "gcp", in any case. Works before <see cref="Init"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="format">The format; <see cref="NativePropagationFormat.None"/> unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/> or <see cref="KtResult.InvalidArgument"/> (<see cref="LastError"/> quotes the name).</returns>
    public static unsafe KtResult FormatFromName(ReadOnlySpan<char> name, out NativePropagationFormat format)
    {
        using var n = new Utf8Arg(name, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* np = n)
            return FormatFromName(np, n.Length, out format);
    }

    /// <summary>The format of a UTF-8 name (<c>kt_format_from_name</c>); see the UTF-16 overload.</summary>
    /// <param name="utf8Name">The name, UTF-8.</param>
    /// <param name="format">The format; <see cref="NativePropagationFormat.None"/> unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns>As the UTF-16 overload.</returns>
    public static unsafe KtResult FormatFromName(ReadOnlySpan<byte> utf8Name, out NativePropagationFormat format)
    {
        fixed (byte* np = utf8Name)
            return FormatFromName(np, (nuint)utf8Name.Length, out format);
    }

    private static unsafe KtResult FormatFromName(byte* name, nuint length, out NativePropagationFormat format)
    {
        int value = 0;
        var result = (KtResult)NativeMethods.kt_format_from_name(name, length, &value);
        format = result == KtResult.Ok ? (NativePropagationFormat)value : NativePropagationFormat.None;
        return result;
    }

    /// <summary>Calls <c>kt_nop</c>, which does nothing: the cost of one call into the library.</summary>
    /// <returns><see cref="KtResult.Ok"/>.</returns>
    public static KtResult Nop() => (KtResult)NativeMethods.kt_nop();

    /// <summary>The sampler's decision for a 16-byte trace id at a rate (<c>kt_trace_sampled</c>, Kong's get_sampling_decision).</summary>
    public static unsafe KtResult TraceSampled(ReadOnlySpan<byte> traceId, double samplingRate, out bool sampled)
    {
        sampled = false;
        if (traceId.Length != 16)
            return KtResult.InvalidArgument;
        int decision = 0, result;
        fixed (byte* p = traceId)
            result = NativeMethods.kt_trace_sampled(p, samplingRate, &decision);
        sampled = decision == 1;
        return (KtResult)result;
    }

    /// <summary>The longest wait passed to the library: the most every libkt build accepts.</summary>
    internal const long MaxTimeoutMs = int.MaxValue;

    // Whole milliseconds, rounded up, at most MaxTimeoutMs; negative stays negative, so the
    // library refuses it and names timeout_ms. (libkt 0.1.0 answers KT_E_INTERNAL to waits
    // above int.MaxValue ms in kt_shutdown and above ~2^63 ticks in kt_flush; no caller needs them.)
    internal static long Milliseconds(TimeSpan timeout)
    {
        long ticks = timeout.Ticks;
        if (ticks < 0)
            return Math.Min(-1, ticks / TimeSpan.TicksPerMillisecond);
        long ms = ticks / TimeSpan.TicksPerMillisecond + (ticks % TimeSpan.TicksPerMillisecond != 0 ? 1 : 0);
        return Math.Min(ms, MaxTimeoutMs);
    }
}
