using Kt.Export;

namespace Kt.Demo;

/// <summary>Hands each batch to two exporters: the demo prints from one and files from the other.</summary>
internal sealed class TeeExporter(ISpanExporter first, ISpanExporter second) : ISpanExporter
{
    public bool Export(in SpanBatch batch) => first.Export(batch) & second.Export(batch);

    public void Shutdown()
    {
        first.Shutdown();
        second.Shutdown();
    }
}
