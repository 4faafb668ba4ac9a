using System.Text;

namespace Kt.Interop.Tests;

/// <summary>
/// W3C Trace Context Level 2 and OpenTelemetry's SDK rules as the binding sees them through the real
/// libkt.so: repeated header lines, an unsampled parent's tracestate, every format's round trip at the
/// edges of the id space, empty attribute keys, end times before the start, and flushes that say
/// spans were lost.
/// </summary>
[Collection(NativeEngineCollection.Name)]
public class ConformanceTests
{
    private const string Trace = "12345678901234567890123456789012";

    private static readonly NativePropagationFormat[] AllFormats =
    [
        NativePropagationFormat.W3C, NativePropagationFormat.B3, NativePropagationFormat.B3Single, NativePropagationFormat.Jaeger,
        NativePropagationFormat.OT, NativePropagationFormat.Datadog, NativePropagationFormat.Aws, NativePropagationFormat.Gcp,
    ];

    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    private static string TraceState(NativeSpan span)
    {
        var buffer = new byte[512];
        Ids.Ok(span.TryGetTraceState(buffer, out int written), "tracestate");
        return Encoding.ASCII.GetString(buffer, 0, written);
    }

    private static KeyValuePair<string, string>[] Inject(NativeSpan span, NativePropagationFormat format)
    {
        var buffer = new byte[NativeSpan.MaxInjectedBytes];
        var headers = new NativeInjectedHeader[NativeSpan.MaxInjectedHeaders];
        Ids.Ok(span.TryInject(format, buffer, headers, out int count), $"inject {format}");
        return headers[..count].Select(h => H(Encoding.ASCII.GetString(h.Name(buffer)), Encoding.ASCII.GetString(h.Value(buffer)))).ToArray();
    }

    [Fact]
    public void Tracestate_lines_are_one_list_and_an_unsampled_parents_is_carried_on()
    {
        Ids.Ok(NativeTracer.Create("conformance", out var tracer));
        Ids.Ok(NativeContext.Begin(out var context));
        KeyValuePair<string, string>[] headers =
        [
            H("traceparent", $"00-{Trace}-1234567890123456-00"), H("tracestate", "foo=1,bar=2"), H("TraceState", ""),
            H("tracestate", "rojo=1,foo=3"),
        ];
        Ids.Ok(context.Extract([NativePropagationFormat.W3C], headers, out var used));
        Assert.Equal(NativePropagationFormat.W3C, used);
        Ids.Ok(tracer.StartSpan(context, "server", out var span));
        Assert.False(Ids.Of(span).Sampled);
        Assert.Equal("foo=1,bar=2,rojo=1", TraceState(span));
        Assert.Contains(H("tracestate", "foo=1,bar=2,rojo=1"), Inject(span, NativePropagationFormat.W3C));
        Ids.Ok(context.End());
    }

    [Fact]
    public void Two_traceparent_lines_are_refused_and_a_new_trace_starts()
    {
        Ids.Ok(NativeTracer.Create("conformance", out var tracer));
        Ids.Ok(NativeContext.Begin(out var context));
        KeyValuePair<string, string>[] headers =
        [
            H("traceparent", $"00-{Trace}-1234567890123456-01"), H("traceparent", $"00-{Trace}-1234567890123456-01"), H("tracestate", "foo=1"),
        ];
        Assert.Equal(KtResult.InvalidArgument, context.Extract([NativePropagationFormat.W3C], headers, out var used));
        Assert.Equal(NativePropagationFormat.None, used);
        Assert.Contains("traceparent", KtNative.LastError);
        Assert.Contains("more than one line", KtNative.LastError);
        Ids.Ok(tracer.StartSpan(context, "server", out var span));
        Assert.NotEqual(Trace, Ids.Of(span).TraceId);
        Assert.Equal("", TraceState(span));
        Ids.Ok(context.End());
    }

