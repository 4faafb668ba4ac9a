namespace Kt.Export;

/// <summary>
/// Receives finished spans on the engine's exporter thread, one batch at a time. The views
/// are valid only during the call: copy or encode what is needed before returning.
/// </summary>
public interface ISpanExporter
{
    /// <summary>Exports a batch; false counts its spans as failed.</summary>
    bool Export(in SpanBatch batch);

    /// <summary>Called once, after the last batch.</summary>
    void Shutdown();
}
