using System.Text;

namespace Kt.Tests;

public class TraceparentTests
{
    private const string Trace = "0af7651916cd43dd8448eb211c80319c";
    private const string Span = "b7ad6b7169203331";
    private const string Valid = "00-" + Trace + "-" + Span + "-01";

    private static readonly TraceId ExpectedTrace = new(0x0af7651916cd43ddUL, 0x8448eb211c80319cUL);
    private static readonly SpanId ExpectedSpan = new(0xb7ad6b7169203331UL);

    // Every ASCII vector goes through both overloads, which must agree.
    private static PropagationStatus Parse(string header, out SpanContext context)
    {
        var fromBytes = Traceparent.TryParse(Encoding.ASCII.GetBytes(header), out context);
        var fromChars = Traceparent.TryParse(header.AsSpan(), out var charContext);
        Assert.Equal(fromBytes, fromChars);
        Assert.Equal(context, charContext);
        return fromBytes;
    }

    [Fact]
    public void ParsesAValidHeader()
    {
        Assert.Equal(PropagationStatus.Ok, Parse(Valid, out var context));
        Assert.Equal(ExpectedTrace, context.TraceId);
        Assert.Equal(ExpectedSpan, context.SpanId);
        Assert.Equal(TraceFlags.Sampled, context.Flags);
        Assert.True(context.IsRemote);
        Assert.True(context.IsSampled);
    }

    [Theory]
    [InlineData("00", TraceFlags.None)]
    [InlineData("01", TraceFlags.Sampled)]
    [InlineData("02", TraceFlags.Random)]
    [InlineData("03", TraceFlags.Sampled | TraceFlags.Random)]
    [InlineData("09", TraceFlags.Sampled)]
    [InlineData("fc", TraceFlags.None)]
    [InlineData("ff", TraceFlags.Sampled | TraceFlags.Random)]
    public void KeepsOnlyTheDefinedFlags(string flags, TraceFlags expected)
    {
        Assert.Equal(PropagationStatus.Ok, Parse($"00-{Trace}-{Span}-{flags}", out var context));
        Assert.Equal(expected, context.Flags);
    }

    [Fact]
    public void KeepsOnlyTheDefinedFlagsOfAFutureVersion()
    {
        Assert.Equal(PropagationStatus.Ok, Parse($"42-{Trace}-{Span}-f7-new", out var context));
        Assert.Equal(TraceFlags.Sampled | TraceFlags.Random, context.Flags);
    }

