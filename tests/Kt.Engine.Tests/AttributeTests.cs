using System.Text;

namespace Kt.Tests;

/// <summary>Attribute types, last-value-wins, limits with dropped counts, and text rules.</summary>
public class AttributeTests
{
    private static ExportedSpanAttributes Run(Action<SpanHandleBox> act, EngineOptions? options = null)
    {
        using var t = new TestEngine(options);
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        var box = new SpanHandleBox(t.Engine, span.Token);
        act(box);
        span.Finish();
        var exported = t.Single("s");
        return new ExportedSpanAttributes(exported.Attributes, exported.DroppedAttributes, box.Statuses);
    }

    [Fact]
    public void Every_type_and_array_type_round_trips()
    {
        var result = Run(s =>
        {
            s.Do(h => h.SetAttribute("str", "v"));
            s.Do(h => h.SetAttribute("int", -42L));
            s.Do(h => h.SetAttribute("dbl", 2.5));
            s.Do(h => h.SetAttribute("bool", true));
            s.Do(h => h.SetAttribute("strs", (ReadOnlySpan<string>)["a", "", "ünï"]));
            s.Do(h => h.SetAttribute("ints", (ReadOnlySpan<long>)[1, long.MinValue, long.MaxValue]));
            s.Do(h => h.SetAttribute("dbls", (ReadOnlySpan<double>)[0.5, -1e300]));
            s.Do(h => h.SetAttribute("bools", (ReadOnlySpan<bool>)[true, false, true]));
            s.Do(h => h.SetAttributeUtf8("utf8"u8, "bytes"u8));
            s.Do(h => h.SetAttributeUtf8("utf8int"u8, 7L));
            s.Do(h => h.SetAttribute(new SpanAttribute("viaStruct", new long[] { 9 })));
        });
        Assert.All(result.Statuses, st => Assert.Equal(KtStatus.Ok, st));
        var a = result.Attributes;
        Assert.Equal("v", a["str"]);
        Assert.Equal(-42L, a["int"]);
        Assert.Equal(2.5, a["dbl"]);
        Assert.Equal(true, a["bool"]);
        Assert.Equal(new[] { "a", "", "ünï" }, a["strs"]);
        Assert.Equal(new[] { 1, long.MinValue, long.MaxValue }, a["ints"]);
        Assert.Equal(new[] { 0.5, -1e300 }, a["dbls"]);
        Assert.Equal(new[] { true, false, true }, a["bools"]);
        Assert.Equal("bytes", a["utf8"]);
        Assert.Equal(7L, a["utf8int"]);
        Assert.Equal(new long[] { 9 }, a["viaStruct"]);
        Assert.Equal(0, result.Dropped);
    }

    [Fact]
    public void Setting_a_key_twice_keeps_the_last_value_even_of_another_type()
    {
        var result = Run(s =>
        {
            s.Do(h => h.SetAttribute("k", "first"));
            s.Do(h => h.SetAttribute("other", 1L));
            s.Do(h => h.SetAttribute("k", "second"));
            s.Do(h => h.SetAttribute("k", 3L));
        });
        Assert.Equal(2, result.Attributes.Count);
        Assert.Equal(3L, result.Attributes["k"]);
        Assert.Equal(0, result.Dropped);
    }

    [Fact]
    public void Attributes_past_the_count_limit_are_dropped_and_counted_but_existing_keys_still_update()
    {
        var options = new EngineOptions { MaxSpans = 8, Limits = new SpanLimits { AttributeCountLimit = 3 } };
        var result = Run(s =>
        {
            for (int i = 0; i < 5; i++)
                s.Do(h => h.SetAttribute("k" + i, (long)i));
            s.Do(h => h.SetAttribute("k0", 100L));
        }, options);
        Assert.Equal([KtStatus.Ok, KtStatus.Ok, KtStatus.Ok, KtStatus.LimitReached, KtStatus.LimitReached, KtStatus.Ok], result.Statuses);
        Assert.Equal(3, result.Attributes.Count);
        Assert.Equal(100L, result.Attributes["k0"]);
        Assert.Equal(2, result.Dropped);
    }

    [Fact]
    public void Storage_smaller_than_the_limit_caps_it_and_counts_the_drops()
    {
        var options = new EngineOptions { MaxSpans = 8, AttributesPerSpan = 2 };
        var result = Run(s =>
        {
            for (int i = 0; i < 4; i++)
                s.Do(h => h.SetAttribute("k" + i, (long)i));
        }, options);
        Assert.Equal(2, result.Attributes.Count);
        Assert.Equal(2, result.Dropped);
    }

    [Fact]
    public void Text_that_does_not_fit_the_arena_is_dropped_and_counted()
    {
        var options = new EngineOptions { MaxSpans = 8, BytesPerSpan = 64 };
        var result = Run(s =>
        {
            s.Do(h => h.SetAttribute("small", "ok"));
            s.Do(h => h.SetAttribute("big", new string('x', 100)));
            s.Do(h => h.SetAttribute("after", 1L));
        }, options);
        Assert.Equal([KtStatus.Ok, KtStatus.LimitReached, KtStatus.Ok], result.Statuses);
        Assert.Equal(2, result.Attributes.Count);
        Assert.Equal(1, result.Dropped);
    }

