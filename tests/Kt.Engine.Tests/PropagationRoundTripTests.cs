using System.Text;

namespace Kt.Tests;

/// <summary>What a span injects in a format, extracted by the next service, continues the same trace under that span.</summary>
public class PropagationRoundTripTests
{
    public static TheoryData<PropagationFormat, string, bool> Cases()
    {
        var data = new TheoryData<PropagationFormat, string, bool>();
        for (var format = PropagationFormat.W3C; format <= PropagationFormat.Gcp; format++)
        {
            foreach (var trace in new[] { "0af7651916cd43dd8448eb211c80319c", "00000000000000008448eb211c80319c", "ffffffffffffffffffffffffffffffff" })
            {
                data.Add(format, trace, true);
                data.Add(format, trace, false);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Inject_then_extract_gives_the_span_as_parent(PropagationFormat format, string traceId, bool sampled)
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = sampled ? 0 : 1 });
        var upstream = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, upstream.Extract($"00-{traceId}-b7ad6b7169203331-{(sampled ? "01" : "00")}", "k=v"));
        var client = tracer.StartSpan(upstream, "client", new SpanOptions { Kind = SpanKind.Client });

        var written = RequestHeaders.Inject(client, format);
        Assert.All(written, h => Assert.Equal(h.Name.ToLowerInvariant(), h.Name));
        var (result, downstream) = RequestHeaders.Extract(format, written);
        Assert.Equal(new ExtractionResult(format, PropagationStatus.Ok, null), result);
        Assert.Equal(client.Context.TraceId, downstream.RemoteParent.TraceId);
        Assert.Equal(client.Context.SpanId, downstream.RemoteParent.SpanId);
        Assert.Equal(sampled, downstream.RemoteSampled);
        // Sampled or not, the span passes on the tracestate it continues.
        if (format == PropagationFormat.W3C)
            Assert.Equal("k=v", Encoding.ASCII.GetString(downstream.TraceState));

        var clientSpanId = client.Context.SpanId;
        var server = tracer.StartSpan(downstream, "server", new SpanOptions { Kind = SpanKind.Server });
        Assert.Equal(client.Context.TraceId, server.Context.TraceId);
        Assert.Equal(sampled, server.Context.IsSampled);
        server.Finish();
        client.Finish();
        if (sampled)
        {
            var s = t.Flush().Single(x => x.Name == "server");
            Assert.Equal(clientSpanId, s.ParentSpanId);
            Assert.True(s.ParentIsRemote);
        }
    }
}
