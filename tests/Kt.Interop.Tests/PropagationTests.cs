using System.Text;

namespace Kt.Interop.Tests;

/// <summary>The trace-context formats through the binding, against the real libkt.so.</summary>
[Collection(NativeEngineCollection.Name)]
public class PropagationTests
{
    private const string Trace = "463ac35c9f6413ad48485a3953bb6124";
    private const string Span = "a2fb4a1d1a96d312";

    private static readonly NativePropagationFormat[] AllFormats =
    [
        NativePropagationFormat.W3C, NativePropagationFormat.B3, NativePropagationFormat.B3Single, NativePropagationFormat.Jaeger,
        NativePropagationFormat.OT, NativePropagationFormat.Datadog, NativePropagationFormat.Aws, NativePropagationFormat.Gcp,
    ];

    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    private static (string Name, string Value)[] Inject(NativeSpan span, NativePropagationFormat format)
    {
        var buffer = new byte[NativeSpan.MaxInjectedBytes];
        var headers = new NativeInjectedHeader[NativeSpan.MaxInjectedHeaders];
        Ids.Ok(span.TryInject(format, buffer, headers, out int count), $"inject {format}");
        return headers[..count].Select(h => (Encoding.ASCII.GetString(h.Name(buffer)), Encoding.ASCII.GetString(h.Value(buffer)))).ToArray();
    }

    [Theory]
    [InlineData("w3c", NativePropagationFormat.W3C)]
    [InlineData("b3", NativePropagationFormat.B3)]
    [InlineData("b3-single", NativePropagationFormat.B3Single)]
    [InlineData("jaeger", NativePropagationFormat.Jaeger)]
    [InlineData("ot", NativePropagationFormat.OT)]
    [InlineData("datadog", NativePropagationFormat.Datadog)]
    [InlineData("aws", NativePropagationFormat.Aws)]
    [InlineData("GCP", NativePropagationFormat.Gcp)]
    public void Names_give_formats(string name, NativePropagationFormat expected)
    {
        Ids.Ok(KtNative.FormatFromName(name, out var format));
        Assert.Equal(expected, format);
        Ids.Ok(KtNative.FormatFromName(Encoding.ASCII.GetBytes(name), out format));
        Assert.Equal(expected, format);
    }

    [Fact]
    public void An_unknown_name_is_refused_and_quoted()
    {
        Assert.Equal(KtResult.InvalidArgument, KtNative.FormatFromName("zipkin", out var format));
        Assert.Equal(NativePropagationFormat.None, format);
        Assert.Contains("'zipkin'", KtNative.LastError);
        Assert.Equal(KtResult.InvalidArgument, KtNative.FormatFromName("b3\uD800", out _));
        Assert.Contains("name", KtNative.LastError);
    }

    [Fact]
    public void The_first_format_present_gives_the_parent_of_the_next_span()
    {
        Ids.Ok(NativeTracer.Create("propagation", out var tracer, 0.0));
        Ids.Ok(NativeContext.Begin(out var context));
        KeyValuePair<string, string>[] headers =
        [
            H("Accept", "*/*"),
            H("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"),
            H("X-B3-TraceId", Trace), H("X-B3-SpanId", Span), H("X-B3-Sampled", "1"),
        ];
        Ids.Ok(context.Extract([NativePropagationFormat.Datadog, NativePropagationFormat.B3, NativePropagationFormat.W3C], headers, out var used));
        Assert.Equal(NativePropagationFormat.B3, used);
        Ids.Ok(tracer.StartSpan(context, "server", out var server));
        var ids = Ids.Of(server);
        Assert.Equal(Trace, ids.TraceId);
        Assert.True(ids.Sampled, "X-B3-Sampled: 1 beats a tracer that samples nothing");
        Assert.Contains(("x-b3-parentspanid", Span), Inject(server, NativePropagationFormat.B3));
        Ids.Ok(server.Finish());

        Ids.Ok(context.Extract([NativePropagationFormat.Aws, NativePropagationFormat.Gcp], headers, out used));
        Assert.Equal(NativePropagationFormat.None, used);
        Ids.Ok(tracer.StartSpan(context, "new trace", out var root));
        Assert.NotEqual(Trace, Ids.Of(root).TraceId);
        Ids.Ok(root.Finish());
        Ids.Ok(context.End());
    }

