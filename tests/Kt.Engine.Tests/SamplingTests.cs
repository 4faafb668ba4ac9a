using Kt.Sampling;

namespace Kt.Tests;

/// <summary>Ratio sampling on the trace id: deterministic, nested across rates, followed by children.</summary>
public class SamplingTests
{
    private static IEnumerable<TraceId> Ids(int count)
    {
        var random = new Random(7);
        for (int i = 0; i < count; i++)
            yield return new TraceId((ulong)random.NextInt64(), (ulong)random.NextInt64());
    }

    [Fact]
    public void A_lower_rate_samples_a_subset_of_a_higher_rate()
    {
        var rates = new[] { 0.0, 0.01, 0.1, 0.25, 0.5, 0.9, 1.0 };
        var ids = Ids(20_000).ToArray();
        var samplers = rates.Select(r => new RatioSampler(r)).ToArray();
        foreach (var id in ids)
        {
            for (int i = 1; i < samplers.Length; i++)
            {
                if (samplers[i - 1].ShouldSample(id))
                    Assert.True(samplers[i].ShouldSample(id));
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void The_sampled_fraction_matches_the_rate(double rate)
    {
        var sampler = new RatioSampler(rate);
        int sampled = Ids(50_000).Count(sampler.ShouldSample);
        Assert.InRange(sampled / 50_000.0, rate - 0.01, rate + 0.01);
    }

    [Fact]
    public void The_decision_is_the_same_every_time_for_the_same_trace()
    {
        var a = new RatioSampler(0.3);
        var b = new RatioSampler(0.3);
        foreach (var id in Ids(1000))
            Assert.Equal(a.ShouldSample(id), b.ShouldSample(id));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Rates_outside_zero_to_one_are_refused(double rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RatioSampler(rate));
        Assert.Contains("sampling_rate", e.Message);
    }

    [Fact]
    public void Children_follow_the_parents_decision_unless_should_sample_says_otherwise()
    {
        using var t = new TestEngine();
        var never = t.Engine.CreateTracer("never", new TracerOptions { SamplingRate = 0 });
        var always = t.Engine.CreateTracer("always");

        var sampledRoot = always.StartSpan(null, "root", default);
        var childOfSampled = never.StartSpan(null, "child", new SpanOptions { Parent = sampledRoot });
        Assert.True(childOfSampled.IsRecording);

        var unsampledRoot = never.StartSpan(null, "unsampled", default);
        var childOfUnsampled = always.StartSpan(null, "child2", new SpanOptions { Parent = unsampledRoot });
        Assert.False(childOfUnsampled.IsRecording);
        Assert.Equal(unsampledRoot.Context.TraceId, childOfUnsampled.Context.TraceId);

        var forced = always.StartSpan(null, "forced", new SpanOptions { Parent = unsampledRoot, ShouldSample = true });
        Assert.True(forced.IsRecording);
        var refused = always.StartSpan(null, "refused", new SpanOptions { Parent = sampledRoot, ShouldSample = false });
        Assert.False(refused.IsRecording);
        foreach (var token in new[] { sampledRoot.Token, childOfSampled.Token, unsampledRoot.Token, childOfUnsampled.Token, forced.Token, refused.Token })
            SpanHandle.FromToken(t.Engine, token).Finish();
        Assert.Equal(["child", "forced", "root"], t.Flush().Select(s => s.Name).Order());
    }

    [Fact]
    public void A_remote_parents_sampled_flag_decides()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 0 });
        var sampledRemote = new SpanContext(new TraceId(1, 2), new SpanId(3), TraceFlags.Sampled, isRemote: true);
        var unsampledRemote = new SpanContext(new TraceId(1, 2), new SpanId(3), TraceFlags.None, isRemote: true);
        Assert.True(tracer.StartSpan(null, "a", new SpanOptions { RemoteParent = sampledRemote }).IsRecording);
        Assert.False(tracer.StartSpan(null, "b", new SpanOptions { RemoteParent = unsampledRemote }).IsRecording);
    }
}
