using System.Diagnostics;
using OpenTelemetry;

namespace Kt.AspNetCore.Bench;

/// <summary>The OpenTelemetry SDK's OTLP exporter, counting the spans it was given and exported.</summary>
internal sealed class CountingExporter(BaseExporter<Activity> inner) : BaseExporter<Activity>
{
    private long _exported;

    public long Exported => Interlocked.Read(ref _exported);

    public override ExportResult Export(in Batch<Activity> batch)
    {
        var result = inner.Export(batch);
        if (result == ExportResult.Success)
            Interlocked.Add(ref _exported, batch.Count);
        return result;
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => inner.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