    [Fact]
    public void Values_longer_than_the_length_limit_are_cut_on_character_boundaries()
    {
        var options = new EngineOptions { MaxSpans = 8, Limits = new SpanLimits { AttributeValueLengthLimit = 3 } };
        var result = Run(s =>
        {
            s.Do(h => h.SetAttribute("ascii", "abcdef"));
            s.Do(h => h.SetAttribute("multi", "żółwie"));
            s.Do(h => h.SetAttribute("pairs", "😀😀😀😀"));
            s.Do(h => h.SetAttributeUtf8("utf8"u8, Encoding.UTF8.GetBytes("żółwie")));
            s.Do(h => h.SetAttribute("strs", (ReadOnlySpan<string>)["abcdef", "x"]));
            s.Do(h => h.SetAttribute("num", 123456789L));
            s.Do(h => h.SetAttribute("exact", "xyz"));
            s.Do(h => h.SetAttribute("short", "żó"));
            s.Do(h => h.SetAttributeUtf8("utf8short"u8, Encoding.UTF8.GetBytes("żó")));
            s.Do(h => h.SetAttributeUtf8("utf8exact"u8, Encoding.UTF8.GetBytes("żół")));
        }, options);
        Assert.Equal("xyz", result.Attributes["exact"]);
        Assert.Equal("żó", result.Attributes["short"]);
        Assert.Equal("żó", result.Attributes["utf8short"]);
        Assert.Equal("żół", result.Attributes["utf8exact"]);
        Assert.Equal("abc", result.Attributes["ascii"]);
        Assert.Equal("żół", result.Attributes["multi"]);
        Assert.Equal("😀😀😀", result.Attributes["pairs"]);
        Assert.Equal("żół", result.Attributes["utf8"]);
        Assert.Equal(new[] { "abc", "x" }, result.Attributes["strs"]);
        Assert.Equal(123456789L, result.Attributes["num"]);
    }

    [Fact]
    public void Bad_utf8_and_lone_surrogates_are_refused_and_leave_nothing_behind()
    {
        var result = Run(s =>
        {
            s.Do(h => h.SetAttributeUtf8([0xC3, 0x28], "v"u8));
            s.Do(h => h.SetAttributeUtf8("k"u8, [0xFF]));
            s.Do(h => h.SetAttribute("\uD800", "v"));
            s.Do(h => h.SetAttribute("k2", "\uDC00x"));
            s.Do(h => h.SetAttribute("good", "yes"));
        });
        Assert.Equal([KtStatus.InvalidArgument, KtStatus.InvalidArgument, KtStatus.InvalidArgument, KtStatus.InvalidArgument, KtStatus.Ok], result.Statuses);
        Assert.Equal(new Dictionary<string, object> { ["good"] = "yes" }, result.Attributes);
        Assert.Equal(0, result.Dropped);
    }

    [Fact]
    public void The_callers_buffers_are_copied_not_kept()
    {
        var key = Encoding.UTF8.GetBytes("key");
        var value = Encoding.UTF8.GetBytes("value");
        var result = Run(s =>
        {
            s.Do(h => h.SetAttributeUtf8(key, value));
            key.AsSpan().Fill((byte)'X');
            value.AsSpan().Fill((byte)'Y');
        });
        Assert.Equal("value", result.Attributes["key"]);
    }

    [Fact]
    public void Initial_attributes_from_start_options()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", new SpanOptions
        {
            Attributes = [new("http.request.method", "GET"), new("http.response.status_code", 200L), new("ok", true)],
        });
        span.Finish();
        var a = t.Single("s").Attributes;
        Assert.Equal("GET", a["http.request.method"]);
        Assert.Equal(200L, a["http.response.status_code"]);
        Assert.Equal(true, a["ok"]);
    }

    [Fact]
    public void Unsampled_spans_accept_calls_and_record_nothing()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt", new TracerOptions { SamplingRate = 0 }).StartSpan(null, "s", default);
        Assert.True(span.IsAlive);
        Assert.False(span.IsRecording);
        Assert.True(span.Context.IsValid);
        Assert.False(span.Context.IsSampled);
        Assert.Equal(KtStatus.Ok, span.SetAttribute("k", "v"));
        Assert.Equal(KtStatus.Ok, span.AddEvent("e"));
        Assert.Equal(KtStatus.Ok, span.Finish());
        Assert.Equal(KtStatus.StaleHandle, span.Finish());
        Assert.Empty(t.Flush());
        var counters = t.Engine.ReadCounters();
        Assert.Equal(1, counters.SpansSampledOut);
        Assert.Equal(0, counters.SlotsInUse);
    }

    internal sealed record ExportedSpanAttributes(IReadOnlyDictionary<string, object> Attributes, int Dropped, List<KtStatus> Statuses);

    internal sealed class SpanHandleBox(TraceEngine engine, long token)
    {
        public delegate KtStatus Call(SpanHandle span);

        public List<KtStatus> Statuses { get; } = [];

        public void Do(Call call) => Statuses.Add(call(SpanHandle.FromToken(engine, token)));
    }
}
