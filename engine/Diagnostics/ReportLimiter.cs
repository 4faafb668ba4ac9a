namespace Kt.Diagnostics;

/// <summary>
/// One kind of problem's rate limit: occurrences are counted, and at most one thread a
/// second is told to write a line, with the count since the previous line. Lock-free: a
/// hostile request per microsecond costs an atomic add and a clock read each.
/// </summary>
internal sealed class ReportLimiter
{
    public const long IntervalMilliseconds = 1000;

    private long _pending;
    private long _lastLine = long.MinValue / 2;

    /// <summary>
    /// Counts one occurrence. True when the caller should write the line now, with
    /// <paramref name="count"/> occurrences since the last line, this one included.
    /// </summary>
    public bool Occurred(out long count)
    {
        Interlocked.Increment(ref _pending);
        long now = Environment.TickCount64;
        long last = Volatile.Read(ref _lastLine);
        if (now - last < IntervalMilliseconds || Interlocked.CompareExchange(ref _lastLine, now, last) != last)
        {
            count = 0;
            return false;
        }
        count = Interlocked.Exchange(ref _pending, 0);
        return count > 0;
    }
}
