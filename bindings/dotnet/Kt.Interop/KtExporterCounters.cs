namespace Kt.Interop;

/// <summary>The exporter's counters, field for field as <c>kt_exporter_counters_t</c> carries them.</summary>
public readonly struct KtExporterCounters
{
    internal KtExporterCounters(in KtExporterCountersNative c)
    {
        BatchesExported = c.BatchesExported;
        SpansExported = c.SpansExported;
        Retries = c.Retries;
        SpansRejected = c.SpansRejected;
        SpansFailed = c.SpansFailed;
        BytesSent = c.BytesSent;
    }

    /// <summary><c>batches_exported</c>: batches the receiver (or the file) took.</summary>
    public ulong BatchesExported { get; }

    /// <summary><c>spans_exported</c>: spans in them, less those rejected.</summary>
    public ulong SpansExported { get; }

    /// <summary><c>retries</c>: attempts repeated after a retryable failure.</summary>
    public ulong Retries { get; }

    /// <summary><c>spans_rejected</c>: spans the receiver rejected in partial successes.</summary>
    public ulong SpansRejected { get; }

    /// <summary><c>spans_failed</c>: spans dropped, not retryable or out of time.</summary>
    public ulong SpansFailed { get; }

    /// <summary><c>bytes_sent</c>: request bytes sent.</summary>
    public ulong BytesSent { get; }
}
