using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// Sending a batch allocates nothing on the exporter thread once the connection is up and its
/// buffers have grown, in every protocol, against a real receiver on loopback. Gzip, whose
/// compressor .NET cannot reset, is the control that must allocate, so the check can fail.
/// </summary>
public class OtlpSendingAllocationTests
{
    private const int Batches = 40;

    private static async Task<(long PerBatch, ExporterCounters Counters)> MeasureAsync(OtlpHttpProtocol protocol, bool gzip)
    {
        bool grpc = protocol == OtlpHttpProtocol.Grpc;
        await using var receiver = grpc ? await OtlpReceiver.StartGrpcAsync() : await OtlpReceiver.StartAsync();
        receiver.KeepNoRequests = true;
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = grpc ? new Uri(receiver.Endpoint, OtlpHttpExporter.GrpcMethod) : receiver.Endpoint,
            Protocol = protocol,
            Gzip = gzip,
            Headers = new Dictionary<string, string> { ["x-tenant"] = "a" },
            Timeout = TimeSpan.FromSeconds(15),
        }, [new("service.name", "alloc")]);
        using var engine = new TraceEngine(new EngineOptions { MaxSpans = 1024, PollInterval = TimeSpan.FromMilliseconds(1), Exporter = exporter });
        for (int i = 0; i < 10; i++)
        {
            OtlpHttpExporterTests.Spans(engine, 200);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        GC.Collect();
        GC.Collect();
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        long before = engine.ExporterAllocatedBytes;
        for (int i = 0; i < Batches; i++)
        {
            OtlpHttpExporterTests.Spans(engine, 200);
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        long allocated = engine.ExporterAllocatedBytes - before;
        return (allocated / Batches, exporter.Counters);
    }

    [Theory]
    [InlineData(OtlpHttpProtocol.Protobuf)]
    [InlineData(OtlpHttpProtocol.Json)]
    [InlineData(OtlpHttpProtocol.Grpc)]
    public async Task Sending_a_batch_allocates_nothing_on_the_exporter_thread(OtlpHttpProtocol protocol)
    {
        var (perBatch, counters) = await MeasureAsync(protocol, gzip: false);
        Assert.Equal(0, counters.SpansFailed);
        Assert.Equal(50 * 200, counters.SpansExported);
        Assert.Equal(0, perBatch);
    }

    [Fact]
    public async Task The_measurement_sees_the_allocation_of_gzip()
    {
        var (perBatch, counters) = await MeasureAsync(OtlpHttpProtocol.Protobuf, gzip: true);
        Assert.Equal(0, counters.SpansFailed);
        Assert.True(perBatch >= 100, $"expected gzip to allocate per batch, measured {perBatch} bytes");
    }
}
