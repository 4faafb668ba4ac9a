using System.Diagnostics;
using System.Text;
using Kt.Diagnostics;
using Kt.Text;

namespace Kt.Tests;

/// <summary>
/// What requests send that kt refuses or repairs: counted process-wide and reported in at most
/// one line a second per kind. The counters are the process's, so these tests run alone.
/// </summary>
[Collection(InputProblemCollection.Name)]
public class InputProblemTests
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    [Fact]
    public void Replace_records_invalid_text_with_U_FFFD_and_counts_it()
    {
        using var t = new TestEngine(new EngineOptions { InvalidUtf8 = InvalidUtf8Handling.Replace });
        long before = InputProblems.Counters.ValuesRepaired;
        var span = t.Engine.CreateTracer("kt").StartSpanUtf8(null, Latin1.GetBytes("GET /\xff"), default);
        Assert.Equal(KtStatus.Ok, span.SetAttributeUtf8("url.path"u8, Latin1.GetBytes("/caf\xe9/\xe2\x82")));
        Assert.Equal(KtStatus.Ok, span.SetAttribute("lone", "a\uD800b"));
        Assert.Equal(KtStatus.Ok, span.SetAttributeUtf8("fine"u8, "ünï"u8));
        span.Finish();
        var exported = t.Single("GET /\uFFFD");
        Assert.Equal("/caf\uFFFD/\uFFFD", exported.Attributes["url.path"]);
        Assert.Equal("a\uFFFDb", exported.Attributes["lone"]);
        Assert.Equal("ünï", exported.Attributes["fine"]);
        Assert.Equal(before + 3, InputProblems.Counters.ValuesRepaired);
    }

    [Fact]
    public void Refuse_is_the_default_and_counts_what_it_refused()
    {
        using var t = new TestEngine();
        long before = InputProblems.Counters.ValuesRefused;
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "s", default);
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttributeUtf8("k"u8, Latin1.GetBytes("\xff")));
        Assert.Equal(KtStatus.InvalidArgument, span.SetAttribute("k", "\uDC00"));
        span.Finish();
        Assert.False(t.Single("s").Attributes.ContainsKey("k"));
        Assert.Equal(before + 2, InputProblems.Counters.ValuesRefused);
    }

    [Fact]
    public void Refused_contexts_are_counted_by_format_and_reason_and_dropped_tracestates_by_reason()
    {
        var context = new TraceContext();
        long zero = InputProblems.ContextsRefused(PropagationFormat.W3C, PropagationStatus.ZeroTraceId);
        long b3 = InputProblems.ContextsRefused(PropagationFormat.B3);
        long badKey = InputProblems.TracestatesDropped(PropagationStatus.BadKey);
        long total = InputProblems.Counters.ContextsRefused;

        Assert.Equal(PropagationStatus.ZeroTraceId, context.Extract("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        Assert.Equal(PropagationStatus.Empty, context.Extract(""));
        var headers = new StringHeaderList([new("X-B3-TraceId", "xyz"), new("X-B3-SpanId", "a2fb4a1d1a96d312")]);
        Assert.Equal(PropagationStatus.BadTraceId, context.Extract(PropagationFormat.B3, headers).Status);
        Assert.Equal(PropagationStatus.Ok, context.Extract("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "Bad=1"));
        Assert.True(context.RemoteParent.IsValid);
        Assert.True(context.TraceState.IsEmpty);

        Assert.Equal(zero + 1, InputProblems.ContextsRefused(PropagationFormat.W3C, PropagationStatus.ZeroTraceId));
        Assert.Equal(b3 + 1, InputProblems.ContextsRefused(PropagationFormat.B3));
        Assert.Equal(badKey + 1, InputProblems.TracestatesDropped(PropagationStatus.BadKey));
        Assert.Equal(total + 2, InputProblems.Counters.ContextsRefused);
        Assert.Equal(0, InputProblems.ContextsRefused(PropagationFormat.None));
    }

    [Fact]
    public void A_flood_writes_a_line_a_second_at_most_with_the_count_and_a_safe_example()
    {
        var lines = new List<(KtLogLevel Level, string Message)>();
        KtLog.SetHandler((level, message) => { lock (lines) lines.Add((level, message)); });
        try
        {
            var context = new TraceContext();
            // lines of earlier tests are at least a second old before counting starts
            Thread.Sleep(1100);
            var elapsed = Stopwatch.StartNew();
            for (int i = 0; i < 20_000; i++)
                context.Extract(Latin1.GetBytes("00-\xff\n[error] forged"));
            elapsed.Stop();
            string[] refused;
            lock (lines)
                refused = lines.Where(l => l.Message.Contains("refused (no parent")).Select(l => l.Message).ToArray();
            Assert.InRange(refused.Length, 1, (int)elapsed.Elapsed.TotalSeconds + 1);
            Assert.Contains("\\xff\\x0a[error] forged", refused[0]);
            Assert.All(refused, m => Assert.DoesNotContain('\n', m));

            Thread.Sleep(1100);
            context.Extract("00-x");
            lock (lines)
            {
                var last = lines[^1];
                Assert.Equal(KtLogLevel.Info, last.Level);
                Assert.Matches(@"^\d+ trace contexts? refused .*w3c traceparent: bad_length: ""00-x""$", last.Message);
            }
        }
        finally
        {
            KtLog.SetHandler(null);
        }
    }

    [Fact]
    public void A_limiter_lets_one_line_through_a_second_and_counts_the_rest()
    {
        var limiter = new ReportLimiter();
        Assert.True(limiter.Occurred(out long first));
        Assert.Equal(1, first);
        var started = Stopwatch.StartNew();
        int lines = 0;
        while (started.ElapsedMilliseconds < 2500)
        {
            if (limiter.Occurred(out long count))
            {
                lines++;
                Assert.True(count > 1, "a line after a second of occurrences counts them all");
            }
        }
        Assert.InRange(lines, 1, 3);
        Thread.Sleep(1100);
        Assert.True(limiter.Occurred(out long last));
        Assert.True(last >= 1);
    }

    [Fact]
    public void Examples_are_cut_and_escaped()
    {
        Assert.Equal("\"a\\x22b\\x5cc\\x00\\xff\"", ExampleText.Quote<byte>([(byte)'a', (byte)'"', (byte)'b', (byte)'\\', (byte)'c', 0, 0xFF]));
        Assert.Equal("\"x\\ud800\"", ExampleText.Quote<char>("x\uD800"));
        var cut = ExampleText.Quote<char>(new string('a', 100));
        Assert.Equal("\"" + new string('a', ExampleText.MaxCharacters) + "\" (cut from 100)", cut);
    }

    [Fact]
    public void Repair_replaces_each_maximal_invalid_sequence_and_counts_characters()
    {
        static string Repair(byte[] source, int max = int.MaxValue, int room = 100)
        {
            var buffer = new byte[room];
            Assert.True(Utf8Text.CopyReplacingInvalid(source, buffer, max, out int written));
            return Encoding.UTF8.GetString(buffer, 0, written);
        }
        Assert.Equal("\uFFFD", Repair([0xFF]));
        Assert.Equal("a\uFFFDb", Repair([(byte)'a', 0xE2, 0x82, (byte)'b']));
        Assert.Equal("\uFFFD\uFFFD", Repair([0xC0, 0xAF]));
        Assert.Equal("é\uFFFD", Repair([0xC3, 0xA9, 0x80]));
        Assert.Equal("é\uFFFD", Repair([0xC3, 0xA9, 0x80, (byte)'z'], max: 2));
        Assert.False(Utf8Text.CopyReplacingInvalid([0xFF, 0xFF], new byte[5], int.MaxValue, out _));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public class InputProblemCollection
{
    public const string Name = "input problems";
}
