using System.Text;

namespace Kt.Tests;

/// <summary>
/// What kt injects, kt extracts back to the same context, in every format, for random ids and for
/// the edges of the id space (a zero half, all ones, a single bit). The one id a format cannot carry,
/// a trace whose low 64 bits are zero in Datadog's format (its trace id is those 64 bits, and 0 is
/// no trace), is injected as nothing, and nothing is extracted back.
/// </summary>
public class PropagationRoundTripPropertyTests
{
    private const int RandomCases = 500;

    private static readonly ulong[] EdgeHalves = [0, 1, 0x8000000000000000, 0x00000000FFFFFFFF, 0xFFFFFFFF00000000, ulong.MaxValue];

    private static readonly ulong[] EdgeSpanIds = [1, 0x8000000000000000, ulong.MaxValue, 0x00000000FFFFFFFF, 10_000_000_000_000_000_000];

    public static TheoryData<PropagationFormat> Formats()
    {
        var data = new TheoryData<PropagationFormat>();
        for (var format = PropagationFormat.W3C; format <= PropagationFormat.Gcp; format++)
            data.Add(format);
        return data;
    }

    private static IEnumerable<SpanContext> Contexts()
    {
        var flags = new[] { TraceFlags.None, TraceFlags.Sampled, TraceFlags.Random, TraceFlags.Sampled | TraceFlags.Random };
        int i = 0;
        foreach (var high in EdgeHalves)
        {
            foreach (var low in EdgeHalves)
            {
                if ((high | low) == 0)
                    continue;
                foreach (var span in EdgeSpanIds)
                    yield return new SpanContext(new TraceId(high, low), new SpanId(span), flags[i++ % flags.Length]);
            }
        }
        // Seeded, so a failure names a case that can be run again.
        var random = new Random(20_250_512);
        for (int n = 0; n < RandomCases; n++)
        {
            ulong high = random.Next(4) == 0 ? 0 : Random64(random);
            ulong low = Random64(random);
            ulong span = Random64(random) | 1;
            if ((high | low) == 0)
                low = 1;
            yield return new SpanContext(new TraceId(high, low), new SpanId(span), flags[random.Next(flags.Length)]);
        }
    }

    private static ulong Random64(Random random)
    {
        Span<byte> bytes = stackalloc byte[8];
        random.NextBytes(bytes);
        return BitConverter.ToUInt64(bytes);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void What_kt_injects_it_extracts_back(PropagationFormat format)
    {
        int checkedCases = 0;
        foreach (var sent in Contexts())
        {
            var parent = new SpanId(sent.SpanId.Value ^ 0x5555555555555555);
            var headers = Inject(format, new OutgoingSpan(sent, parent, "k=v"u8));
            string where = $"{format} {sent.TraceId}-{sent.SpanId}-{(int)sent.Flags:x2}: {string.Join("; ", headers.Select(h => h.Name + ": " + h.Value))}";
            var (result, received) = RequestHeaders.Extract(format, headers);

            if (format == PropagationFormat.Datadog && sent.TraceId.Low == 0)
            {
                Assert.True(headers.Length == 0, where);
                Assert.True(result.Status == PropagationStatus.Empty, where);
                continue;
            }
            Assert.True(new ExtractionResult(format, PropagationStatus.Ok, null).Equals(result), $"{where} -> {result}");
            Assert.True(sent.TraceId == received.RemoteParent.TraceId, $"{where} -> trace {received.RemoteParent.TraceId}");
            Assert.True(sent.SpanId == received.RemoteParent.SpanId, $"{where} -> span {received.RemoteParent.SpanId}");
            Assert.True(sent.IsSampled == received.RemoteSampled, $"{where} -> sampled {received.RemoteSampled}");
            if (format == PropagationFormat.W3C)
            {
                Assert.True(sent.Flags == received.RemoteParent.Flags, $"{where} -> flags {received.RemoteParent.Flags}");
                Assert.Equal("k=v", Encoding.ASCII.GetString(received.TraceState));
            }
            checkedCases++;
        }
        Assert.True(checkedCases > RandomCases);
    }

    [Fact]
    public void A_datadog_trace_id_whose_low_half_is_zero_is_not_injected()
    {
        var sent = new SpanContext(new TraceId(0x0af7651916cd43dd, 0), new SpanId(0xb7ad6b7169203331), TraceFlags.Sampled);
        Assert.Empty(Inject(PropagationFormat.Datadog, new OutgoingSpan(sent, default, default)));
        var kept = new SpanContext(new TraceId(0x0af7651916cd43dd, 1), new SpanId(0xb7ad6b7169203331), TraceFlags.Sampled);
        Assert.Equal(
            [("x-datadog-trace-id", "1"), ("x-datadog-parent-id", "13235353014750950193"), ("x-datadog-sampling-priority", "1"), ("x-datadog-tags", "_dd.p.tid=0af7651916cd43dd")],
            Inject(PropagationFormat.Datadog, new OutgoingSpan(kept, default, default)));
    }

    [Fact]
    public void A_span_of_such_a_trace_injects_no_datadog_headers_through_the_engine()
    {
        using var t = new TestEngine();
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, context.Extract("00-0af7651916cd43dd0000000000000000-b7ad6b7169203331-01"));
        var span = t.Engine.CreateTracer("dd").StartSpan(context, "client", default);
        Assert.Empty(RequestHeaders.Inject(span, PropagationFormat.Datadog));
        Assert.NotEmpty(RequestHeaders.Inject(span, PropagationFormat.B3));
    }

    private static (string Name, string Value)[] Inject(PropagationFormat format, in OutgoingSpan span)
    {
        var buffer = new byte[Propagators.MaxInjectedBytes];
        var headers = new InjectedHeader[Propagators.MaxInjectedHeaders];
        var writer = new HeaderWriter(buffer, headers);
        Assert.True(Propagators.Inject(format, span, ref writer));
        Assert.False(writer.IsFull);
        return headers[..writer.Count].Select(h => (Encoding.ASCII.GetString(h.Name(buffer)), Encoding.ASCII.GetString(h.Value(buffer)))).ToArray();
    }
}
