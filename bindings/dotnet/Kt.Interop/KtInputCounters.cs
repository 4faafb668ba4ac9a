namespace Kt.Interop;

/// <summary>What requests sent that libkt refused or repaired, field for field as <c>kt_input_counters_t</c> carries them (for the whole process).</summary>
public readonly struct KtInputCounters
{
    internal KtInputCounters(in KtInputCountersNative c)
    {
        ContextsRefused = c.ContextsRefused;
        TracestatesDropped = c.TracestatesDropped;
        ValuesRepaired = c.ValuesRepaired;
        ValuesRefused = c.ValuesRefused;
    }

    /// <summary><c>contexts_refused</c>: requests whose trace-context headers were malformed; a new trace started.</summary>
    public ulong ContextsRefused { get; }

    /// <summary><c>tracestates_dropped</c>: tracestates dropped beside a valid traceparent, which was kept.</summary>
    public ulong TracestatesDropped { get; }

    /// <summary><c>values_repaired</c>: span text recorded with U+FFFD for invalid UTF-8 (<c>invalid_utf8=replace</c>).</summary>
    public ulong ValuesRepaired { get; }

    /// <summary><c>values_refused</c>: span text refused for invalid UTF-8.</summary>
    public ulong ValuesRefused { get; }
}
