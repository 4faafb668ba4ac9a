namespace Kt.Tests;

/// <summary>Events, links and status, with their limits.</summary>
public class EventLinkStatusTests
{
    [Fact]
    public void Events_keep_order_time_and_attributes()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        long at = Timing.Clock.UnixNanosecondsNow();
        span.AddEvent("first", [new("a", 1L), new("b", "x")], at);
        span.AddEvent("second");
        span.Finish();
        var e = t.Single("s").Events;
        Assert.Equal(["first", "second"], e.Select(x => x.Name));
        Assert.Equal(at, e[0].TimeUnixNanoseconds);
        Assert.Equal(1L, e[0].Attributes["a"]);
        Assert.Equal("x", e[0].Attributes["b"]);
        Assert.Empty(e[1].Attributes);
        Assert.InRange(e[1].TimeUnixNanoseconds, at - 1_000_000_000, at + 60_000_000_000);
    }

    [Fact]
    public void Events_past_the_limit_are_dropped_and_counted()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 8, Limits = new SpanLimits { EventCountLimit = 2, EventAttributeCountLimit = 1 } });
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        Assert.Equal(KtStatus.LimitReached, span.AddEvent("e0", [new("a", 1L), new("b", 2L)]));
        Assert.Equal(KtStatus.Ok, span.AddEvent("e1"));
        Assert.Equal(KtStatus.LimitReached, span.AddEvent("e2"));
        span.Finish();
        var s = t.Single("s");
        Assert.Equal(2, s.Events.Count);
        Assert.Equal(1, s.DroppedEvents);
        Assert.Equal(1, s.Events[0].DroppedAttributes);
        Assert.Single(s.Events[0].Attributes);
    }

    [Fact]
    public void Links_carry_the_other_spans_context_and_attributes()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 8, Limits = new SpanLimits { LinkCountLimit = 1 } });
        var tracer = t.Engine.CreateTracer("kt");
        var other = tracer.StartSpan(null, "other", default);
        var otherContext = other.Context;
        var span = tracer.StartSpan(null, "s", default);
        Assert.Equal(KtStatus.Ok, span.AddLink(otherContext, [new("link.kind", "follows")]));
        Assert.Equal(KtStatus.LimitReached, span.AddLink(otherContext));
        Assert.Equal(KtStatus.InvalidArgument, span.AddLink(default));
        span.Finish();
        other.Finish();
        var s = t.Flush().Single(x => x.Name == "s");
        var link = Assert.Single(s.Links);
        Assert.Equal(otherContext.TraceId, link.Context.TraceId);
        Assert.Equal(otherContext.SpanId, link.Context.SpanId);
        Assert.Equal("follows", link.Attributes["link.kind"]);
        Assert.Equal(1, s.DroppedLinks);
    }

    [Fact]
    public void Status_error_keeps_its_message_ok_is_final_and_unset_is_ignored()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        var a = tracer.StartSpan(null, "a", default);
        a.SetStatus(StatusCode.Error, "upstream timed out");
        a.SetStatus(StatusCode.Unset);
        a.Finish();
        var b = tracer.StartSpan(null, "b", default);
        b.SetStatus(StatusCode.Ok, "ignored for ok");
        b.SetStatus(StatusCode.Error, "too late");
        b.Finish();
        var c = tracer.StartSpan(null, "c", default);
        Assert.Equal(KtStatus.InvalidArgument, c.SetStatus((StatusCode)3));
        c.Finish();
        var spans = t.Flush();
        var ea = spans.Single(s => s.Name == "a");
        Assert.Equal(StatusCode.Error, ea.Status);
        Assert.Equal("upstream timed out", ea.StatusMessage);
        var eb = spans.Single(s => s.Name == "b");
        Assert.Equal(StatusCode.Ok, eb.Status);
        Assert.Equal("", eb.StatusMessage);
        Assert.Equal(StatusCode.Unset, spans.Single(s => s.Name == "c").Status);
    }

    [Fact]
    public void Finish_with_an_explicit_end_time()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", new SpanOptions { StartTimeUnixNanoseconds = 1_700_000_000_000_000_000 });
        Assert.Equal(KtStatus.InvalidArgument, span.Finish(-5));
        Assert.Equal(KtStatus.Ok, span.Finish(1_700_000_000_250_000_000));
        var s = t.Single("s");
        Assert.Equal(250_000_000, s.EndUnixNanoseconds - s.StartUnixNanoseconds);
    }

    [Fact]
    public void Times_from_the_clock_are_unix_nanoseconds_and_ordered()
    {
        using var t = new TestEngine();
        long before = Timing.Clock.UnixNanosecondsNow();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        Thread.Sleep(20);
        span.AddEvent("mid");
        span.Finish();
        long after = Timing.Clock.UnixNanosecondsNow();
        var s = t.Single("s");
        // The clock is calibrated once; allow a millisecond either way for the anchor's error.
        Assert.InRange(s.StartUnixNanoseconds, before - 1_000_000, after + 1_000_000);
        Assert.InRange(s.EndUnixNanoseconds, s.StartUnixNanoseconds + 19_000_000, after + 1_000_000);
        Assert.InRange(s.Events[0].TimeUnixNanoseconds, s.StartUnixNanoseconds, s.EndUnixNanoseconds);
    }

    [Fact]
    public void Refining_the_clock_keeps_converted_times_on_the_wall_clock()
    {
        Thread.Sleep(600);
        Timing.Clock.Refine();
        long ticks = Timing.Clock.Now();
        long wall = Timing.Clock.UnixNanosecondsNow();
        Assert.InRange(Timing.Clock.ToUnixNanoseconds(ticks), wall - 1_000_000, wall + 1_000_000);
        long later = Timing.Clock.Now();
        Assert.True(Timing.Clock.ToUnixNanoseconds(later) >= Timing.Clock.ToUnixNanoseconds(ticks));
        Assert.InRange(Timing.Clock.TicksPerSecond, 1e6, 1e11);
    }

    [Fact]
    public void A_bad_span_kind_or_start_time_is_refused()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        Assert.Throws<ArgumentOutOfRangeException>(() => { tracer.StartSpan(null, "s", new SpanOptions { Kind = (SpanKind)6 }); });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => { tracer.StartSpan(null, "s", new SpanOptions { StartTimeUnixNanoseconds = -1 }); });
        Assert.Contains("start_time_ns", e.Message);
        Assert.Equal(0, t.Engine.ReadCounters().SlotsInUse);
    }

    [Fact]
    public void A_name_with_a_lone_surrogate_is_refused_and_takes_no_slot()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt");
        Assert.Throws<ArgumentException>(() => { tracer.StartSpan(null, "bad\uD800", default); });
        Assert.Throws<ArgumentException>(() => { tracer.StartSpanUtf8(null, [0xC0, 0xAF], default); });
        var counters = t.Engine.ReadCounters();
        Assert.Equal(0, counters.SlotsInUse);
        Assert.Equal(0, counters.SpansStarted);
    }

    [Fact]
    public void A_long_name_is_cut_to_fit_the_span()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 8, BytesPerSpan = 128 });
        var span = t.Engine.CreateTracer("kt").StartSpan(null, new string('n', 500), default);
        span.Finish();
        var s = Assert.Single(t.Flush());
        Assert.Equal(new string('n', 32), s.Name);
    }
}
