using System.Diagnostics;

namespace Kt.Timing;

/// <summary>An anchor pairing a tick count with Unix time, and the tick rate.</summary>
internal readonly struct ClockCalibration
{
    private const long SpinNanoseconds = 2_000_000;

    private readonly long _anchorTicks;
    private readonly long _anchorUnixNs;
    private readonly long _anchorMonotonic;
    private readonly double _nanosecondsPerTick;

    private ClockCalibration(long anchorTicks, long anchorUnixNs, long anchorMonotonic, double ticksPerSecond)
    {
        _anchorTicks = anchorTicks;
        _anchorUnixNs = anchorUnixNs;
        _anchorMonotonic = anchorMonotonic;
        TicksPerSecond = ticksPerSecond;
        _nanosecondsPerTick = 1e9 / ticksPerSecond;
    }

    public double TicksPerSecond { get; }

    public long ToUnixNanoseconds(long ticks) => _anchorUnixNs + (long)((ticks - _anchorTicks) * _nanosecondsPerTick);

    /// <summary>A stored time stamp in Unix nanoseconds: converted if it is ticks, as it is if it was given in Unix nanoseconds.</summary>
    public long ToUnixNanoseconds(long stamp, bool isUnixNanoseconds) => isUnixNanoseconds ? stamp : ToUnixNanoseconds(stamp);

    public static unsafe ClockCalibration Measure(bool tsc)
    {
        long unix = RealtimeNanoseconds();
        long mono = Stopwatch.GetTimestamp();
        if (!tsc)
            return new ClockCalibration(mono, unix, mono, Stopwatch.Frequency);
        long ticks = (long)TscReader.Read();
        long spinUntil = mono + SpinNanoseconds * Stopwatch.Frequency / 1_000_000_000;
        long monoEnd;
        while ((monoEnd = Stopwatch.GetTimestamp()) < spinUntil)
        {
        }
        long ticksEnd = (long)TscReader.Read();
        double seconds = (monoEnd - mono) / (double)Stopwatch.Frequency;
        return new ClockCalibration(ticks, unix, mono, (ticksEnd - ticks) / seconds);
    }

    public unsafe ClockCalibration Refined(bool tsc)
    {
        if (!tsc)
            return this;
        long mono = Stopwatch.GetTimestamp();
        long ticks = (long)TscReader.Read();
        double seconds = (mono - _anchorMonotonic) / (double)Stopwatch.Frequency;
        if (seconds < 0.5)
            return this;
        return new ClockCalibration(_anchorTicks, _anchorUnixNs, _anchorMonotonic, (ticks - _anchorTicks) / seconds);
    }

    public static long RealtimeNanoseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
