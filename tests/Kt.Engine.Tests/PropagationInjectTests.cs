namespace Kt.Tests;

/// <summary>What <see cref="SpanHandle.TryInject"/> refuses: small buffers, unknown formats, ended spans.</summary>
public class PropagationInjectTests
{
    private const string Traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public static TheoryData<PropagationFormat> Formats()
    {
        var data = new TheoryData<PropagationFormat>();
        for (var format = PropagationFormat.W3C; format <= PropagationFormat.Gcp; format++)
            data.Add(format);
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Needs_room_for_every_byte_and_every_header(PropagationFormat format)
    {
        using var t = new TestEngine();
        var context = new TraceContext();
        context.Extract(Traceparent, "congo=t61rcWkgMzE");
        var span = t.Engine.CreateTracer("kt").StartSpan(context, "client", default);
        var buffer = new byte[1024];
        var headers = new InjectedHeader[4];
        Assert.Equal(KtStatus.Ok, span.TryInject(format, buffer, headers, out int count));
        var last = headers[count - 1];
        int bytes = last.ValueStart + last.ValueLength;

        Assert.Equal(KtStatus.Ok, span.TryInject(format, buffer.AsSpan(0, bytes), headers.AsSpan(0, count), out int exactCount));
        Assert.Equal(count, exactCount);
        Assert.Equal(KtStatus.BufferTooSmall, span.TryInject(format, buffer.AsSpan(0, bytes - 1), headers, out int shortCount));
        Assert.Equal(0, shortCount);
        Assert.Equal(KtStatus.BufferTooSmall, span.TryInject(format, buffer, headers.AsSpan(0, count - 1), out shortCount));
        Assert.Equal(0, shortCount);
        Assert.Equal(KtStatus.BufferTooSmall, span.TryInject(format, default, default, out _));
    }

    [Theory]
    [InlineData(PropagationFormat.None)]
    [InlineData((PropagationFormat)9)]
    [InlineData((PropagationFormat)(-1))]
    public void Refuses_an_unknown_format(PropagationFormat format)
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "client", default);
        Assert.Equal(KtStatus.InvalidArgument, span.TryInject(format, new byte[1024], new InjectedHeader[4], out int count));
        Assert.Equal(0, count);
        Assert.Equal(KtStatus.InvalidArgument, default(SpanHandle).TryInject(format, new byte[1024], new InjectedHeader[4], out _));
    }

    [Fact]
    public void An_ended_span_is_stale_and_the_no_op_span_writes_nothing()
    {
        using var t = new TestEngine();
        var span = t.Engine.CreateTracer("kt").StartSpan(null, "client", default);
        span.Finish();
        Assert.Equal(KtStatus.StaleHandle, span.TryInject(PropagationFormat.B3, new byte[1024], new InjectedHeader[4], out int count));
        Assert.Equal(0, count);
        Assert.Equal(KtStatus.Ok, default(SpanHandle).TryInject(PropagationFormat.B3, new byte[1024], new InjectedHeader[4], out count));
        Assert.Equal(0, count);
    }
}
