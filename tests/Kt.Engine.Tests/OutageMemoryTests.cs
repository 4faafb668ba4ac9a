using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// Memory during a long outage. In the collection that runs alone, so that no other test's
/// allocations move the process-wide measurement.
/// </summary>
[Collection(GlobalTracingCollection.Name)]
public class OutageMemoryTests
{
    [Fact]
    public async Task During_a_long_outage_memory_stays_flat_and_every_span_is_counted()
    {
        Uri endpoint;
        await using (var gone = await OtlpReceiver.StartAsync())
            endpoint = gone.Endpoint;
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = endpoint,
            Timeout = TimeSpan.FromMilliseconds(60),
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(20),
        }, [new("service.name", "outage")]);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 4096, QueueCapacityPerThread = 4096, Exporter = exporter });
        OtlpHttpExporterTests.Spans(engine, 500);
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int round = 0; round < 20; round++)
        {
            OtlpHttpExporterTests.Spans(engine, 1000);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(20_500, exporter.Counters.SpansFailed);
        Assert.Equal(20_500, engine.ReadCounters().ExportFailedSpans);
        Assert.Equal(0, engine.ReadCounters().SlotsInUse);
        Assert.True(after - before < 4 * 1024 * 1024, $"memory grew by {after - before} bytes during the outage");
    }
}
