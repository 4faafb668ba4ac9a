namespace Kt.Interop.Tests;

/// <summary>kt_init and kt_shutdown through the binding: before, twice, bad settings, and handles across a restart.</summary>
[Collection(NativeEngineCollection.Name)]
public class LifecycleTests(NativeEngineFixture fixture)
{
    [Fact]
    public void Calls_before_the_first_init_are_not_initialized()
    {
        Assert.NotEmpty(fixture.BeforeInit);
        foreach (var (call, result, error) in fixture.BeforeInit)
        {
            Assert.True(result == KtResult.NotInitialized, $"{call} before kt_init: {result} ({error})");
            Assert.NotEqual("", error);
        }
    }

    [Fact]
    public void Init_twice_is_already_initialized()
    {
        Assert.Equal(KtResult.AlreadyInitialized, KtNative.Init(NativeEngineFixture.Settings));
        Assert.Contains("already", KtNative.LastError);
        Assert.Equal(KtResult.AlreadyInitialized, KtNative.Init());
    }

    [Fact]
    public void After_shutdown_every_call_is_not_initialized_and_handles_stay_safe()
    {
        Assert.Equal(KtResult.Ok, NativeTracer.Create("lifecycle", out var tracer));
        Assert.Equal(KtResult.Ok, NativeContext.Begin(out var context));
        Assert.Equal(KtResult.Ok, tracer.StartSpan(context, "open across shutdown", out var span));
        Assert.Equal(KtResult.Ok, tracer.StartSpan(NativeContext.None, "finished before shutdown", out var done));
        Assert.Equal(KtResult.Ok, done.Finish());

        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            Assert.Equal(KtResult.NotInitialized, KtNative.Shutdown(TimeSpan.FromSeconds(1)));
            Assert.Equal(KtResult.NotInitialized, KtNative.Flush(TimeSpan.FromSeconds(1)));
            // The counters stay readable until the next kt_init.
            Assert.Equal(KtResult.Ok, KtNative.Counters(out var counters));
            Assert.True(counters.SpansStarted >= 2);
            Assert.True(counters.SpansFinished >= 1);
            Assert.Equal(KtResult.NotInitialized, NativeTracer.Create("after", out var none));
            Assert.Equal(NativeTracer.Global, none);
            Assert.Equal(KtResult.NotInitialized, NativeContext.Begin(out var noContext));
            Assert.True(noContext.IsNone);
            Assert.Equal(KtResult.NotInitialized, context.End());
            Assert.Equal(KtResult.NotInitialized, context.Extract("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8));
            Assert.Equal(KtResult.NotInitialized, tracer.StartSpan(context, "after"u8, out var noSpan));
            Assert.True(noSpan.IsNoop);
            Assert.Equal(KtResult.NotInitialized, tracer.ActiveSpan(context, out _));
            Assert.Equal(KtResult.NotInitialized, tracer.SetActiveSpan(context, span));
            Assert.Equal(KtResult.NotInitialized, span.SetAttribute("k", "v"));
            Assert.Equal(KtResult.NotInitialized, span.SetAttribute("k", 1L));
            Assert.Equal(KtResult.NotInitialized, span.SetAttribute("k", 1.5));
            Assert.Equal(KtResult.NotInitialized, span.SetAttribute("k", true));
            Assert.Equal(KtResult.NotInitialized, span.SetAttribute("k", [1L, 2L]));
            Assert.Equal(KtResult.NotInitialized, span.AddEvent("e"));
            Assert.Equal(KtResult.NotInitialized, span.RecordError("boom"));
            Assert.Equal(KtResult.NotInitialized, span.SetStatus(NativeStatusCode.Error, "x"));
            Assert.Equal(KtResult.NotInitialized, span.AddLink(new byte[16] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, new byte[8] { 0, 0, 0, 0, 0, 0, 0, 1 }, 1));
            Assert.Equal(KtResult.NotInitialized, span.GetIds(new byte[16], new byte[8], out _));
            Assert.Equal(KtResult.NotInitialized, span.TryInject(new byte[64], out _));
            Assert.Equal(KtResult.NotInitialized, span.Finish());
            Assert.Equal(KtResult.NotInitialized, span.Release());
            Assert.Contains("not initialised", KtNative.LastError);
            Assert.Equal(KtResult.Ok, KtNative.Nop());
        }
        finally
        {
            NativeEngineFixture.Restart();
        }

        // The new engine refuses the old engine's handles instead of touching its slots.
        Assert.True(span.SetAttribute("k", "v") is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(tracer.StartSpan(NativeContext.None, "x", out _) is KtResult.InvalidHandle, KtNative.LastError);
        Assert.True(context.End() is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
    }

    [Theory]
    [InlineData("no_such_setting", "1", "no_such_setting")]
    [InlineData("max_spans", "lots", "max_spans")]
    [InlineData("sampling_rate", "2", "sampling_rate")]
    [InlineData("schedule_delay_ms", "-5", "schedule_delay_ms")]
    public void Bad_settings_are_refused_and_named(string key, string value, string named)
    {
        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            Assert.Equal(KtResult.InvalidArgument, KtNative.Init([new("max_spans", "64"), new(key, value)]));
            Assert.Contains(named, KtNative.LastError);
            // Refused: nothing started.
            Assert.Equal(KtResult.NotInitialized, NativeContext.Begin(out _));
        }
        finally
        {
            NativeEngineFixture.Restart();
        }
    }

    [Fact]
    public void A_setting_with_a_lone_surrogate_is_refused_and_named()
    {
        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            Assert.Equal(KtResult.InvalidArgument, KtNative.Init([new("max_spans", "64"), new("max_\uD800spans", "1")]));
            Assert.Contains("options[1].key", KtNative.LastError);
        }
        finally
        {
            NativeEngineFixture.Restart();
        }
    }

    [Fact]
    public void Init_without_settings_and_every_documented_key_work()
    {
        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            Assert.Equal(KtResult.Ok, KtNative.Init());
            Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
            KtSetting[] all =
            [
                new("max_spans", "256"), new("attributes_per_span", "16"), new("events_per_span", "8"), new("links_per_span", "4"),
                new("event_and_link_attributes_per_span", "16"), new("bytes_per_span", "4096"), new("queue_capacity_per_thread", "256"),
                new("max_export_batch_size", "64"), new("schedule_delay_ms", "10"), new("poll_interval_ms", "2"), new("sampling_rate", "0.5"),
                new("attribute_count_limit", "16"), new("attribute_value_length_limit", "128"), new("event_count_limit", "8"),
                new("link_count_limit", "4"), new("event_attribute_count_limit", "4"), new("link_attribute_count_limit", "4"),
            ];
            Assert.True(KtNative.Init(all) == KtResult.Ok, KtNative.LastError);
            Assert.Equal(KtResult.Ok, KtNative.Counters(out var counters));
            Assert.Equal(0UL, counters.SpansStarted);
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
        }
    }

