namespace Kt.Tests;

/// <summary>Ids are random, never zero, and a fork gives the child a fresh sequence.</summary>
public class IdTests
{
    [Fact]
    public void Ids_are_never_zero_and_do_not_repeat()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 64 });
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 0 });
        var traces = new HashSet<TraceId>();
        var spans = new HashSet<SpanId>();
        for (int i = 0; i < 50_000; i++)
        {
            var span = tracer.StartSpan(null, "s", default);
            var context = span.Context;
            Assert.True(context.TraceId.IsValid);
            Assert.True(context.SpanId.IsValid);
            Assert.True(traces.Add(context.TraceId));
            Assert.True(spans.Add(context.SpanId));
            Assert.Equal(TraceFlags.Random, context.Flags & TraceFlags.Random);
            span.Finish();
        }
    }

    [Fact]
    public void After_a_fork_the_generator_reseeds()
    {
        var a = IdGenerator.Create();
        var copy = a;
        Assert.Equal(a.Next(), copy.Next());
        Assert.Equal(a.NextSpanId(), copy.NextSpanId());

        // A forked child starts with a byte-for-byte copy of its parent's generator.
        var parent = IdGenerator.Create();
        var child = parent;
        ForkEpoch.Advance();
        var fromParent = Enumerable.Range(0, 4).Select(_ => parent.Next()).ToArray();
        var fromChild = Enumerable.Range(0, 4).Select(_ => child.Next()).ToArray();
        Assert.Empty(fromParent.Intersect(fromChild));
    }

    [Fact]
    public void Hex_forms_are_lower_case_and_round_trip()
    {
        var id = new TraceId(0x0af7651916cd43dd, 0x8448eb211c80319c);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", id.ToString());
        Assert.True(TraceId.TryParseHex("0af7651916cd43dd8448eb211c80319c"u8, out var parsed));
        Assert.Equal(id, parsed);
        Assert.False(TraceId.TryParseHex("0AF7651916CD43DD8448EB211C80319C"u8, out _));
        Span<byte> bytes = stackalloc byte[16];
        id.CopyTo(bytes);
        Assert.Equal(id, TraceId.FromBytes(bytes));
        Assert.Equal("b7ad6b7169203331", new SpanId(0xb7ad6b7169203331).ToString());
    }
}
