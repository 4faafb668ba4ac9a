using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Kt.Export.Otlp;

/// <summary>
/// Sends batches as OTLP/HTTP (protobuf or JSON) with <see cref="HttpClient"/>. Retries only
/// what the OTLP specification allows (429, 502, 503, 504 and failed connections), with
/// exponential backoff, jitter and the server's Retry-After, all within the batch's time limit;
/// reads partial successes; drops and counts everything else. Runs on the exporter thread,
/// which is the only thread that waits for the network.
/// </summary>
public sealed class OtlpHttpExporter : ISpanExporter, ICountingExporter, IDisposable
{
    private static readonly MediaTypeHeaderValue ProtobufType = new("application/x-protobuf");
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly MediaTypeHeaderValue GrpcType = new("application/grpc");

    /// <summary>The path of the OTLP/gRPC method, appended to an endpoint that has none.</summary>
    public const string GrpcMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private byte[] _frame = new byte[64 * 1024];

    private readonly OtlpHttpOptions _options;
    private readonly HttpClient _client;
    private readonly OtlpTraceEncoder _protobuf;
    private readonly OtlpJsonEncoder _json;
    private readonly MemoryStream _compressed = new();
    private readonly Random _jitter = new();
    private long _batches, _spans, _retries, _rejected, _failed, _bytes;
    private string? _lastError;
    private string? _lastLogged;

