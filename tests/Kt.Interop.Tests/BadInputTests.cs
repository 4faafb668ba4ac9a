namespace Kt.Interop.Tests;

/// <summary>Malformed arguments, stale and forged handles: a status and a message naming the argument, never a crash.</summary>
[Collection(NativeEngineCollection.Name)]
public class BadInputTests
{
    private static readonly byte[] BadUtf8 = [0x61, 0xC3, 0x28];

    private static void Refused(KtResult result, string named)
    {
        Assert.Equal(KtResult.InvalidArgument, result);
        Assert.Contains(named, KtNative.LastError);
    }

    [Fact]
    public void Bad_utf8_is_refused_and_the_argument_named()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "bad utf8", out var span));
        Refused(span.SetAttribute(BadUtf8, "v"u8), "key");
        Refused(span.SetAttribute("k"u8, BadUtf8), "value");
        Refused(span.SetAttribute(BadUtf8, 1L), "key");
        Refused(span.SetAttribute(BadUtf8, 1.0), "key");
        Refused(span.SetAttribute(BadUtf8, true), "key");
        Refused(span.SetAttribute(BadUtf8, new long[] { 1 }), "key");
        Refused(span.AddEvent(BadUtf8), "name");
        Refused(span.RecordError(BadUtf8), "message");
        Refused(span.SetStatus(NativeStatusCode.Error, BadUtf8), "message");
        Refused(NativeTracer.Global.StartSpan(NativeContext.None, BadUtf8, out var none), "name");
        Assert.True(none.IsNoop);
        Refused(NativeTracer.Create(BadUtf8, out _), "name");
        Refused(NativeTracer.Create("ok"u8, out _, 1, BadUtf8), "ns");
        Ids.Ok(NativeContext.Begin(out var context));
        Refused(context.Extract(BadUtf8), "traceparent");
        Ids.Ok(context.End());
        // The span itself is untouched by the refusals.
        Ids.Ok(span.SetAttribute("k", "v"));
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void A_lone_surrogate_is_refused_like_bad_utf8()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "surrogates", out var span));
        Refused(span.SetAttribute("k\uD800", "v"), "key");
        Refused(span.SetAttribute("k", "v\uDC00"), "value");
        Refused(span.SetAttribute("k", "x" + new string('v', 600) + "\uD83D"), "value");
        Refused(span.SetAttribute("k\uD800", 1L), "key");
        Refused(span.SetAttribute("k", new[] { "fine", "bad\uD800" }), "value");
        Refused(span.AddEvent("\uDFFF"), "name");
        Refused(NativeTracer.Global.StartSpan(NativeContext.None, "\uD800", out _), "name");
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void Text_longer_than_KT_MAX_STRING_is_refused_by_length()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "too long", out var span));
        string huge = new('x', (1 << 24) + 1);
        Refused(span.SetAttribute("k", huge), "value");
        Assert.Contains("KT_MAX_STRING", KtNative.LastError);
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void Out_of_range_options_and_arguments_are_refused_and_named()
    {
        Refused(NativeTracer.Global.StartSpan(NativeContext.None, "k", new NativeSpanOptions { Kind = (NativeSpanKind)9 }, out _), "options.kind");
        Refused(NativeTracer.Global.StartSpan(NativeContext.None, "t", new NativeSpanOptions { StartTimeNs = -1 }, out _), "options.start_time_ns");
        Refused(NativeTracer.Create("", out _), "name");
        Refused(NativeTracer.Create("rate", out _, 1.5), "sampling_rate");
        Refused(NativeTracer.Create("rate", out _, double.NaN), "sampling_rate");

        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "args", out var span));
        Refused(span.SetStatus((NativeStatusCode)7, "x"), "code");
        Refused(span.AddEvent("e", -1), "time_ns");
        Refused(span.AddLink(new byte[16], new byte[8] { 0, 0, 0, 0, 0, 0, 0, 1 }, 1), "trace_id");
        Refused(span.AddLink(new byte[16] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, new byte[8], 1), "span_id");
        Refused(span.AddLink(new byte[15], new byte[8], 1), "trace_id");
        Refused(span.AddLink(new byte[16] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, new byte[9], 1), "span_id");
        Refused(span.Finish(-5), "end_time_ns");
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void A_finished_span_is_stale_everywhere()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(NativeTracer.Global.StartSpan(context, "finished", out var span));
        Ids.Ok(span.Finish());
        Assert.Equal(KtResult.Stale, span.Finish());
        Assert.Contains("span", KtNative.LastError);
        Assert.Equal(KtResult.Stale, span.Release());
        Assert.Equal(KtResult.Stale, span.SetAttribute("k", "v"));
        Assert.Equal(KtResult.Stale, span.SetAttribute("k"u8, "v"u8));
        Assert.Equal(KtResult.Stale, span.SetAttribute("k", 1L));
        Assert.Equal(KtResult.Stale, span.SetAttribute("k", 1.0));
        Assert.Equal(KtResult.Stale, span.SetAttribute("k", false));
        Assert.Equal(KtResult.Stale, span.SetAttribute("k", new double[] { 1 }));
        Assert.Equal(KtResult.Stale, span.AddEvent("e"));
        Assert.Equal(KtResult.Stale, span.RecordError("m"));
        Assert.Equal(KtResult.Stale, span.SetStatus(NativeStatusCode.Error, "m"));
        Assert.Equal(KtResult.Stale, span.AddLink(new byte[16] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, new byte[8] { 1, 0, 0, 0, 0, 0, 0, 0 }, 1));
        Assert.Equal(KtResult.Stale, span.GetIds(new byte[16], new byte[8], out _));
        Assert.Equal(KtResult.Stale, span.TryInject(new byte[64], out _));
        Assert.Equal(KtResult.Stale, NativeTracer.Global.SetActiveSpan(context, span));
        Ids.Ok(context.End());
    }

    [Fact]
    public void A_stale_parent_is_refused_or_ignored_without_harm()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "gone", out var gone));
        Ids.Ok(gone.Finish());
        var result = NativeTracer.Global.StartSpan(NativeContext.None, "orphan", new NativeSpanOptions { Parent = gone }, out var orphan);
        Assert.True(result is KtResult.Ok or KtResult.Stale or KtResult.InvalidArgument, $"{result}: {KtNative.LastError}");
        Ids.Ok(orphan.Finish());
    }

    [Theory]
    [InlineData(0xDEADBEEF12345678UL)]
    [InlineData(1UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(0x0000000100000001UL)]
    public void Forged_handles_are_refused(ulong handle)
    {
        var span = new NativeSpan(handle);
        Assert.True(span.SetAttribute("k", "v") is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(span.Finish() is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(span.Release() is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(span.GetIds(new byte[16], new byte[8], out _) is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(span.TryInject(new byte[64], out _) is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(span.AddEvent("e") is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);

        var tracer = new NativeTracer(handle);
        Assert.True(tracer.StartSpan(NativeContext.None, "x", out var none) is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(none.IsNoop);
        Assert.True(tracer.ActiveSpan(NativeContext.None, out _) is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);

        var context = new NativeContext(handle);
        Assert.True(context.End() is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(context.Extract("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8) is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(NativeTracer.Global.StartSpan(context, "x", out _) is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
        Assert.True(NativeTracer.Global.SetActiveSpan(context, NativeSpan.Noop) is KtResult.InvalidHandle or KtResult.Stale, KtNative.LastError);
    }

    [Fact]
    public void Context_zero_cannot_be_ended_or_extracted_into()
    {
        Assert.Equal(KtResult.InvalidHandle, NativeContext.None.End());
        Assert.Equal(KtResult.InvalidHandle, NativeContext.None.Extract("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8));
        Ids.Ok(NativeTracer.Global.ActiveSpan(NativeContext.None, out var none));
        Assert.True(none.IsNoop);
    }
}
