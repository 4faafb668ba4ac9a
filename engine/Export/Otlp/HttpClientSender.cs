using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Kt.Export.Otlp;

/// <summary>
/// The sender for https:// endpoints: <see cref="HttpClient"/>, which brings TLS (and ALPN for
/// gRPC's HTTP/2). It allocates per batch (request and response objects, about 1.6 KB) and its
/// sockets complete on .NET's I/O threads and thread pool; the plain-text endpoints take
/// <see cref="Http1Connection"/> and <see cref="Http2.Http2Connection"/>, which do neither. Doing TLS
/// on the exporter thread would mean an SslStream over the blocking socket with its own
/// handshake and renegotiation paths: left for when an https collector needs the same economy.
/// </summary>
internal sealed class HttpClientSender : IOtlpSender
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private readonly Uri _endpoint;
    private readonly OtlpHttpProtocol _protocol;
    private readonly bool _gzip;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly string _userAgent;
    private byte[] _frame = new byte[64 * 1024];

    public HttpClientSender(Uri endpoint, OtlpHttpProtocol protocol, bool gzip, IReadOnlyDictionary<string, string> headers)
    {
        _endpoint = endpoint;
        _protocol = protocol;
        _gzip = gzip;
        _headers = headers;
        _userAgent = OtlpUserAgent.Of(protocol, headers);
    }

    public OtlpReply Send(ReadOnlyMemory<byte> body, long deadline)
    {
        var left = TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
        if (left <= TimeSpan.Zero)
            throw new TimeoutException();
        if (_protocol == OtlpHttpProtocol.Grpc)
            body = Frame(body);
        using var request = Request(body);
        using var timeout = new CancellationTokenSource(left);
        try
        {
            using var response = _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).GetAwaiter().GetResult();
            var content = response.Content.ReadAsByteArrayAsync(timeout.Token).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                return new OtlpReply { Status = (int)response.StatusCode, Reason = response.ReasonPhrase, RetryAfter = RetryAfter(response) };
            if (_protocol != OtlpHttpProtocol.Grpc)
                return new OtlpReply { Status = (int)response.StatusCode, Body = content };
            // The status comes in the trailers, or in the headers of a trailers-only answer.
            var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
            int grpcStatus = status is null ? 2 : int.TryParse(status, out int code) ? code : 2;
            string? encoded = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message");
            string? message = encoded is not null ? GrpcStatusMessage.Decode(System.Text.Encoding.UTF8.GetBytes(encoded)) : status is null ? "no grpc-status" : null;
            return new OtlpReply
            {
                Status = (int)response.StatusCode,
                GrpcStatus = grpcStatus,
                GrpcMessage = message,
                Body = grpcStatus == 0 && content.Length >= 5 ? content.AsMemory(5) : default,
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    private HttpRequestMessage Request(ReadOnlyMemory<byte> body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        if (_protocol == OtlpHttpProtocol.Grpc)
        {
            // gRPC is HTTP/2 only: over https:// by ALPN.
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            request.Headers.TryAddWithoutValidation("te", "trailers");
            if (_gzip)
                request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }
        else
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(_protocol == OtlpHttpProtocol.Protobuf ? "application/x-protobuf" : "application/json");
            if (_gzip)
                request.Content.Headers.ContentEncoding.Add("gzip");
        }
        request.Headers.TryAddWithoutValidation(OtlpUserAgent.HeaderName, _userAgent);
        foreach (var (name, value) in _headers)
        {
            if (!OtlpUserAgent.IsUserAgent(name))
                request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    // A gRPC message: a compressed flag, a 4-byte big-endian length, the message.
    private ReadOnlyMemory<byte> Frame(ReadOnlyMemory<byte> message)
    {
        if (_frame.Length < message.Length + 5)
            _frame = new byte[Math.Max(message.Length + 5, _frame.Length * 2)];
        _frame[0] = _gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(_frame.AsSpan(1), (uint)message.Length);
        message.Span.CopyTo(_frame.AsSpan(5));
        return _frame.AsMemory(0, message.Length + 5);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _client.Dispose();
}
