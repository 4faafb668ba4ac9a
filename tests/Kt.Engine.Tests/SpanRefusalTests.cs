namespace Kt.Tests;

/// <summary>
/// What OpenTelemetry's SDK refuses, kt refuses, and the span is as it was: an attribute without a
/// key, wherever an attribute is accepted, and an end time before the span's start.
/// </summary>
public class SpanRefusalTests
{
    [Fact]
    public void An_empty_attribute_key_is_refused_and_sets_nothing()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute("", "v"));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute("", 1L));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute("", 1.5));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute("", true));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute("", (ReadOnlySpan<string>)["a"]));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttributeUtf8(""u8, "v"u8));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute(new SpanAttribute("", "v")));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute(default(SpanAttribute)));
        Assert.Equal(KtStatus.Ok, span.SetAttribute("k", "v"));
        span.Finish();
        var s = t.Single("s");
        Assert.Equal(["k"], s.Attributes.Keys);
        Assert.Equal(0, s.DroppedAttributes);
    }

    [Fact]
    public void An_unsampled_span_refuses_it_too()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 0 }).StartSpan(null, "s", default);
        Assert.False(span.IsRecording);
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute("", "v"));
        Assert.Equal(KtStatus.InvalidArgument, span.AddEvent("e", [new("", 1L)]));
        Assert.Equal(KtStatus.Ok, span.SetAttribute("k", "v"));
    }

    [Fact]
    public void An_event_or_a_link_with_an_empty_attribute_key_is_refused_whole()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        var linked = new SpanContext(new TraceId(1, 2), new SpanId(3), TraceFlags.Sampled);
        Assert.Equal(KtStatus.InvalidArgument, span.AddEvent("bad", [new("ok", 1L), new("", 2L)]));
        Assert.Equal(KtStatus.InvalidArgument, span.AddLink(linked, [new("", "v")]));
        Assert.Equal(KtStatus.Ok, span.AddEvent("good", [new("ok", 1L)]));
        span.Finish();
        var s = t.Single("s");
        Assert.Equal(["good"], s.Events.Select(e => e.Name));
        Assert.Empty(s.Links);
        Assert.Equal(KtStatus.StaleHandle, span.AddEvent("late", [new("", 1L)]));
    }

    [Fact]
    public void A_start_attribute_with_an_empty_key_refuses_the_span_before_a_slot_is_taken()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var e = Assert.Throws<ArgumentException>(() =>
            tracer.StartSpan(null, "s", new SpanOptions { Attributes = [new("http.method", "GET"), new("", "x")] }));
        Assert.Contains("key", e.Message);
        var counters = t.Engine.ReadCounters();
        Assert.Equal(0, counters.SpansStarted);
        Assert.Equal(0, counters.SlotsInUse);
    }

    [Fact]
    public void An_end_time_before_the_start_is_refused_and_the_span_stays_open()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", new SpanOptions { StartTimeUnixNanoseconds = 1_700_000_000_000_000_000 });
        Assert.Equal(KtStatus.InvalidArgument, span.Finish(1));
        Assert.Equal(KtStatus.InvalidArgument, span.Finish(1_699_999_999_999_999_999));
        Assert.True(span.IsAlive);
        Assert.Equal(KtStatus.Ok, span.SetAttribute("still", "open"));
        Assert.Equal(KtStatus.Ok, span.Finish(1_700_000_000_000_000_000));
        var s = t.Single("s");
        Assert.Equal(s.StartUnixNanoseconds, s.EndUnixNanoseconds);
        Assert.Equal("open", s.Attributes["still"]);
    }

    [Fact]
    public void A_start_taken_from_the_clock_is_compared_as_it_will_be_exported()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        long now = Timing.Clock.UnixNanosecondsNow();
        Assert.Equal(KtStatus.InvalidArgument, span.Finish(now - 60_000_000_000));
        Assert.Equal(KtStatus.InvalidArgument, span.Finish(1));
        Assert.True(span.IsAlive);
        Assert.Equal(KtStatus.Ok, span.Finish(now + 60_000_000_000));
        var s = t.Single("s");
        Assert.True(s.EndUnixNanoseconds >= s.StartUnixNanoseconds);
    }

    [Fact]
    public void A_start_moved_later_moves_the_limit()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", new SpanOptions { StartTimeUnixNanoseconds = 1_000 });
        Assert.Equal(KtStatus.Ok, span.SetStartTime(5_000));
        Assert.Equal(KtStatus.InvalidArgument, span.Finish(4_999));
        Assert.Equal(KtStatus.Ok, span.Finish(5_000));
    }
}
