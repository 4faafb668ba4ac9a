using System.Diagnostics;
using System.Text;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// Every OTLP request names kt in its User-Agent, as the OTLP specification asks of an exporter, on
/// every path a request takes: kt's own HTTP/1.1 and HTTP/2 connections and HttpClient (https).
/// gRPC status messages reach the last error percent-decoded on every path.
/// </summary>
public class OtlpUserAgentTests
{
    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "agent-test")];

    private static string Expected(string protocol) => $"kt/{KtVersion.Text} (OTLP {protocol}; .NET)";

    [Theory]
    [InlineData(OtlpHttpProtocol.Protobuf, "http/protobuf")]
    [InlineData(OtlpHttpProtocol.Json, "http/json")]
    public async Task Http_requests_carry_it(OtlpHttpProtocol protocol, string name)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions { Endpoint = receiver.Endpoint, Protocol = protocol, Timeout = TimeSpan.FromSeconds(15) }, Resource);
        using (var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter }))
        {
            OtlpHttpExporterTests.Spans(engine, 2);
            Assert.True(engine.Flush(TimeSpan.FromSeconds(20)).IsOk);
        }
        Assert.Equal(Expected(name), Assert.Single(receiver.Requests).UserAgent);
    }

    [Fact]
    public async Task Grpc_requests_carry_it()
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = new Uri(receiver.Endpoint, OtlpHttpExporter.GrpcMethod),
            Protocol = OtlpHttpProtocol.Grpc,
            Timeout = TimeSpan.FromSeconds(15),
        }, Resource);
        using (var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter }))
        {
            OtlpHttpExporterTests.Spans(engine, 2);
            Assert.True(engine.Flush(TimeSpan.FromSeconds(20)).IsOk);
        }
        Assert.Equal(Expected("grpc"), Assert.Single(receiver.Requests).UserAgent);
    }

    [Fact]
    public async Task A_configured_user_agent_goes_in_front_and_is_sent_once()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var exporter = new OtlpHttpExporter(new OtlpHttpOptions
        {
            Endpoint = receiver.Endpoint,
            Timeout = TimeSpan.FromSeconds(15),
            Headers = new Dictionary<string, string> { ["user-agent"] = "edge-proxy/2.1" },
        }, Resource);
        using (var engine = new TraceEngine(new EngineOptions { MaxSpans = 64, Exporter = exporter }))
        {
            OtlpHttpExporterTests.Spans(engine, 1);
            Assert.True(engine.Flush(TimeSpan.FromSeconds(20)).IsOk);
        }
        Assert.Equal("edge-proxy/2.1 " + Expected("http/protobuf"), Assert.Single(receiver.Requests).UserAgent);
    }

    // The https path is HttpClient's; without a certificate on loopback, it is driven over http here,
    // HTTP/1.1 and HTTP/2 with prior knowledge as gRPC needs.
    [Fact]
    public async Task HttpClient_requests_carry_it()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var sender = new HttpClientSender(receiver.Endpoint, OtlpHttpProtocol.Protobuf, false, new Dictionary<string, string>());
        var reply = sender.Send(Array.Empty<byte>(), Deadline());
        Assert.Equal(200, reply.Status);
        Assert.Equal(Expected("http/protobuf"), Assert.Single(receiver.Requests).UserAgent);
    }

    [Fact]
    public async Task HttpClient_grpc_requests_carry_it_and_decode_the_status_message()
    {
        await using var receiver = await OtlpReceiver.StartGrpcAsync();
        using var sender = new HttpClientSender(new Uri(receiver.Endpoint, OtlpHttpExporter.GrpcMethod), OtlpHttpProtocol.Grpc, false, new Dictionary<string, string>());
        Assert.Equal(0, sender.Send(Array.Empty<byte>(), Deadline()).GrpcStatus);
        Assert.Equal(Expected("grpc"), Assert.Single(receiver.Requests).UserAgent);

        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, GrpcStatus: 3, GrpcMessage: "bad span%21 caf%C3%A9 100%25");
        var reply = sender.Send(Array.Empty<byte>(), Deadline());
        Assert.Equal(3, reply.GrpcStatus);
        Assert.Equal("bad span! café 100%", reply.GrpcMessage);
    }

    [Theory]
    [InlineData("bad span%21", "bad span!")]
    [InlineData("caf%C3%A9", "café")]
    [InlineData("caf%c3%a9", "café")]
    [InlineData("100%25 sure", "100% sure")]
    [InlineData("plain text", "plain text")]
    [InlineData("a lone % sign", "a lone % sign")]
    [InlineData("%2", "%2")]
    [InlineData("%zz%", "%zz%")]
    [InlineData("%FF is not UTF-8", "\uFFFD is not UTF-8")]
    [InlineData("", "")]
    public void Grpc_messages_are_percent_decoded_without_losing_any(string encoded, string decoded) =>
        Assert.Equal(decoded, GrpcStatusMessage.Decode(Encoding.ASCII.GetBytes(encoded)));

    [Fact]
    public void A_long_grpc_message_is_decoded_whole()
    {
        var encoded = string.Concat(Enumerable.Repeat("%21", 2000));
        Assert.Equal(new string('!', 2000), GrpcStatusMessage.Decode(Encoding.ASCII.GetBytes(encoded)));
    }

    private static long Deadline() => Stopwatch.GetTimestamp() + 20 * Stopwatch.Frequency;
}
