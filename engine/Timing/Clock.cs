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
    private static ClockCalibration s_calibration = ClockCalibration.Measure(s_tsc);

    /// <summary>True when ticks come from the CPU's time-stamp counter.</summary>
    public static bool UsesTsc => s_tsc;

    /// <summary>The current tick count; only differences and <see cref="ToUnixNanoseconds"/> give it meaning.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Now() => s_tsc ? (long)TscReader.Read() : Stopwatch.GetTimestamp();

    /// <summary>Ticks per second, as last calibrated.</summary>
    public static double TicksPerSecond => s_calibration.TicksPerSecond;

    /// <summary>Converts ticks to nanoseconds since the Unix epoch.</summary>
    public static long ToUnixNanoseconds(long ticks) => s_calibration.ToUnixNanoseconds(ticks);

    /// <summary>The current time in nanoseconds since the Unix epoch, read the slow way.</summary>
    public static long UnixNanosecondsNow() => ClockCalibration.RealtimeNanoseconds();

    /// <summary>
    /// Re-measures the tick rate against the monotonic clock over the time since start-up; the
    /// longer baseline makes the rate more exact. Called off the hot path (the exporter thread).
    /// </summary>
    public static void Refine() => s_calibration = s_calibration.Refined(s_tsc);
}
