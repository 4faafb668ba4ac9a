namespace Kt.Interop.Tests;

/// <summary>The input counters through the binding, against the real libkt.so: what requests sent that was refused.</summary>
[Collection(NativeEngineCollection.Name)]
public class InputProblemTests
{
    [Fact]
    public void Refused_headers_are_counted_by_format_and_reason()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(KtNative.ContextsRefused(NativePropagationFormat.Gcp, KtRefusalReason.Any, out ulong gcpBefore));
        Ids.Ok(KtNative.ContextsRefused(NativePropagationFormat.W3C, KtRefusalReason.ZeroSpanId, out ulong zeroBefore));
        ulong totalBefore = KtNative.InputCounters().ContextsRefused;

        Assert.Equal(KtResult.InvalidArgument, context.Extract("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"));
        Assert.Equal(KtResult.InvalidArgument, context.Extract([NativePropagationFormat.Gcp], [new("X-Cloud-Trace-Context", "zz/1;o=1")], out _));

        Ids.Ok(KtNative.ContextsRefused(NativePropagationFormat.Gcp, KtRefusalReason.Any, out ulong gcp));
        Ids.Ok(KtNative.ContextsRefused(NativePropagationFormat.W3C, KtRefusalReason.ZeroSpanId, out ulong zero));
        Assert.Equal(gcpBefore + 1, gcp);
        Assert.Equal(zeroBefore + 1, zero);
        Assert.Equal(totalBefore + 2, KtNative.InputCounters().ContextsRefused);
        Ids.Ok(context.End());
    }

    [Fact]
    public void A_bad_tracestate_is_dropped_and_counted_and_the_parent_kept()
    {
        Ids.Ok(NativeTracer.Create("input", out var tracer, 1.0));
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(KtNative.TracestatesDropped(KtRefusalReason.BadValue, out ulong before));

        Ids.Ok(context.Extract("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8, "congo="u8.ToArray().Append((byte)0xFF).ToArray()));
        Ids.Ok(tracer.StartSpan(context, "server", out var span));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", Ids.Of(span).TraceId);
        Ids.Ok(span.Finish());

        Ids.Ok(KtNative.TracestatesDropped(KtRefusalReason.BadValue, out ulong after));
        Assert.Equal(before + 1, after);
        Ids.Ok(context.End());
    }

    [Fact]
    public void Log_lines_reach_a_handler_of_the_host()
    {
        var lines = new List<(int Level, string Message)>();
        Ids.Ok(NativeLog.SetHandler((level, message) => { lock (lines) lines.Add((level, message)); }));
        try
        {
            Ids.Ok(NativeContext.Begin(out var context));
            // a line of the same kind written less than a second ago holds this one back
            Thread.Sleep(1100);
            Assert.Equal(KtResult.InvalidArgument, context.Extract("00-not-a-traceparent"));
            Ids.Ok(context.End());
            lock (lines)
            {
                var line = Assert.Single(lines, l => l.Message.Contains("refused (no parent taken"));
                Assert.Equal(4, line.Level);
                Assert.Contains("w3c traceparent: bad_length: \"00-not-a-traceparent\"", line.Message);
            }
        }
        finally
        {
            Ids.Ok(NativeLog.SetHandler(null));
        }
    }

    [Fact]
    public void Unknown_formats_and_reasons_are_refused_and_reasons_named()
    {
        Assert.Equal(KtResult.InvalidArgument, KtNative.ContextsRefused(NativePropagationFormat.None, KtRefusalReason.Any, out _));
        Assert.Equal(KtResult.InvalidArgument, KtNative.ContextsRefused(NativePropagationFormat.W3C, (KtRefusalReason)1, out _));
        Assert.Equal(KtResult.InvalidArgument, KtNative.TracestatesDropped((KtRefusalReason)99, out _));
        Assert.Equal("bad_trace_id", KtNative.ReasonName(KtRefusalReason.BadTraceId));
        Assert.Equal("duplicate_key", KtNative.ReasonName(KtRefusalReason.DuplicateKey));
        Assert.Equal("unknown reason", KtNative.ReasonName((KtRefusalReason)99));
        foreach (var reason in Enum.GetValues<KtRefusalReason>().Where(r => r != KtRefusalReason.Any))
            Assert.NotEqual("unknown reason", KtNative.ReasonName(reason));
    }
}
