using System.Numerics;
using Kt.Diagnostics;

namespace Kt;

/// <summary>
/// Counts what requests send that kt refuses or repairs, and reports each kind of problem in
/// at most one log line a second (<see cref="KtLog"/>), with the count since the previous
/// line and one example, quoted safely. Process-wide, lock-free, and allocation-free except
/// when a line is written.
/// </summary>
public static class InputProblems
{
    // Indexed by format (None..Gcp) and reason (every PropagationStatus value).
    private const int Formats = (int)PropagationFormat.Gcp + 1;
    private const int Reasons = 32;

    private static readonly long[] s_contextsRefused = new long[Formats * Reasons];
    private static readonly long[] s_tracestatesDropped = new long[Reasons];
    private static long s_valuesRepaired;
    private static long s_valuesRefused;

    private static readonly ReportLimiter s_contextLines = new();
    private static readonly ReportLimiter s_tracestateLines = new();
    private static readonly ReportLimiter s_repairedLines = new();
    private static readonly ReportLimiter s_refusedLines = new();

    /// <summary>The totals.</summary>
    public static InputCounters Counters
    {
        get
        {
            long contexts = 0, tracestates = 0;
            foreach (ref long n in s_contextsRefused.AsSpan())
                contexts += Volatile.Read(ref n);
            foreach (ref long n in s_tracestatesDropped.AsSpan())
                tracestates += Volatile.Read(ref n);
            return new InputCounters
            {
                ContextsRefused = contexts,
                TracestatesDropped = tracestates,
                ValuesRepaired = Volatile.Read(ref s_valuesRepaired),
                ValuesRefused = Volatile.Read(ref s_valuesRefused),
            };
        }
    }

    /// <summary>Requests whose headers of <paramref name="format"/> were refused for <paramref name="reason"/> (null: for any reason).</summary>
    public static long ContextsRefused(PropagationFormat format, PropagationStatus? reason = null)
    {
        if (format is <= PropagationFormat.None or > PropagationFormat.Gcp)
            return 0;
        return Sum(s_contextsRefused.AsSpan((int)format * Reasons, Reasons), reason);
    }

    /// <summary>Tracestate headers dropped for <paramref name="reason"/> (null: for any reason).</summary>
    public static long TracestatesDropped(PropagationStatus? reason = null) => Sum(s_tracestatesDropped, reason);

    private static long Sum(ReadOnlySpan<long> row, PropagationStatus? reason)
    {
        if (reason is { } r)
            return (int)r is >= 0 and < Reasons ? Volatile.Read(in row[(int)r]) : 0;
        long sum = 0;
        foreach (long n in row)
            sum += n;
        return sum;
    }

    internal static void ContextRefused<TChar>(PropagationFormat format, PropagationStatus reason, string? header, ReadOnlySpan<TChar> value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        if (format is > PropagationFormat.None and <= PropagationFormat.Gcp && (int)reason is >= 0 and < Reasons)
            Interlocked.Increment(ref s_contextsRefused[(int)format * Reasons + (int)reason]);
        if (s_contextLines.Occurred(out long count))
        {
            KtLog.Write(KtLogLevel.Info,
                $"{Times(count, "trace context")} refused (no parent taken, a new trace started) since the last report; " +
                $"e.g. {PropagationFormatNames.NameOf(format)} {header}: {PropagationStatusNames.NameOf(reason)}: {ExampleText.Quote(value)}");
        }
    }

    internal static void TracestateDropped<TChar>(PropagationStatus reason, ReadOnlySpan<TChar> value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        if ((int)reason is >= 0 and < Reasons)
            Interlocked.Increment(ref s_tracestatesDropped[(int)reason]);
        if (s_tracestateLines.Occurred(out long count))
        {
            KtLog.Write(KtLogLevel.Info,
                $"{Times(count, "tracestate")} dropped (the traceparent was kept) since the last report; " +
                $"e.g. {PropagationStatusNames.NameOf(reason)}: {ExampleText.Quote(value)}");
        }
    }

    internal static void ValueRepaired<TChar>(ReadOnlySpan<TChar> value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        Interlocked.Increment(ref s_valuesRepaired);
        if (s_repairedLines.Occurred(out long count))
        {
            KtLog.Write(KtLogLevel.Info,
                $"{Times(count, "value")} with invalid UTF-8 recorded with U+FFFD in its place since the last report; e.g. {ExampleText.Quote(value)}");
        }
    }

    internal static void ValueRefused<TChar>(ReadOnlySpan<TChar> value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        Interlocked.Increment(ref s_valuesRefused);
        if (s_refusedLines.Occurred(out long count))
        {
            KtLog.Write(KtLogLevel.Warning,
                $"{Times(count, "value")} refused for invalid UTF-8 since the last report (invalid_utf8=replace records them repaired); e.g. {ExampleText.Quote(value)}");
        }
    }

    private static string Times(long count, string what) => count == 1 ? $"1 {what}" : $"{count} {what}s";
}