    [Theory]
    [InlineData("0af7651916cd43dd0000000000000000")]
    [InlineData("00000000000000000000000000000001")]
    [InlineData("ffffffffffffffffffffffffffffffff")]
    [InlineData("8000000000000000ffffffffffffffff")]
    [InlineData("0000000000000000fffffffffffffffe")]
    public void Every_format_round_trips_the_edges_or_injects_nothing(string traceId)
    {
        Ids.Ok(NativeTracer.Create("conformance", out var tracer));
        Ids.Ok(NativeContext.Begin(out var upstream));
        Ids.Ok(upstream.Extract($"00-{traceId}-b7ad6b7169203331-01"));
        Ids.Ok(tracer.StartSpan(upstream, "client", out var client));
        var sent = Ids.Of(client);
        foreach (var format in AllFormats)
        {
            var headers = Inject(client, format);
            Ids.Ok(NativeContext.Begin(out var downstream));
            Ids.Ok(downstream.Extract([format], headers, out var used), $"extract {format}");
            if (format == NativePropagationFormat.Datadog && traceId.EndsWith("0000000000000000", StringComparison.Ordinal))
            {
                Assert.Empty(headers);
                Assert.Equal(NativePropagationFormat.None, used);
            }
            else
            {
                Assert.Equal(format, used);
                Ids.Ok(tracer.StartSpan(downstream, "server", out var server));
                Assert.Equal(sent.TraceId, Ids.Of(server).TraceId);
                Assert.Contains(H("x-b3-parentspanid", sent.SpanId), Inject(server, NativePropagationFormat.B3));
            }
            Ids.Ok(downstream.End());
        }
        Ids.Ok(upstream.End());
    }

    [Fact]
    public void An_empty_attribute_key_is_refused()
    {
        Ids.Ok(NativeTracer.Create("conformance", out var tracer));
        Ids.Ok(tracer.StartSpan(NativeContext.None, "keys", out var span));
        Assert.Equal(KtResult.InvalidArgument, span.SetAttribute("", "v"));
        Assert.Contains("key", KtNative.LastError);
        Assert.Equal(KtResult.InvalidArgument, span.SetAttribute(""u8, "v"u8));
        Assert.Equal(KtResult.InvalidArgument, span.SetAttribute("", 1L));
        Assert.Equal(KtResult.InvalidArgument, span.SetAttribute("", 1.5));
        Assert.Equal(KtResult.InvalidArgument, span.SetAttribute("", true));
        Assert.Equal(KtResult.InvalidArgument, span.SetAttribute("", [1L]));
        Ids.Ok(span.SetAttribute("k", "v"));
        Ids.Ok(span.Finish());
    }

    [Fact]
    public void An_end_time_before_the_start_is_refused_and_the_span_stays_open()
    {
        Ids.Ok(NativeTracer.Create("conformance", out var tracer));
        Ids.Ok(tracer.StartSpan(NativeContext.None, "timed", new NativeSpanOptions { StartTimeNs = 1_700_000_000_000_000_000 }, out var span));
        Assert.Equal(KtResult.InvalidArgument, span.Finish(1));
        Assert.Contains("end_time_ns", KtNative.LastError);
        Ids.Ok(span.SetAttribute("still", "open"));
        Ids.Ok(span.Finish(1_700_000_000_000_000_001));
        Assert.Equal(KtResult.Stale, span.Finish());
    }

    [Fact]
    public void A_flush_says_spans_were_lost_and_the_counters_outlive_the_shutdown()
    {
        // A port nobody listens on: every export is refused until its 300 ms are up.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(10)));
        try
        {
            Ids.Ok(KtNative.Init([new("max_spans", "64"), new("schedule_delay_ms", "20"), new("exporter", "otlp"),
                new("endpoint", $"http://127.0.0.1:{port}/v1/traces"), new("timeout_ms", "300")]), "init");
            Ids.Ok(NativeTracer.Create("conformance", out var tracer));
            for (int i = 0; i < 3; i++)
            {
                Ids.Ok(tracer.StartSpan(NativeContext.None, "lost", out var span));
                Ids.Ok(span.Finish());
            }
            Assert.Equal(KtResult.SpansLost, KtNative.Flush(TimeSpan.FromSeconds(30)));
            Assert.Contains("3 spans lost", KtNative.LastError);
            Assert.Equal(KtResult.Ok, KtNative.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal(KtResult.Ok, KtNative.Shutdown(TimeSpan.FromSeconds(30)));
            Ids.Ok(KtNative.Counters(out var counters), "counters after shutdown");
            Assert.Equal(3UL, counters.ExportFailedSpans);
            Ids.Ok(KtNative.ExporterCounters(out var exporter), "exporter counters after shutdown");
            Assert.Equal(3UL, exporter.SpansFailed);
            Assert.Contains("300 ms", KtNative.ExporterLastError);
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
        }
    }

    [Fact]
    public void The_library_and_the_engine_name_the_same_version() =>
        Assert.Equal(KtVersion.Text, KtLibrary.Version);
}
