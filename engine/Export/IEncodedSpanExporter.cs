namespace Kt.Export;

/// <summary>
/// An exporter that takes spans already encoded. The engine asks it for a
/// <see cref="ISpanRecordWriter"/> per thread, encodes each span as it finishes, and hands
/// the exporter thread batches of those records instead of <see cref="SpanBatch"/>es.
/// </summary>
public interface IEncodedSpanExporter : ISpanExporter
{
    /// <summary>False when this exporter, as configured, takes <see cref="SpanBatch"/>es after all.</summary>
    bool TakesRecords { get; }

    /// <summary>A writer for one more thread that finishes spans; called once per thread.</summary>
    ISpanRecordWriter CreateRecordWriter();

    /// <summary>Exports a batch of records; false counts its spans as failed.</summary>
    bool Export(in SpanRecordBatch batch);
}
