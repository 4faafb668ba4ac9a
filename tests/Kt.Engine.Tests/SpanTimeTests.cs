namespace Kt.Tests;

/// <summary>A span's start and end come from one clock, so no span ends before it starts.</summary>
public class SpanTimeTests
{
    [Fact]
    public void A_start_the_host_timed_is_ended_on_the_same_clock()
    {
        using var t = new TestEngine();
        // a host's clock a little ahead of kt's calibrated one, as nginx's may be by microseconds
        long start = Kt.Timing.Clock.UnixNanosecondsNow() + 1_000_000;
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "host-timed", new SpanOptions { StartTimeUnixNanoseconds = start });
        Assert.Equal(KtStatus.Ok, span.Finish());
        var exported = t.Single("host-timed");
        Assert.Equal(start, exported.StartUnixNanoseconds);
        Assert.True(exported.EndUnixNanoseconds >= exported.StartUnixNanoseconds,
            $"ends {exported.StartUnixNanoseconds - exported.EndUnixNanoseconds} ns before it starts");
    }
}
