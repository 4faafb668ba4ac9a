namespace Kt.Export.Otlp;

/// <summary>What an OTLP exporter has sent, retried and lost.</summary>
public readonly record struct ExporterCounters
{
    /// <summary>Batches the receiver accepted.</summary>
    public long BatchesExported { get; init; }

    /// <summary>Spans in accepted batches, less those the receiver said it rejected.</summary>
    public long SpansExported { get; init; }

    /// <summary>Attempts repeated after a retryable failure.</summary>
    public long Retries { get; init; }

    /// <summary>Spans the receiver rejected in a partial success.</summary>
    public long SpansRejected { get; init; }

    /// <summary>Spans dropped: a status that is not retried, or retries that ran out of time.</summary>
    public long SpansFailed { get; init; }

    /// <summary>Request body bytes sent, compressed where compression is on.</summary>
    public long BytesSent { get; init; }

    /// <summary>The last failure, or null.</summary>
    public string? LastError { get; init; }
}
