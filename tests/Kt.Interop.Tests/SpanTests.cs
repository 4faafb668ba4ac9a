using System.Text;

namespace Kt.Interop.Tests;

/// <summary>The whole API end to end through the binding, against the real libkt.so.</summary>
[Collection(NativeEngineCollection.Name)]
public class SpanTests
{
    private const string RemoteTrace = "0af7651916cd43dd8448eb211c80319c";
    private const string RemoteSpan = "b7ad6b7169203331";

    // The flags byte: bit 0 is sampled; bit 1 (W3C level 2's random trace id) may be set too.
    private static bool SampledFlag(string traceparent) => (Convert.FromHexString(traceparent[53..])[0] & 1) != 0;

    [Fact]
    public void Inject_matches_the_ids_of_a_root_span()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "root", out var root));
        var ids = Ids.Of(root);
        string traceparent = Ids.Traceparent(root);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", traceparent);
        Assert.Equal($"00-{ids.TraceId}-{ids.SpanId}-", traceparent[..53]);
        Assert.Equal(ids.Sampled, SampledFlag(traceparent));
        Ids.Ok(root.Finish());
    }

    [Fact]
    public void Tracers_are_created_from_utf16_and_utf8()
    {
        Ids.Ok(NativeTracer.Create("svc.orders", out var a, 1.0, "orders-ns"));
        Ids.Ok(NativeTracer.Create("svc.payments"u8, out var b, 0.25));
        Assert.NotEqual(NativeTracer.Global, a);
        Assert.NotEqual(a, b);
        Assert.NotEqual(0UL, a.Handle);
        Ids.Ok(a.StartSpan(NativeContext.None, "from a", out var span));
        Assert.False(span.IsNoop);
        Ids.Ok(span.Finish());
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "from global"u8, out var global));
        Ids.Ok(global.Finish());
    }

    [Fact]
    public void A_span_takes_every_kind_of_data()
    {
        Ids.Ok(NativeTracer.Create("everything", out var tracer));
        Ids.Ok(NativeContext.Begin(out var context));
        var options = new NativeSpanOptions { Kind = NativeSpanKind.Server, StartTimeNs = 1_700_000_000_000_000_000, ShouldSample = true };
        Ids.Ok(tracer.StartSpan(context, "GET /users/{id}", options, out var span), "start");

        Ids.Ok(span.SetAttribute("http.method"u8, "GET"u8), "utf8 string");
        Ids.Ok(span.SetAttribute("url.path", "/users/42 — ünïcödé 🚀"), "utf16 string");
        Ids.Ok(span.SetAttribute("empty", ""), "empty string");
        Ids.Ok(span.SetAttribute("http.status_code", 200L), "long");
        Ids.Ok(span.SetAttribute("retries"u8, 3L), "utf8 long");
        Ids.Ok(span.SetAttribute("ratio", 0.75), "double");
        Ids.Ok(span.SetAttribute("ratio8"u8, 1.5), "utf8 double");
        Ids.Ok(span.SetAttribute("cached", true), "bool");
        Ids.Ok(span.SetAttribute("cached8"u8, false), "utf8 bool");
        Ids.Ok(span.SetAttribute("ints", new long[] { 1, -2, long.MaxValue }), "long[]");
        Ids.Ok(span.SetAttribute("ints8"u8, new long[] { 7 }), "utf8 long[]");
        Ids.Ok(span.SetAttribute("reals", new double[] { 0.5, double.NaN, -1e300 }), "double[]");
        Ids.Ok(span.SetAttribute("reals8"u8, new double[] { 2.5 }), "utf8 double[]");
        Ids.Ok(span.SetAttribute("flags", new bool[] { true, false, true }), "bool[]");
        Ids.Ok(span.SetAttribute("flags8"u8, new bool[] { false }), "utf8 bool[]");
        Ids.Ok(span.SetAttribute("none", ReadOnlySpan<long>.Empty), "empty long[]");
        Ids.Ok(span.SetAttribute("names", new[] { "a", "", null!, "ünï", "🚀" }), "string[]");
        Ids.Ok(span.SetAttribute("many names", Enumerable.Range(0, 40).Select(i => $"name-{i}").ToArray()), "40 strings");
        Ids.Ok(span.SetAttribute("http.status_code", 404L), "a key set twice");

        Ids.Ok(span.AddEvent("cache.miss"), "event");
        Ids.Ok(span.AddEvent("db.query"u8, 1_700_000_000_500_000_000), "utf8 event with time");
        Ids.Ok(span.RecordError("upstream timed out"), "error");
        Ids.Ok(span.RecordError("utf8 error"u8), "utf8 error");
        Ids.Ok(span.SetStatus(NativeStatusCode.Unset), "unset status");
        Ids.Ok(span.SetStatus(NativeStatusCode.Error, "upstream failed"), "error status");
        Ids.Ok(span.SetStatus(NativeStatusCode.Error, "utf8 failed"u8), "utf8 error status");

        Ids.Ok(tracer.StartSpan(NativeContext.None, "linked", out var other));
        var linkedTrace = new byte[16];
        var linkedSpan = new byte[8];
        Ids.Ok(other.GetIds(linkedTrace, linkedSpan, out _));
        Ids.Ok(span.AddLink(linkedTrace, linkedSpan, 1), "link");
        Ids.Ok(span.AddLink(Convert.FromHexString(RemoteTrace), Convert.FromHexString(RemoteSpan), 0), "remote link");
        Ids.Ok(other.Finish());

        var (traceId, spanId, sampled) = Ids.Of(span);
        Assert.True(sampled);
        Assert.NotEqual(new string('0', 32), traceId);
        Assert.NotEqual(new string('0', 16), spanId);
        Ids.Ok(span.Finish(1_700_000_001_000_000_000), "finish with time");
        Ids.Ok(context.End());
        Ids.Ok(KtNative.Flush(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void The_scalar_and_string_members_of_kt_attribute_reach_the_library()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "kt_attribute", out var span));
        unsafe
        {
            fixed (byte* key = "k"u8)
            fixed (byte* text = "v"u8)
            {
                KtAttribute a = default;
                a.Key = new KtStr(key, 1);
                a.Type = KtAttrType.String;
                a.Value.String = new KtStr(text, 1);
                Assert.Equal(0, NativeMethods.kt_span_set_attribute(span.Handle, &a));
                a.Type = KtAttrType.Int;
                a.Value.Integer = 42;
                Assert.Equal(0, NativeMethods.kt_span_set_attribute(span.Handle, &a));
                a.Type = KtAttrType.Double;
                a.Value.Real = 4.2;
                Assert.Equal(0, NativeMethods.kt_span_set_attribute(span.Handle, &a));
                a.Type = KtAttrType.Bool;
                a.Value.Boolean = 1;
                Assert.Equal(0, NativeMethods.kt_span_set_attribute(span.Handle, &a));
                a.Type = 99;
                Assert.Equal((int)KtResult.InvalidArgument, NativeMethods.kt_span_set_attribute(span.Handle, &a));
                Assert.Contains("type", KtNative.LastError);

                var many = stackalloc KtAttribute[2];
                many[0] = default;
                many[0].Key = new KtStr(key, 1);
                many[0].Type = KtAttrType.Int;
                many[0].Value.Integer = 7;
                many[1] = many[0];
                many[1].Type = 99;
                Assert.Equal((int)KtResult.InvalidArgument, NativeMethods.kt_span_set_attributes(span.Handle, many, 2));
                Assert.Contains("attributes[1].type", KtNative.LastError);
                Assert.Equal(0, NativeMethods.kt_span_set_attributes(span.Handle, many, 1));
            }
        }
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void Sampling_options_decide_and_an_unsampled_span_still_takes_calls()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "forced out", new NativeSpanOptions { ShouldSample = false }, out var span));
        Assert.False(span.IsNoop);
        Assert.False(Ids.Of(span).Sampled);
        Assert.False(SampledFlag(Ids.Traceparent(span)));
        Ids.Ok(span.SetAttribute("k", "v"));
        Ids.Ok(span.AddEvent("e"));
        Ids.Ok(span.Finish());
        Assert.Equal(KtResult.Stale, span.Finish());

        Ids.Ok(NativeTracer.Create("never", out var never, 0.0));
        Ids.Ok(never.StartSpan(NativeContext.None, "rate 0", out var unsampled));
        Assert.False(Ids.Of(unsampled).Sampled);
        Ids.Ok(never.StartSpan(NativeContext.None, "rate 0, forced in", new NativeSpanOptions { ShouldSample = true }, out var forced));
        Assert.True(Ids.Of(forced).Sampled);
        Ids.Ok(unsampled.Finish());
        Ids.Ok(forced.Finish());
    }

    [Fact]
    public void The_active_span_in_a_context_parents_the_next_one()
    {
        Ids.Ok(NativeTracer.Create("active", out var tracer));
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(tracer.ActiveSpan(context, out var none));
        Assert.True(none.IsNoop);

        Ids.Ok(tracer.StartSpan(context, "parent", out var parent));
        Ids.Ok(tracer.SetActiveSpan(context, parent));
        Ids.Ok(tracer.ActiveSpan(context, out var active));
        Assert.Equal(parent, active);

        Ids.Ok(tracer.StartSpan(context, "child", out var child));
        var p = Ids.Of(parent);
        var c = Ids.Of(child);
        Assert.Equal(p.TraceId, c.TraceId);
        Assert.NotEqual(p.SpanId, c.SpanId);

        // Another tracer has its own active span in the same context: none, so a new trace.
        Ids.Ok(NativeTracer.Create("other", out var other));
        Ids.Ok(other.StartSpan(context, "unrelated", out var unrelated));
        Assert.NotEqual(p.TraceId, Ids.Of(unrelated).TraceId);

        // An explicit parent works without a context.
        Ids.Ok(tracer.StartSpan(NativeContext.None, "explicit", new NativeSpanOptions { Parent = child }, out var grandchild));
        Assert.Equal(p.TraceId, Ids.Of(grandchild).TraceId);

        // No context, no parent: a new trace.
        Ids.Ok(tracer.StartSpan(NativeContext.None, "root", out var root));
        Assert.NotEqual(p.TraceId, Ids.Of(root).TraceId);

        Ids.Ok(tracer.SetActiveSpan(context, NativeSpan.Noop));
        Ids.Ok(tracer.ActiveSpan(context, out var cleared));
        Assert.True(cleared.IsNoop);

        foreach (var s in new[] { grandchild, root, unrelated })
            Ids.Ok(s.Finish());

        // Ending the context releases what was started in it and is still open.
        Ids.Ok(KtNative.Counters(out var before));
        Ids.Ok(context.End());
        Ids.Ok(KtNative.Counters(out var after));
        Assert.Equal(2UL, after.SpansReleased - before.SpansReleased);
        Assert.Equal(KtResult.Stale, parent.Finish());
        Assert.Equal(KtResult.Stale, child.SetAttribute("k", 1L));
        Assert.Equal(KtResult.Stale, context.End());
        Assert.Equal(KtResult.Stale, tracer.ActiveSpan(context, out _));
    }

    [Fact]
    public void An_extracted_parent_continues_its_trace_and_inject_matches_the_ids()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(context.Extract(Encoding.ASCII.GetBytes($"00-{RemoteTrace}-{RemoteSpan}-01"), "congo=t61rcWkgMzE"u8), "extract");
        Ids.Ok(NativeTracer.Global.StartSpan(context, "server"u8, new NativeSpanOptions { Kind = NativeSpanKind.Server }, out var server));
        var ids = Ids.Of(server);
        Assert.Equal(RemoteTrace, ids.TraceId);
        Assert.NotEqual(RemoteSpan, ids.SpanId);
        Assert.True(ids.Sampled);

        string traceparent = Ids.Traceparent(server);
        Assert.Equal(55, traceparent.Length);
        Assert.Equal($"00-{ids.TraceId}-{ids.SpanId}-", traceparent[..53]);
        Assert.True(SampledFlag(traceparent));

        // Exactly 55 bytes fit; 54 do not.
        Assert.Equal(KtResult.Ok, server.TryInject(new byte[55], out int written));
        Assert.Equal(55, written);
        Assert.Equal(KtResult.BufferTooSmall, server.TryInject(new byte[54], out written));
        Assert.Equal(0, written);
        Assert.Contains("buffer", KtNative.LastError);

        // The tracestate travels with the trace, for the next hop.
        var state = new byte[64];
        Assert.Equal(KtResult.Ok, server.TryGetTraceState(state, out written));
        Assert.Equal("congo=t61rcWkgMzE", Encoding.ASCII.GetString(state, 0, written));
        Assert.Equal(KtResult.BufferTooSmall, server.TryGetTraceState(new byte[4], out written));

        Ids.Ok(server.Finish());
        Assert.Equal(KtResult.Stale, server.TryGetTraceState(state, out _));
        Ids.Ok(context.End());

        // The remote parent's unsampled flag is followed; UTF-16 headers work too.
        Ids.Ok(NativeContext.Begin(out var second));
        Ids.Ok(second.Extract($"00-{RemoteTrace}-{RemoteSpan}-00"), "utf16 extract");
        Ids.Ok(NativeTracer.Global.StartSpan(second, "unsampled child", out var child));
        string unsampled = Ids.Traceparent(child);
        Assert.Equal($"00-{RemoteTrace}-{Ids.Of(child).SpanId}-", unsampled[..53]);
        Assert.False(SampledFlag(unsampled));
        Ids.Ok(child.Finish());
        Ids.Ok(second.End());
    }

    [Fact]
    public void A_bad_traceparent_is_refused_and_a_new_trace_starts()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Assert.Equal(KtResult.InvalidArgument, context.Extract($"00-{RemoteTrace}-{RemoteSpan}-0"));
        Assert.Contains("traceparent", KtNative.LastError);
        Assert.Equal(KtResult.InvalidArgument, context.Extract($"00-{new string('0', 32)}-{RemoteSpan}-01"));
        Ids.Ok(NativeTracer.Global.StartSpan(context, "fresh", out var span));
        Assert.NotEqual(RemoteTrace, Ids.Of(span).TraceId);
        Ids.Ok(span.Finish());
        Ids.Ok(context.End());
    }

    [Fact]
    public void The_noop_span_accepts_everything_and_has_zero_ids()
    {
        var noop = NativeSpan.Noop;
        Assert.True(noop.IsNoop);
        Assert.Equal(default, noop);
        Ids.Ok(noop.SetAttribute("k", "v"));
        Ids.Ok(noop.SetAttribute("k", 1L));
        Ids.Ok(noop.SetAttribute("k", 1.0));
        Ids.Ok(noop.SetAttribute("k", true));
        Ids.Ok(noop.SetAttribute("k", new long[] { 1 }));
        Ids.Ok(noop.AddEvent("e"));
        Ids.Ok(noop.RecordError("m"));
        Ids.Ok(noop.SetStatus(NativeStatusCode.Ok));
        Ids.Ok(noop.AddLink(Convert.FromHexString(RemoteTrace), Convert.FromHexString(RemoteSpan), 1));
        Ids.Ok(noop.Finish());
        Ids.Ok(noop.Release());
        var (traceId, spanId, sampled) = Ids.Of(noop);
        Assert.Equal(new string('0', 32), traceId);
        Assert.Equal(new string('0', 16), spanId);
        Assert.False(sampled);
        // kt.h: the no-op span has no traceparent.
        Assert.Equal(KtResult.InvalidArgument, noop.TryInject(new byte[64], out _));
    }

    [Fact]
    public void Ids_may_be_skipped_but_not_truncated()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "ids", out var span));
        Ids.Ok(span.GetIds(default, default, out bool sampled));
        Assert.True(sampled);
        var spanId = new byte[8];
        Ids.Ok(span.GetIds(default, spanId, out _));
        Assert.Equal(Ids.Of(span).SpanId, Convert.ToHexStringLower(spanId));
        Assert.Equal(KtResult.BufferTooSmall, span.GetIds(new byte[15], default, out _));
        Assert.Equal(KtResult.BufferTooSmall, span.GetIds(default, new byte[7], out _));
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void Long_utf16_text_goes_through_a_pooled_buffer()
    {
        string name = new('n', 600);
        string value = string.Concat(Enumerable.Repeat("ünïcödé🚀", 200));
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, name, out var span), "600-char name");
        Ids.Ok(span.SetAttribute(new string('k', 513), value), "long key and value");
        Ids.Ok(span.AddEvent(new string('e', 171)), "171 chars: just over the stack buffer's worst case");
        Ids.Ok(span.SetStatus(NativeStatusCode.Error, value));
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void Release_gives_the_span_back_without_exporting_it()
    {
        Ids.Ok(KtNative.Flush(TimeSpan.FromSeconds(10)));
        Ids.Ok(KtNative.Counters(out var before));
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "released", out var span));
        Ids.Ok(span.Release());
        Assert.Equal(KtResult.Stale, span.Release());
        Assert.Equal(KtResult.Stale, span.Finish());
        Ids.Ok(KtNative.Flush(TimeSpan.FromSeconds(10)));
        Ids.Ok(KtNative.Counters(out var after));
        Assert.Equal(1UL, after.SpansReleased - before.SpansReleased);
        Assert.Equal(0UL, after.SpansFinished - before.SpansFinished);
        Assert.Equal(before.SpansExported, after.SpansExported);
    }

    [Fact]
    public void Counters_add_up_after_a_flush()
    {
        Ids.Ok(KtNative.Flush(TimeSpan.FromSeconds(10)));
        Ids.Ok(KtNative.Counters(out var before));
        Ids.Ok(NativeTracer.Create("counted", out var tracer));
        for (int i = 0; i < 10; i++)
        {
            Ids.Ok(tracer.StartSpan(NativeContext.None, "sampled", out var span));
            Ids.Ok(span.SetAttribute("i", (long)i));
            Ids.Ok(span.Finish());
        }
        for (int i = 0; i < 4; i++)
        {
            Ids.Ok(tracer.StartSpan(NativeContext.None, "sampled out", new NativeSpanOptions { ShouldSample = false }, out var span));
            Ids.Ok(span.Finish());
        }
        for (int i = 0; i < 3; i++)
        {
            Ids.Ok(tracer.StartSpan(NativeContext.None, "released", out var span));
            Ids.Ok(span.Release());
        }
        Ids.Ok(KtNative.Flush(TimeSpan.FromSeconds(10)));
        Ids.Ok(KtNative.Counters(out var after));

        Assert.Equal(17UL, after.SpansStarted - before.SpansStarted);
        Assert.Equal(14UL, after.SpansFinished - before.SpansFinished);
        Assert.Equal(4UL, after.SpansSampledOut - before.SpansSampledOut);
        Assert.Equal(3UL, after.SpansReleased - before.SpansReleased);
        Assert.Equal(10UL, after.SpansExported - before.SpansExported);
        Assert.Equal(before.DroppedNoSlot, after.DroppedNoSlot);
        Assert.Equal(before.DroppedQueueFull, after.DroppedQueueFull);
        Assert.Equal(before.ExportFailedSpans, after.ExportFailedSpans);
        Assert.Equal(before.SlotsInUse, after.SlotsInUse);
        Assert.Contains("started=", after.ToString());
    }
}