    /// <summary>Creates the exporter; its requests carry these resource attributes.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public OtlpHttpExporter(OtlpHttpOptions options, IEnumerable<KeyValuePair<string, string>> resourceAttributes)
    {
        options.Validate();
        _options = options;
        var resource = resourceAttributes.ToArray();
        _protobuf = new OtlpTraceEncoder(resource);
        _json = new OtlpJsonEncoder(resource);
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <inheritdoc/>
    public ExporterCounters Counters => new()
    {
        BatchesExported = Interlocked.Read(ref _batches),
        SpansExported = Interlocked.Read(ref _spans),
        Retries = Interlocked.Read(ref _retries),
        SpansRejected = Interlocked.Read(ref _rejected),
        SpansFailed = Interlocked.Read(ref _failed),
        BytesSent = Interlocked.Read(ref _bytes),
        LastError = Volatile.Read(ref _lastError),
    };

    /// <inheritdoc/>
    public bool Export(in SpanBatch batch)
    {
        int count = batch.Count;
        var body = _options.Protocol == OtlpHttpProtocol.Json ? _json.EncodeToMemory(batch) : _protobuf.EncodeToMemory(batch);
        if (_options.Gzip)
            body = Compress(body);
        if (_options.Protocol == OtlpHttpProtocol.Grpc)
            body = Frame(body, compressed: _options.Gzip);
        return Send(body, count);
    }

    private bool Send(ReadOnlyMemory<byte> body, int spans)
    {
        var deadline = DateTime.UtcNow + _options.Timeout;
        var backoff = _options.InitialBackoff;
        string? lastFailure = null;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return Failed(spans, OutOfTime(lastFailure));
            TimeSpan? retryAfter = null;
            string failure;
            try
            {
                using var request = Request(body);
                using var timeout = new CancellationTokenSource(left);
                // The exporter thread may block; HttpClient sends HTTP/2 (gRPC) only asynchronously.
                using var response = _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).GetAwaiter().GetResult();
                Interlocked.Add(ref _bytes, body.Length);
                if (response.IsSuccessStatusCode)
                {
                    long rejected = ReadRejected(response, out int grpcStatus, out string? grpcMessage);
                    if (grpcStatus != 0)
                    {
                        failure = $"gRPC status {grpcStatus} {grpcMessage}".TrimEnd();
                        if (!IsRetryable(grpcStatus))
                            return Failed(spans, failure + " (not retried)");
                        lastFailure = failure;
                        goto Retry;
                    }
                    Interlocked.Increment(ref _batches);
                    Interlocked.Add(ref _spans, spans - rejected);
                    if (rejected > 0)
                    {
                        Interlocked.Add(ref _rejected, rejected);
                        Report($"partial success: {rejected} span(s) rejected");
                    }
                    else
                    {
                        _lastLogged = null;
                    }
                    return true;
                }
                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                if (!IsRetryable(response.StatusCode))
                    return Failed(spans, failure + " (not retried)");
                retryAfter = RetryAfter(response);
            }
            catch (OperationCanceledException)
            {
                return Failed(spans, OutOfTime(lastFailure));
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or IOException)
            {
                return Failed(spans, $"{e.GetType().Name}: {e.Message} (not retried)");
            }
            lastFailure = failure;
        Retry:
            var wait = retryAfter ?? Jittered(backoff);
            if (DateTime.UtcNow + wait >= deadline)
                return Failed(spans, OutOfTime(lastFailure));
            Interlocked.Increment(ref _retries);
            Thread.Sleep(wait);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    // The same words for the same outage, however many attempts fit in each batch's time.
    private string OutOfTime(string? lastFailure) => lastFailure is null
        ? $"no answer within {_options.Timeout.TotalMilliseconds} ms"
        : $"{lastFailure} (retried until the {_options.Timeout.TotalMilliseconds} ms limit)";

    private HttpRequestMessage Request(ReadOnlyMemory<byte> body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint)
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        if (_options.Protocol == OtlpHttpProtocol.Grpc)
        {
            // gRPC is HTTP/2 only: over http:// with prior knowledge, over https:// by ALPN.
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            request.Content.Headers.ContentType = GrpcType;
            request.Headers.TryAddWithoutValidation("te", "trailers");
            if (_options.Gzip)
                request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }
        else
        {
            request.Content.Headers.ContentType = _options.Protocol == OtlpHttpProtocol.Protobuf ? ProtobufType : JsonType;
            if (_options.Gzip)
                request.Content.Headers.ContentEncoding.Add("gzip");
        }
        foreach (var (name, value) in _options.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    // The gRPC codes the OTLP specification retries: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
    // OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. (RESOURCE_EXHAUSTED only with RetryInfo, not read here.)
    private static bool IsRetryable(int grpcStatus) => grpcStatus is 1 or 4 or 10 or 11 or 14 or 15;

    // A gRPC message: a compressed flag, a 4-byte big-endian length, the message.
    private ReadOnlyMemory<byte> Frame(ReadOnlyMemory<byte> message, bool compressed)
    {
        if (_frame.Length < message.Length + 5)
            _frame = new byte[Math.Max(message.Length + 5, _frame.Length * 2)];
        _frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(_frame.AsSpan(1), (uint)message.Length);
        message.Span.CopyTo(_frame.AsSpan(5));
        return _frame.AsMemory(0, message.Length + 5);
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    private TimeSpan Jittered(TimeSpan backoff) => TimeSpan.FromTicks((long)(backoff.Ticks * (0.5 + _jitter.NextDouble() / 2)));

    // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64 rejected_spans = 1; string error_message = 2; } }
    private long ReadRejected(HttpResponseMessage response, out int grpcStatus, out string? grpcMessage)
    {
        var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        grpcStatus = 0;
        grpcMessage = null;
        if (_options.Protocol == OtlpHttpProtocol.Grpc)
        {
            // The status comes in the trailers, or in the headers of a trailers-only answer.
            var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
            grpcStatus = status is null ? 2 : int.TryParse(status, out int code) ? code : 2;
            grpcMessage = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? (status is null ? "no grpc-status" : null);
            if (grpcStatus != 0 || body.Length < 5)
                return 0;
            body = body[5..];
        }
        if (body.Length == 0)
            return 0;
        try
        {
            if (_options.Protocol == OtlpHttpProtocol.Json)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("partialSuccess", out var partial) && partial.TryGetProperty("rejectedSpans", out var rejected))
                    return rejected.ValueKind == JsonValueKind.String ? long.Parse(rejected.GetString()!) : rejected.GetInt64();
                return 0;
            }
            return ReadProtobufRejected(body);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or OverflowException)
        {
            Report($"unreadable response body: {e.Message}");
            return 0;
        }
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static long ReadProtobufRejected(ReadOnlySpan<byte> body)
    {
        while (!body.IsEmpty)
        {
            ulong tag = Varint(ref body);
            if (tag == (1 << 3 | 2))
            {
                var inner = body[..(int)Varint(ref body)];
                while (!inner.IsEmpty)
                {
                    ulong innerTag = Varint(ref inner);
                    if (innerTag == (1 << 3 | 0))
                        return (long)Varint(ref inner);
                    Skip(ref inner, innerTag);
                }
                return 0;
            }
            Skip(ref body, tag);
        }
        return 0;
    }

    private static ulong Varint(ref ReadOnlySpan<byte> span)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (span.IsEmpty)
                throw new FormatException("truncated varint");
            byte b = span[0];
            span = span[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    private static void Skip(ref ReadOnlySpan<byte> span, ulong tag)
    {
        switch (tag & 7)
        {
            case 0: Varint(ref span); break;
            case 1: span = span[8..]; break;
            case 2: span = span[(int)Varint(ref span)..]; break;
            case 5: span = span[4..]; break;
            default: throw new FormatException($"wire type {tag & 7}");
        }
    }

    private ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> body)
    {
        _compressed.SetLength(0);
        using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(body.Span);
        return _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }

    private bool Failed(int spans, string failure)
    {
        Interlocked.Add(ref _failed, spans);
        Report(failure);
        return false;
    }

    private void Report(string failure)
    {
        var message = $"kt: OTLP export to {_options.Endpoint} failed: {failure}";
        Volatile.Write(ref _lastError, message);
        if (message == _lastLogged)
            return;
        _lastLogged = message;
        _options.Log?.Invoke(message);
    }

    /// <inheritdoc/>
    public void Shutdown() => Dispose();

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();
}