    [Fact]
    public void Negative_timeouts_are_refused_and_named()
    {
        Assert.Equal(KtResult.InvalidArgument, KtNative.Flush(TimeSpan.FromMilliseconds(-5)));
        Assert.Contains("timeout_ms", KtNative.LastError);
        Assert.Equal(KtResult.InvalidArgument, KtNative.Shutdown(Timeout.InfiniteTimeSpan));
        Assert.Contains("timeout_ms", KtNative.LastError);
        Assert.Equal(KtResult.Ok, KtNative.Counters(out _));
    }

    [Fact]
    public void Milliseconds_round_up_and_clamp()
    {
        Assert.Equal(0, KtNative.Milliseconds(TimeSpan.Zero));
        Assert.Equal(1, KtNative.Milliseconds(TimeSpan.FromTicks(1)));
        Assert.Equal(1500, KtNative.Milliseconds(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal(-1, KtNative.Milliseconds(TimeSpan.FromTicks(-1)));
        Assert.Equal(int.MaxValue, KtNative.Milliseconds(TimeSpan.FromDays(30)));
        Assert.Equal(int.MaxValue, KtNative.Milliseconds(TimeSpan.MaxValue));
    }

    /// <summary>Through the binding, a wait however long is accepted (it is clamped to what libkt takes).</summary>
    [Fact]
    public void Huge_timeouts_are_accepted_through_the_binding()
    {
        Assert.True(KtNative.Flush(TimeSpan.MaxValue) == KtResult.Ok, KtNative.LastError);
        Assert.True(KtNative.Flush(TimeSpan.FromDays(30)) == KtResult.Ok, KtNative.LastError);
        try
        {
            Assert.True(KtNative.Shutdown(TimeSpan.MaxValue) == KtResult.Ok, KtNative.LastError);
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
        }
    }
}