    [Theory]
    [InlineData(" " + Valid)]
    [InlineData("\t" + Valid)]
    [InlineData(Valid + " ")]
    [InlineData(Valid + "\t")]
    [InlineData("\t \t" + Valid + " \t ")]
    public void IgnoresSurroundingWhitespace(string header)
    {
        Assert.Equal(PropagationStatus.Ok, Parse(header, out var context));
        Assert.Equal(ExpectedTrace, context.TraceId);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t \t")]
    public void ReportsAnEmptyHeader(string header) =>
        Assert.Equal(PropagationStatus.Empty, Parse(header, out _));

    [Theory]
    [InlineData("01-" + Trace + "-" + Span + "-01")]
    [InlineData("cc-" + Trace + "-" + Span + "-01")]
    [InlineData("fe-" + Trace + "-" + Span + "-01")]
    [InlineData("cc-" + Trace + "-" + Span + "-01-")]
    [InlineData("cc-" + Trace + "-" + Span + "-01-later-fields-go-here")]
    [InlineData("cc-" + Trace + "-" + Span + "-01-UPPER.and.anything")]
    [InlineData(" cc-" + Trace + "-" + Span + "-01-x\t")]
    public void AcceptsAFutureVersion(string header)
    {
        Assert.Equal(PropagationStatus.Ok, Parse(header, out var context));
        Assert.Equal(ExpectedTrace, context.TraceId);
        Assert.Equal(ExpectedSpan, context.SpanId);
        Assert.Equal(TraceFlags.Sampled, context.Flags);
    }

    [Theory]
    [InlineData("cc-" + Trace + "-" + Span + "-01.later", PropagationStatus.BadFormat)]
    [InlineData("cc-" + Trace + "-" + Span + "-011", PropagationStatus.BadFormat)]
    [InlineData("cc-" + Trace + "-" + Span + "-01 -x", PropagationStatus.BadFormat)]
    [InlineData("cc-" + Trace + "-" + Span + "-1", PropagationStatus.BadLength)]
    [InlineData("cc-" + Trace + "-" + Span, PropagationStatus.BadLength)]
    [InlineData("cc-00000000000000000000000000000000-" + Span + "-01-x", PropagationStatus.ZeroTraceId)]
    [InlineData("cc-" + Trace + "-0000000000000000-01-x", PropagationStatus.ZeroSpanId)]
    [InlineData("cc-" + Trace + "-" + Span + "-0G-x", PropagationStatus.BadFlags)]
    public void RefusesABadFutureVersion(string header, PropagationStatus expected) =>
        Assert.Equal(expected, Parse(header, out _));

    [Theory]
    [InlineData("ff-" + Trace + "-" + Span + "-01")]
    [InlineData("FF-" + Trace + "-" + Span + "-01")]
    [InlineData("0A-" + Trace + "-" + Span + "-01")]
    [InlineData("Cc-" + Trace + "-" + Span + "-01")]
    [InlineData(".0-" + Trace + "-" + Span + "-01")]
    [InlineData("0.-" + Trace + "-" + Span + "-01")]
    [InlineData("0g-" + Trace + "-" + Span + "-01")]
    [InlineData("ff-" + Trace + "-" + Span + "-01-x")]
    public void RefusesABadVersion(string header) =>
        Assert.Equal(PropagationStatus.BadVersion, Parse(header, out _));

    [Theory]
    [InlineData(Valid + ".")]
    [InlineData(Valid + "-")]
    [InlineData(Valid + "-later-fields")]
    [InlineData("000-" + Trace + "-" + Span + "-01")]
    [InlineData("0000-" + Trace + "-" + Span + "-01")]
    [InlineData("0-" + Trace + "-" + Span + "-01")]
    [InlineData("00-" + Trace + "3-" + Span + "-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319-" + Span + "-01")]
    [InlineData("00-" + Trace + "-" + Span + "7-01")]
    [InlineData("00-" + Trace + "-b7ad6b716920333-01")]
    [InlineData("00-" + Trace + "-" + Span + "-001")]
    [InlineData("00-" + Trace + "-" + Span + "-1")]
    [InlineData("00-" + Trace + "-" + Span)]
    [InlineData("00")]
    public void RefusesAVersion00HeaderOfTheWrongLength(string header) =>
        Assert.Equal(PropagationStatus.BadLength, Parse(header, out _));

    [Theory]
    [InlineData("00_" + Trace + "-" + Span + "-01")]
    [InlineData("00-" + Trace + "_" + Span + "-01")]
    [InlineData("00-" + Trace + "-" + Span + "_01")]
    [InlineData("00-" + Trace + " " + Span + "-01")]
    [InlineData("00-" + Trace + "-" + Span + " 01")]
    [InlineData("00 " + Trace + "-" + Span + "-01")]
    public void RefusesMisplacedSeparators(string header) =>
        Assert.Equal(PropagationStatus.BadFormat, Parse(header, out _));

    [Theory]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319C-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-.af7651916cd43dd8448eb211c80319c-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319.-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-0af7651916cd43dd 448eb211c80319c-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-0af7651916cd43dd-448eb211c80319c-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-0af7651916cd43dg8448eb211c80319c-" + Span + "-01", PropagationStatus.BadTraceId)]
    [InlineData("00-" + Trace + "-B7AD6B7169203331-01", PropagationStatus.BadSpanId)]
    [InlineData("00-" + Trace + "-b7ad6b716920333F-01", PropagationStatus.BadSpanId)]
    [InlineData("00-" + Trace + "-.7ad6b7169203331-01", PropagationStatus.BadSpanId)]
    [InlineData("00-" + Trace + "-b7ad6b716920333.-01", PropagationStatus.BadSpanId)]
    [InlineData("00-" + Trace + "-b7ad6b71\t9203331-01", PropagationStatus.BadSpanId)]
    [InlineData("00-" + Trace + "-" + Span + "-0A", PropagationStatus.BadFlags)]
    [InlineData("00-" + Trace + "-" + Span + "-.0", PropagationStatus.BadFlags)]
    [InlineData("00-" + Trace + "-" + Span + "-0.", PropagationStatus.BadFlags)]
    [InlineData("00-" + Trace + "-" + Span + "-x1", PropagationStatus.BadFlags)]
    public void RefusesNonLowerCaseHex(string header, PropagationStatus expected) =>
        Assert.Equal(expected, Parse(header, out _));

    [Theory]
    [InlineData("00-00000000000000000000000000000000-" + Span + "-01", PropagationStatus.ZeroTraceId)]
    [InlineData("00-" + Trace + "-0000000000000000-01", PropagationStatus.ZeroSpanId)]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01", PropagationStatus.ZeroTraceId)]
    public void RefusesAllZeroIds(string header, PropagationStatus expected)
    {
        Assert.Equal(expected, Parse(header, out var context));
        Assert.Equal(default, context);
    }

    [Fact]
    public void AcceptsIdsWithZeroHalves()
    {
        Assert.Equal(PropagationStatus.Ok, Parse("00-00000000000000000000000000000001-0000000000000001-00", out var context));
        Assert.Equal(new TraceId(0, 1), context.TraceId);
        Assert.Equal(new SpanId(1), context.SpanId);
    }

    [Theory]
    [InlineData(3, PropagationStatus.BadTraceId)]      // U+0130: its low byte is '0'
    [InlineData(40, PropagationStatus.BadSpanId)]
    [InlineData(54, PropagationStatus.BadFlags)]
    public void RefusesNonAsciiCharsEvenWhenTheirLowByteIsLegal(int index, PropagationStatus expected)
    {
        var header = Valid.ToCharArray();
        header[index] = '\u0130';
        Assert.Equal(expected, Traceparent.TryParse(header.AsSpan(), out _));
    }

    [Fact]
    public void RefusesANonAsciiCharWhoseLowByteIsADash()
    {
        var header = Valid.ToCharArray();
        header[2] = '\u012D';
        Assert.Equal(PropagationStatus.BadFormat, Traceparent.TryParse(header.AsSpan(), out _));
    }

    [Fact]
    public void DoesNotTrimNonAsciiWhitespace()
    {
        Assert.NotEqual(PropagationStatus.Ok, Traceparent.TryParse(("\u00A0" + Valid).AsSpan(), out _));
        Assert.NotEqual(PropagationStatus.Ok, Traceparent.TryParse(Encoding.UTF8.GetBytes("\u00A0" + Valid), out _));
    }

    [Fact]
    public void RefusesNonAsciiBytes()
    {
        var header = Encoding.ASCII.GetBytes(Valid);
        header[10] = 0xB0;
        Assert.Equal(PropagationStatus.BadTraceId, Traceparent.TryParse(header, out _));
    }

    [Fact]
    public void IgnoresNonAsciiAfterTheDashOfAFutureVersion()
    {
        var header = "cc-" + Trace + "-" + Span + "-01-\u00e9t\u00e9";
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryParse(Encoding.UTF8.GetBytes(header), out _));
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryParse(header.AsSpan(), out _));
    }

    [Fact]
    public void FormatsVersion00()
    {
        var context = new SpanContext(ExpectedTrace, ExpectedSpan, TraceFlags.Sampled);
        Span<byte> bytes = stackalloc byte[Traceparent.Length];
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryFormat(context, bytes, out int written));
        Assert.Equal(Traceparent.Length, written);
        Assert.Equal(Valid, Encoding.ASCII.GetString(bytes));

        Span<char> chars = stackalloc char[Traceparent.Length];
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryFormat(context, chars, out written));
        Assert.Equal(Traceparent.Length, written);
        Assert.Equal(Valid, chars.ToString());
    }

    [Fact]
    public void FormatsOnlyTheDefinedFlags()
    {
        var context = new SpanContext(ExpectedTrace, ExpectedSpan, (TraceFlags)0xFE);
        Span<char> chars = stackalloc char[Traceparent.Length];
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryFormat(context, chars, out _));
        Assert.EndsWith("-02", chars.ToString());
    }

    [Theory]
    [InlineData(0UL, 0UL, 0UL)]
    [InlineData(0UL, 0UL, 5UL)]
    [InlineData(1UL, 2UL, 0UL)]
    public void RefusesToFormatAnInvalidContext(ulong high, ulong low, ulong span)
    {
        var context = new SpanContext(new TraceId(high, low), new SpanId(span), TraceFlags.Sampled);
        var bytes = Enumerable.Repeat((byte)'x', 64).ToArray();
        Assert.Equal(PropagationStatus.InvalidContext, Traceparent.TryFormat(context, bytes, out int written));
        Assert.Equal(0, written);
        Assert.All(bytes, b => Assert.Equal((byte)'x', b));

        var chars = Enumerable.Repeat('x', 64).ToArray();
        Assert.Equal(PropagationStatus.InvalidContext, Traceparent.TryFormat(context, chars, out written));
        Assert.Equal(0, written);
        Assert.All(chars, c => Assert.Equal('x', c));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Traceparent.Length - 1)]
    public void RefusesATooSmallDestinationWithoutWriting(int size)
    {
        var context = new SpanContext(ExpectedTrace, ExpectedSpan, TraceFlags.Sampled);
        var bytes = Enumerable.Repeat((byte)'x', size).ToArray();
        Assert.Equal(PropagationStatus.BufferTooSmall, Traceparent.TryFormat(context, bytes, out int written));
        Assert.Equal(0, written);
        Assert.All(bytes, b => Assert.Equal((byte)'x', b));

        var chars = Enumerable.Repeat('x', size).ToArray();
        Assert.Equal(PropagationStatus.BufferTooSmall, Traceparent.TryFormat(context, chars, out written));
        Assert.Equal(0, written);
        Assert.All(chars, c => Assert.Equal('x', c));
    }

    [Fact]
    public void LeavesTheRestOfALargerDestinationAlone()
    {
        var context = new SpanContext(ExpectedTrace, ExpectedSpan, TraceFlags.Sampled);
        var bytes = Enumerable.Repeat((byte)'x', 80).ToArray();
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryFormat(context, bytes, out int written));
        Assert.Equal(Traceparent.Length, written);
        Assert.Equal(Valid, Encoding.ASCII.GetString(bytes, 0, written));
        Assert.All(bytes[written..], b => Assert.Equal((byte)'x', b));
    }

    [Theory]
    [InlineData(1UL, 0UL, 1UL, TraceFlags.None)]
    [InlineData(0UL, 1UL, ulong.MaxValue, TraceFlags.Sampled)]
    [InlineData(ulong.MaxValue, ulong.MaxValue, 0x8000000000000000UL, TraceFlags.Random)]
    [InlineData(0x0123456789abcdefUL, 0xfedcba9876543210UL, 0x00f067aa0ba902b7UL, TraceFlags.Sampled | TraceFlags.Random)]
    public void RoundTrips(ulong high, ulong low, ulong span, TraceFlags flags)
    {
        var original = new SpanContext(new TraceId(high, low), new SpanId(span), flags);

        Span<byte> bytes = stackalloc byte[Traceparent.Length];
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryFormat(original, bytes, out int written));
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryParse(bytes[..written], out var fromBytes));

        Span<char> chars = stackalloc char[Traceparent.Length];
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryFormat(original, chars, out written));
        Assert.Equal(PropagationStatus.Ok, Traceparent.TryParse(chars[..written], out var fromChars));

        var expected = new SpanContext(original.TraceId, original.SpanId, flags, isRemote: true);
        Assert.Equal(expected, fromBytes);
        Assert.Equal(expected, fromChars);
    }

    [Fact]
    public void ParseAndFormatAllocateNothing()
    {
        ParseAndFormat(1_000);
        long allocated = ParseAndFormat(10_000);
        Assert.Equal(0L, allocated);
    }

    // Proves the measurement can see an allocation, so the zero above means something.
    [Fact]
    public void TheAllocationCheckSeesAllocations()
    {
        TraceIdToString(1_000);
        long allocated = TraceIdToString(10_000);
        Assert.True(allocated > 0);
    }

    private static long ParseAndFormat(int iterations)
    {
        ReadOnlySpan<byte> header = "\t00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03 "u8;
        ReadOnlySpan<char> charHeader = "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-future";
        Span<byte> bytes = stackalloc byte[Traceparent.Length];
        Span<char> chars = stackalloc char[Traceparent.Length];
        int failures = 0;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            failures += (int)Traceparent.TryParse(header, out var context);
            failures += (int)Traceparent.TryParse(charHeader, out _);
            failures += (int)Traceparent.TryFormat(context, bytes, out _);
            failures += (int)Traceparent.TryFormat(context, chars, out _);
        }
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, failures);
        return after - before;
    }

    private static long TraceIdToString(int iterations)
    {
        ReadOnlySpan<byte> header = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03"u8;
        int length = 0;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            Traceparent.TryParse(header, out var context);
            length += context.TraceId.ToString().Length;
        }
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(32 * iterations, length);
        return after - before;
    }
}
