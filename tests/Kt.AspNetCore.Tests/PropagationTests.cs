using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kt.Tests;

/// <summary>
/// The caller's trace context continued from each format kt knows, and the CLIENT span's written
/// into an HttpClient request in the same format: headers written by hand from each format's
/// specification, read back from what a second service received.
/// </summary>
public sealed class PropagationTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentId = "00f067aa0ba902b7";

    private static string Decimal(string hex) => ulong.Parse(hex, NumberStyles.HexNumber).ToString(CultureInfo.InvariantCulture);

    private static readonly string[] s_formats = ["w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "aws", "gcp"];

    public static TheoryData<string> Formats => new(s_formats);

    // What a caller sends in each format: the trace, its span, sampled.
    private static (string, string)[] Incoming(string format) => format switch
    {
        "w3c" => [("traceparent", $"00-{TraceId}-{ParentId}-01"), ("tracestate", "vendor=opaque")],
        "b3" => [("X-B3-TraceId", TraceId), ("X-B3-SpanId", ParentId), ("X-B3-Sampled", "1")],
        "b3-single" => [("b3", $"{TraceId}-{ParentId}-1")],
        "jaeger" => [("uber-trace-id", $"{TraceId}:{ParentId}:0:1")],
        "ot" => [("ot-tracer-traceid", TraceId), ("ot-tracer-spanid", ParentId), ("ot-tracer-sampled", "true")],
        "datadog" => [("x-datadog-trace-id", Decimal(TraceId[16..])), ("x-datadog-parent-id", Decimal(ParentId)),
            ("x-datadog-sampling-priority", "1"), ("x-datadog-tags", $"_dd.p.tid={TraceId[..16]}")],
        "aws" => [("X-Amzn-Trace-Id", $"Root=1-{TraceId[..8]}-{TraceId[8..]};Parent={ParentId};Sampled=1")],
        "gcp" => [("X-Cloud-Trace-Context", $"{TraceId}/{Decimal(ParentId)};o=1")],
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    // What the next service must receive in each format for the CLIENT span.
    private static void AssertOutgoing(string format, IReadOnlyDictionary<string, string> headers, string client, string server)
    {
        switch (format)
        {
            case "w3c":
                Assert.Equal($"00-{TraceId}-{client}-01", headers["traceparent"]);
                Assert.Equal("vendor=opaque", headers["tracestate"]);
                break;
            case "b3":
                Assert.Equal(TraceId, headers["x-b3-traceid"]);
                Assert.Equal(client, headers["x-b3-spanid"]);
                Assert.Equal(server, headers["x-b3-parentspanid"]);
                Assert.Equal("1", headers["x-b3-sampled"]);
                break;
            case "b3-single":
                Assert.StartsWith($"{TraceId}-{client}-1", headers["b3"]);
                break;
            case "jaeger":
                var parts = headers["uber-trace-id"].Split(':');
                Assert.Equal([TraceId, client], parts[..2]);
                Assert.Equal(1, int.Parse(parts[3], NumberStyles.HexNumber) & 1);
                break;
            case "ot":
                Assert.Equal(TraceId, headers["ot-tracer-traceid"]);
                Assert.Equal(client, headers["ot-tracer-spanid"]);
                Assert.Equal("true", headers["ot-tracer-sampled"]);
                break;
            case "datadog":
                Assert.Equal(Decimal(TraceId[16..]), headers["x-datadog-trace-id"]);
                Assert.Equal(Decimal(client), headers["x-datadog-parent-id"]);
                Assert.Equal("1", headers["x-datadog-sampling-priority"]);
                Assert.Contains($"_dd.p.tid={TraceId[..16]}", headers["x-datadog-tags"]);
                break;
            case "aws":
                Assert.Equal($"Root=1-{TraceId[..8]}-{TraceId[8..]};Parent={client};Sampled=1", headers["x-amzn-trace-id"]);
                break;
            case "gcp":
                Assert.Equal($"{TraceId}/{Decimal(client)};o=1", headers["x-cloud-trace-context"]);
                break;
        }
    }

    private static void MapFront(WebApplication app, TestService echo) =>
        app.MapGet("/front", async (HttpContext context, IHttpClientFactory clients) =>
        {
            using var response = await clients.CreateClient().GetAsync(new Uri(echo.Address, "/echo"));
            return await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        });

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task EachFormatIsContinuedInAndWrittenOut(string format)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var echo = await EchoService.StartAsync();
        var front = await TestService.StartAsync(TestService.ExportingTo(receiver, ("Kt:Propagation", format)), app => MapFront(app, echo));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(front.Address, "/front"));
        foreach (var (name, value) in Incoming(format))
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var received = await EchoService.ReadAsync(response);

        var spans = await front.StopAndReadAsync(receiver);
        Assert.Equal(2, spans.Count);
        var server = spans.Single(s => s.Kind == ExportedSpan.Server);
        var outgoing = spans.Single(s => s.Kind == ExportedSpan.Client);
        Assert.Equal(TraceId, server.TraceId);
        Assert.Equal(ParentId, server.ParentSpanId);
        Assert.Equal(TraceId, outgoing.TraceId);
        Assert.Equal(server.SpanId, outgoing.ParentSpanId);
        AssertOutgoing(format, received, outgoing.SpanId, server.SpanId);
        // Only the configured format goes out.
        foreach (var other in s_formats.Where(f => f != format))
        {
            foreach (var (name, _) in Incoming(other))
                Assert.False(received.ContainsKey(name.ToLowerInvariant()) && !Incoming(format).Any(h => h.Item1.Equals(name, StringComparison.OrdinalIgnoreCase)), $"{format} wrote {name}");
        }
    }

    [Fact]
    public async Task SeveralFormatsAreTriedInOrderAndAllWritten()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var echo = await EchoService.StartAsync();
        var front = await TestService.StartAsync(TestService.ExportingTo(receiver, ("Kt:Propagation:0", "w3c"), ("Kt:Propagation:1", "b3")), app => MapFront(app, echo));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(front.Address, "/front"));
        foreach (var (name, value) in Incoming("b3"))
            request.Headers.TryAddWithoutValidation(name, value);
        var received = await EchoService.ReadAsync(await client.SendAsync(request));

        var spans = await front.StopAndReadAsync(receiver);
        var server = spans.Single(s => s.Kind == ExportedSpan.Server);
        var outgoing = spans.Single(s => s.Kind == ExportedSpan.Client);
        Assert.Equal(ParentId, server.ParentSpanId);
        Assert.Equal($"00-{TraceId}-{outgoing.SpanId}-01", received["traceparent"]);
        Assert.Equal(outgoing.SpanId, received["x-b3-spanid"]);
    }

    [Fact]
    public async Task AMalformedTraceparentStartsANewTrace()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app => app.MapGet("/", () => "ok"));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, service.Address);
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{TraceId.ToUpperInvariant()}-{ParentId}-01");
        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        var span = Assert.Single(await service.StopAndReadAsync(receiver));
        Assert.Null(span.ParentSpanId);
        Assert.NotEqual(TraceId, span.TraceId);
    }

    [Fact]
    public async Task ACallerThatDidNotSampleIsFollowedAndItsDecisionPassedOn()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var echo = await EchoService.StartAsync();
        var front = await TestService.StartAsync(TestService.ExportingTo(receiver), app => MapFront(app, echo));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(front.Address, "/front"));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{TraceId}-{ParentId}-00");
        var received = await EchoService.ReadAsync(await client.SendAsync(request));
        var traceparent = received["traceparent"].Split('-');
        Assert.Equal(TraceId, traceparent[1]);
        Assert.NotEqual(ParentId, traceparent[2]);
        Assert.Equal("00", traceparent[3]);

        Assert.Empty(await front.StopAndReadAsync(receiver));
    }
}
