using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Kt.Timing;

/// <summary>
/// The span clock. The hot path reads raw ticks (the TSC where it is invariant, else the
/// monotonic clock); ticks become Unix nanoseconds only when a span is read for export.
/// </summary>
public static unsafe class Clock
{
    private static readonly bool s_tsc = TscReader.Read != null;
    private static readonly Lock s_refineLock = new();
    private static ClockCalibration s_calibration = ClockCalibration.Measure(s_tsc);

    // A sequence lock around s_calibration: odd while it is being replaced. Readers (exporter
    // threads converting ticks) retry rather than read a half-written calibration; replacing
    // it in place keeps the exporter free of allocation.
    private static int s_version;

    /// <summary>True when ticks come from the CPU's time-stamp counter.</summary>
    public static bool UsesTsc => s_tsc;

    /// <summary>The current tick count; only differences and <see cref="ToUnixNanoseconds"/> give it meaning.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Now() => s_tsc ? (long)TscReader.Read() : Stopwatch.GetTimestamp();

    /// <summary>Ticks per second, as last calibrated.</summary>
    public static double TicksPerSecond => Read().TicksPerSecond;

    /// <summary>Converts ticks to nanoseconds since the Unix epoch.</summary>
    public static long ToUnixNanoseconds(long ticks) => Read().ToUnixNanoseconds(ticks);

    /// <summary>
    /// The calibration as it is now, for an exporter to convert a whole batch's ticks with one
    /// read instead of one synchronised read per time stamp.
    /// </summary>
    internal static ClockCalibration Current => Read();

    private static ClockCalibration Read()
    {
        var spinner = default(SpinWait);
        while (true)
        {
            int version = Volatile.Read(ref s_version);
            if ((version & 1) == 0)
            {
                var calibration = s_calibration;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref s_version) == version)
                    return calibration;
            }
            spinner.SpinOnce();
        }
    }

    /// <summary>The current time in nanoseconds since the Unix epoch, read the slow way.</summary>
    public static long UnixNanosecondsNow() => ClockCalibration.RealtimeNanoseconds();

    /// <summary>
    /// Re-measures the tick rate against the monotonic clock over the time since start-up; the
    /// longer baseline makes the rate more exact, so converted times do not drift from the wall
    /// clock. Called off the hot path, by exporter threads, about once a second.
    /// </summary>
    public static void Refine()
    {
        lock (s_refineLock)
        {
            var refined = s_calibration.Refined(s_tsc);
            Interlocked.Increment(ref s_version);
            s_calibration = refined;
            Interlocked.Increment(ref s_version);
        }
    }
}