    [Fact]
    public void A_malformed_header_is_named_and_leaves_no_parent()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(context.Extract([NativePropagationFormat.W3C], [H("traceparent", $"00-{Trace}-{Span}-01")], out _));
        var result = context.Extract([NativePropagationFormat.Datadog, NativePropagationFormat.W3C],
            [H("traceparent", $"00-{Trace}-{Span}-01"), H("X-Datadog-Trace-Id", "18446744073709551616"), H("X-Datadog-Parent-Id", "1")], out var used);
        Assert.Equal(KtResult.InvalidArgument, result);
        Assert.Equal(NativePropagationFormat.None, used);
        Assert.StartsWith("x-datadog-trace-id:", KtNative.LastError);
        Ids.Ok(NativeTracer.Global.StartSpan(context, "after", out var span));
        Assert.NotEqual(Trace, Ids.Of(span).TraceId);
        Ids.Ok(span.Finish());
        Ids.Ok(context.End());
    }

    [Fact]
    public void Text_only_matters_in_the_headers_a_format_reads()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        Ids.Ok(context.Extract([NativePropagationFormat.B3Single], [H("cookie", "a=\uD800"), H("b3", $"{Trace}-{Span}-1")], out var used));
        Assert.Equal(NativePropagationFormat.B3Single, used);
        Assert.Equal(KtResult.InvalidArgument, context.Extract([NativePropagationFormat.B3Single], [H("b3", $"{Trace}-{Span}-\uD800")], out _));
        Assert.Contains("UTF-8", KtNative.LastError);
        Assert.Equal(KtResult.InvalidArgument, context.Extract([(NativePropagationFormat)42], [H("b3", "1")], out _));
        Assert.Contains("formats[0]", KtNative.LastError);
        Ids.Ok(context.Extract([NativePropagationFormat.B3Single], [H(null!, null!), H("b3", "1")], out used));
        Assert.Equal(NativePropagationFormat.B3Single, used);
        Ids.Ok(context.End());
        Assert.Equal(KtResult.Stale, context.Extract([NativePropagationFormat.B3Single], [H("b3", "1")], out _));
        Assert.Equal(KtResult.InvalidHandle, NativeContext.None.Extract([NativePropagationFormat.B3Single], [H("b3", "1")], out _));
    }

    [Fact]
    public void Many_and_long_headers_go_through_pooled_buffers()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        var headers = Enumerable.Range(0, 100).Select(i => H($"x-filler-{i}", new string('v', 50))).Append(H("uber-trace-id", $"{Trace}:{Span}:0:1")).ToArray();
        Ids.Ok(context.Extract([NativePropagationFormat.Jaeger], headers, out var used));
        Assert.Equal(NativePropagationFormat.Jaeger, used);
        Ids.Ok(NativeTracer.Global.StartSpan(context, "jaeger", out var span));
        Assert.Equal(Trace, Ids.Of(span).TraceId);
        Ids.Ok(span.Finish());
        Ids.Ok(context.End());
    }

    [Fact]
    public void Every_format_injected_is_extracted_as_the_same_trace()
    {
        Ids.Ok(NativeContext.Begin(out var upstream));
        Ids.Ok(upstream.Extract($"00-{Trace}-b7ad6b7169203331-01"));
        Ids.Ok(NativeTracer.Global.StartSpan(upstream, "client", out var client));
        var clientIds = Ids.Of(client);
        foreach (var format in AllFormats)
        {
            var written = Inject(client, format);
            Assert.All(written, h => Assert.Equal(h.Name.ToLowerInvariant(), h.Name));
            Ids.Ok(NativeContext.Begin(out var downstream));
            Ids.Ok(downstream.Extract([format], written.Select(h => H(h.Name, h.Value)).ToArray(), out var used), $"extract {format}");
            Assert.Equal(format, used);
            Ids.Ok(NativeTracer.Global.StartSpan(downstream, "server", out var server));
            Assert.Equal(clientIds.TraceId, Ids.Of(server).TraceId);
            Assert.Contains(("x-b3-parentspanid", clientIds.SpanId), Inject(server, NativePropagationFormat.B3));
            Ids.Ok(downstream.End());
        }
        Ids.Ok(client.Finish());
        Ids.Ok(upstream.End());
    }

    [Fact]
    public void Inject_refuses_small_buffers_unknown_formats_and_ended_spans()
    {
        Ids.Ok(NativeTracer.Global.StartSpan(NativeContext.None, "inject", out var span));
        var buffer = new byte[NativeSpan.MaxInjectedBytes];
        var headers = new NativeInjectedHeader[NativeSpan.MaxInjectedHeaders];
        Assert.Equal(KtResult.BufferTooSmall, span.TryInject(NativePropagationFormat.Datadog, buffer.AsSpan(0, 20), headers, out int count));
        Assert.Equal(0, count);
        Assert.Equal(KtResult.BufferTooSmall, span.TryInject(NativePropagationFormat.B3, buffer, headers.AsSpan(0, 2), out count));
        Assert.Equal(KtResult.InvalidArgument, span.TryInject((NativePropagationFormat)0, buffer, headers, out _));
        Assert.Contains("format", KtNative.LastError);
        Assert.Equal(KtResult.InvalidArgument, NativeSpan.Noop.TryInject(NativePropagationFormat.W3C, buffer, headers, out _));
        Ids.Ok(span.Finish());
        Assert.Equal(KtResult.Stale, span.TryInject(NativePropagationFormat.W3C, buffer, headers, out count));
        Assert.Equal(0, count);
    }
}
