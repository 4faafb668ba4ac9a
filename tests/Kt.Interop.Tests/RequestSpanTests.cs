namespace Kt.Interop.Tests;

/// <summary>What Kong's plugins use beside the seed's calls, through the binding and the real libkt.so.</summary>
[Collection(NativeEngineCollection.Name)]
public class RequestSpanTests
{
    [Fact]
    public void A_created_span_is_named_timed_and_attached_to_a_request()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(NativeTracer.Global.StartSpan(context, "root", out var root));
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "", out var created));
        Span<ulong> open = stackalloc ulong[4];
        Ids.Ok(context.OpenSpans(open, out int count));
        Assert.Equal(1, count);

        Ids.Ok(created.UpdateName("linked"u8));
        Ids.Ok(created.SetStartTime(1_700_000_000_000_000_000));
        Ids.Ok(context.Attach(created));
        Ids.Ok(context.OpenSpans(open, out count));
        Assert.Equal(2, count);
        Assert.Equal(root.Handle, open[0]);
        Assert.Equal(created.Handle, open[1]);

        Assert.Equal(KtResult.InvalidArgument, created.SetStartTime(0));
        Assert.Equal(KtResult.InvalidArgument, created.UpdateName([0xff]));
        Ids.Ok(context.End());
        Assert.Equal(KtResult.Stale, created.Finish());
        Assert.Equal(KtResult.Stale, root.Finish());
    }

    [Fact]
    public void Should_sample_false_stops_the_requests_spans()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(NativeTracer.Global.StartSpan(context, "open", out var open));
        Assert.True(Ids.Of(open).Sampled);
        Ids.Ok(context.SetShouldSample(false));
        Assert.False(Ids.Of(open).Sampled);
        Ids.Ok(NativeTracer.Global.StartSpan(context, "later", out var later));
        Assert.False(Ids.Of(later).Sampled);
        Ids.Ok(context.End());
    }

    [Fact]
    public void The_sampler_decides_on_the_trace_ids_random_bits()
    {
        byte[] high = Convert.FromHexString("0100000000000000_00ffffffffffffff".Replace("_", ""));
        byte[] low = Convert.FromHexString("0100000000000000_0000000000000001".Replace("_", ""));
        Ids.Ok(KtNative.TraceSampled(high, 0.5, out bool sampled));
        Assert.True(sampled);
        Ids.Ok(KtNative.TraceSampled(low, 0.5, out sampled));
        Assert.False(sampled);
        Assert.Equal(KtResult.InvalidArgument, KtNative.TraceSampled(high, 1.5, out _));
        Assert.Equal(KtResult.InvalidArgument, KtNative.TraceSampled(new byte[16], 0.5, out _));
        Assert.Equal(KtResult.InvalidArgument, KtNative.TraceSampled(new byte[15], 0.5, out _));
    }
}
