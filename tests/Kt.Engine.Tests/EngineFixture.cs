using Kt.Export;

namespace Kt.Tests;

/// <summary>A small engine with an in-memory exporter, flushed on demand.</summary>
internal sealed class TestEngine : IDisposable
{
    public TestEngine(EngineOptions? options = null)
    {
        Exporter = new InMemoryExporter();
        Engine = new TraceEngine((options ?? new EngineOptions { MaxSpans = 256 }) with { Exporter = Exporter });
    }

    public TraceEngine Engine { get; }

    public InMemoryExporter Exporter { get; }

    public IReadOnlyList<ExportedSpan> Flush()
    {
        Assert.True(Engine.ForceFlush(TimeSpan.FromSeconds(10)), "flush timed out");
        return Exporter.Spans;
    }

    public ExportedSpan Single(string name) => Assert.Single(Flush(), s => s.Name == name);

    public void Dispose() => Engine.Dispose();
}
