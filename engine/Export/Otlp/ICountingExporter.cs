namespace Kt.Export.Otlp;

/// <summary>An exporter that counts what it sent, retried and lost.</summary>
public interface ICountingExporter
{
    /// <summary>What the exporter has done so far.</summary>
    ExporterCounters Counters { get; }
}
