namespace Kt.Tests;

/// <summary>Stale and forged handles are reported and never touch another span.</summary>
public class HandleTests
{
    [Fact]
    public void Every_call_through_a_finished_span_is_stale_and_changes_nothing()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        Assert.Equal(KtStatus.Ok, span.Finish());
        Assert.Equal(KtStatus.StaleHandle, span.Finish());
        Assert.Equal(KtStatus.StaleHandle, span.SetAttribute("k", "v"));
        Assert.Equal(KtStatus.StaleHandle, span.SetAttribute("k", 1L));
        Assert.Equal(KtStatus.StaleHandle, span.SetAttribute("k", 1.5));
        Assert.Equal(KtStatus.StaleHandle, span.SetAttribute("k", true));
        Assert.Equal(KtStatus.StaleHandle, span.SetAttribute("k", (ReadOnlySpan<long>)[1, 2]));
        Assert.Equal(KtStatus.StaleHandle, span.AddEvent("e"));
        Assert.Equal(KtStatus.StaleHandle, span.RecordError("boom"));
        Assert.Equal(KtStatus.StaleHandle, span.SetStatus(StatusCode.Error, "late"));
        Assert.Equal(KtStatus.StaleHandle, span.AddLink(new SpanContext(new TraceId(1, 2), new SpanId(3), TraceFlags.Sampled)));
        Assert.Equal(KtStatus.StaleHandle, span.Release());
        Assert.False(span.IsAlive);
        Assert.False(span.IsRecording);
        Assert.False(span.Context.IsValid);
        var exported = t.Single("s");
        Assert.Empty(exported.Attributes);
        Assert.Empty(exported.Events);
        Assert.Empty(exported.Links);
        Assert.Equal(StatusCode.Unset, exported.Status);
    }

    [Fact]
    public void Calls_through_a_released_span_are_stale()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        Assert.Equal(KtStatus.Ok, span.Release());
        Assert.Equal(KtStatus.StaleHandle, span.Release());
        Assert.Equal(KtStatus.StaleHandle, span.SetAttribute("k", "v"));
        Assert.Equal(KtStatus.StaleHandle, span.Finish());
        Assert.Empty(t.Flush());
    }

    [Fact]
    public void A_stale_handle_never_touches_the_span_that_reused_its_slot()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 1 });
        var tracer = t.Engine.CreateTracer("kt");
        var old = tracer.StartSpan(null, "old", default);
        long oldToken = old.Token;
        old.Release();

        // One slot only, so the new span must be in the old one's slot.
        var reused = tracer.StartSpan(null, "new", default);
        Assert.True(reused.IsRecording);
        Assert.Equal(oldToken >> 32 & 0xFFFFFF, reused.Token >> 32 & 0xFFFFFF);
        Assert.NotEqual(oldToken, reused.Token);

        var stale = SpanHandle.FromToken(t.Engine, oldToken);
        Assert.Equal(KtStatus.StaleHandle, stale.SetAttribute("stolen", "yes"));
        Assert.Equal(KtStatus.StaleHandle, stale.AddEvent("stolen"));
        Assert.Equal(KtStatus.StaleHandle, stale.SetStatus(StatusCode.Error, "stolen"));
        Assert.Equal(KtStatus.StaleHandle, stale.Finish());
        Assert.Equal(KtStatus.StaleHandle, stale.Release());
        Assert.True(reused.IsRecording);

        reused.SetAttribute("mine", "yes");
        Assert.Equal(KtStatus.Ok, reused.Finish());
        var exported = t.Single("new");
        Assert.Equal(new Dictionary<string, object> { ["mine"] = "yes" }, exported.Attributes);
        Assert.Empty(exported.Events);
        Assert.Equal(StatusCode.Unset, exported.Status);
    }

    [Fact]
    public void A_slot_reused_many_times_keeps_refusing_every_older_handle()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 1 });
        var tracer = t.Engine.CreateTracer("kt");
        var tokens = new List<long>();
        for (int i = 0; i < 1000; i++)
        {
            var span = tracer.StartSpan(null, "s", default);
            tokens.Add(span.Token);
            span.Release();
        }
        var live = tracer.StartSpan(null, "live", default);
        foreach (var token in tokens)
            Assert.Equal(KtStatus.StaleHandle, SpanHandle.FromToken(t.Engine, token).SetAttribute("k", 1L));
        Assert.Equal(1000, tokens.Distinct().Count());
        live.Release();
    }

    [Fact]
    public void Random_64_bit_values_are_refused()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 4096 });
        var tracer = t.Engine.CreateTracer("kt");
        var context = new TraceContext();
        for (int i = 0; i < 4000; i++)
            tracer.StartSpan(context, "live", default);

        var random = new Random(12345);
        int accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            long forged = random.NextInt64(long.MinValue, long.MaxValue);
            var status = SpanHandle.FromToken(t.Engine, forged).SetAttribute("forged", 1L);
            Assert.NotEqual(KtStatus.LimitReached, status);
            if (status == KtStatus.Ok && forged != 0)
                accepted++;
        }
        Assert.Equal(0, accepted);
        context.End();
        Assert.Empty(t.Flush());
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(1L)]
    [InlineData(0x0000_0001_0000_0000L)]
    public void Values_that_cannot_be_handles_are_invalid(long forged)
    {
        using var t = new TestEngine();
        var status = new SpanHandleProbe(t.Engine, forged).SetAttribute();
        Assert.True(status is KtStatus.InvalidHandle or KtStatus.StaleHandle, status.ToString());
    }

    [Fact]
    public void Handles_of_another_engine_are_refused()
    {
        using var a = new TestEngine();
        using var b = new TestEngine();
        var span = a.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        var foreign = SpanHandle.FromToken(b.Engine, span.Token);
        Assert.NotEqual(KtStatus.Ok, foreign.SetAttribute("k", 1L));
        Assert.NotEqual(KtStatus.Ok, foreign.Finish());
        Assert.True(span.IsRecording);
        span.Finish();
        Assert.Empty(b.Flush());
        Assert.Single(a.Flush());
    }

    [Fact]
    public void The_noop_token_round_trips_to_the_noop_span()
    {
        using var t = new TestEngine();
        var span = SpanHandle.FromToken(t.Engine, 0);
        Assert.True(span.IsNoop);
        Assert.Equal(KtStatus.Ok, span.Finish());
    }

    private readonly ref struct SpanHandleProbe(TraceEngine engine, long token)
    {
        public KtStatus SetAttribute() => SpanHandle.FromToken(engine, token).SetAttribute("k", 1L);
    }
}
