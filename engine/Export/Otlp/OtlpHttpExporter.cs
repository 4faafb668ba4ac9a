using System.Diagnostics;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text.Json;

namespace Kt.Export.Otlp;

/// <summary>
/// Sends batches as OTLP/HTTP (protobuf or JSON) or OTLP/gRPC. Retries only what the OTLP
/// specification allows (429, 502, 503, 504, the retryable gRPC codes and failed connections),
/// with exponential backoff, jitter and the server's Retry-After, all within the batch's time
/// limit; reads partial successes; drops and counts everything else. Runs on the exporter
/// thread, which is the only thread that waits for the network: to an http:// endpoint it
/// encodes, sends and reads the answer itself on a kept-alive connection
/// (<see cref="Http1Connection"/>, <see cref="Http2.Http2Connection"/> for gRPC), allocating nothing
/// per batch and waking no other thread; to an https:// endpoint it uses
/// <see cref="HttpClient"/> (<see cref="HttpClientSender"/>).
/// </summary>
public sealed class OtlpHttpExporter : IEncodedSpanExporter, ICountingExporter, IDisposable
{
    /// <summary>The path of the OTLP/gRPC method, appended to an endpoint that has none.</summary>
    public const string GrpcMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private readonly OtlpHttpOptions _options;
    private readonly IOtlpSender _sender;
    private readonly OtlpTraceEncoder _protobuf;
    private readonly OtlpJsonEncoder _json;
    private readonly MemoryStream _compressed = new();
    private readonly Random _jitter = new();
    private long _batches, _spans, _retries, _rejected, _failed, _bytes;
    private string? _lastError;
    private string? _lastLogged;
    private long _failedWhenFailing;

    /// <summary>Creates the exporter; its requests carry these resource attributes.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public OtlpHttpExporter(OtlpHttpOptions options, IEnumerable<KeyValuePair<string, string>> resourceAttributes)
    {
        options.Validate();
        _options = options;
        var resource = resourceAttributes.ToArray();
        _protobuf = new OtlpTraceEncoder(resource);
        _json = new OtlpJsonEncoder(resource);
        _sender = CreateSender(options);
    }

    private static IOtlpSender CreateSender(OtlpHttpOptions options)
    {
        if (options.Endpoint.Scheme == Uri.UriSchemeHttps)
            return new HttpClientSender(options.Endpoint, options.Protocol, options.Gzip, options.Headers);
        return options.Protocol switch
        {
            OtlpHttpProtocol.Grpc => new Http2.Http2Connection(options.Endpoint, options.Gzip, options.Headers),
            _ => new Http1Connection(options.Endpoint, options.Protocol, options.Gzip, options.Headers),
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
        return Send(body, count);
    }

    /// <summary>Every protocol is encoded as spans finish, on the thread that finishes them.</summary>
    public bool TakesRecords => true;

    /// <inheritdoc/>
    public ISpanRecordWriter CreateRecordWriter() =>
        _options.Protocol == OtlpHttpProtocol.Json ? new OtlpJsonSpanRecordWriter() : new OtlpSpanRecordWriter();

    /// <inheritdoc/>
    public bool Export(in SpanRecordBatch batch)
    {
        ReadOnlyMemory<byte> body = _options.Protocol == OtlpHttpProtocol.Json ? _json.EncodeToMemory(batch) : _protobuf.EncodeToMemory(batch);
        if (_options.Gzip)
            body = Compress(body);
        return Send(body, batch.Count);
    }

    private bool Send(ReadOnlyMemory<byte> body, int spans)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.Timeout.TotalSeconds * Stopwatch.Frequency);
        // gRPC's 5-byte message prefix is on the wire too.
        int wireBytes = body.Length + (_options.Protocol == OtlpHttpProtocol.Grpc ? 5 : 0);
        var backoff = _options.InitialBackoff;
        string? lastFailure = null;
        while (true)
        {
            if (Stopwatch.GetTimestamp() >= deadline)
                return Failed(spans, OutOfTime(lastFailure));
            TimeSpan? retryAfter = null;
            string failure;
            OtlpReply reply;
            try
            {
                reply = _sender.Send(body, deadline);
            }
            catch (Exception e) when (IsTimeout(e))
            {
                return Failed(spans, OutOfTime(lastFailure));
            }
            catch (Exception e) when (e is SocketException or IOException or HttpRequestException)
            {
                failure = Describe(e);
                goto Retry;
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
            {
                return Failed(spans, $"{e.GetType().Name}: {e.Message} (not retried)");
            }
            Interlocked.Add(ref _bytes, wireBytes);
            if (reply.Status / 100 == 2)
            {
                if (reply.GrpcStatus != 0)
                {
                    failure = $"gRPC status {reply.GrpcStatus} {reply.GrpcMessage}".TrimEnd();
                    if (!IsRetryable(reply.GrpcStatus))
                        return Failed(spans, failure + " (not retried)");
                    goto Retry;
                }
                long rejected = Rejected(reply.Body.Span);
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _spans, spans - rejected);
                if (rejected > 0)
                {
                    Interlocked.Add(ref _rejected, rejected);
                    Report($"partial success: {rejected} span(s) rejected");
                }
                else if (_lastLogged is not null)
                {
                    _lastLogged = null;
                    Log(KtLogLevel.Notice, $"kt: OTLP export to {_options.Endpoint} delivers again; {Volatile.Read(ref _failed) - _failedWhenFailing} span(s) failed while it could not");
                }
                return true;
            }
            failure = $"HTTP {reply.Status} {reply.Reason}".TrimEnd();
            if (!IsRetryableHttp(reply.Status))
                return Failed(spans, failure + " (not retried)");
            retryAfter = reply.RetryAfter;
        Retry:
            lastFailure = failure;
            var wait = retryAfter ?? Jittered(backoff);
            if (Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency) >= deadline)
                return Failed(spans, OutOfTime(lastFailure));
            Interlocked.Increment(ref _retries);
            Thread.Sleep(wait);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    private static bool IsTimeout(Exception e) =>
        e is TimeoutException || e is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock };

    private string Describe(Exception e) => e switch
    {
        SocketException s => $"connection to {_options.Endpoint.Authority} failed: {s.Message}",
        _ => e.Message,
    };

    private long Rejected(ReadOnlySpan<byte> body)
    {
        try
        {
            return ExportResponseReader.RejectedSpans(body, json: _options.Protocol == OtlpHttpProtocol.Json);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or OverflowException)
        {
            Report($"unreadable response body: {e.Message}");
            return 0;
        }
    }

    // The same words for the same outage, however many attempts fit in each batch's time.
    private string OutOfTime(string? lastFailure) => lastFailure is null
        ? $"no answer within {_options.Timeout.TotalMilliseconds} ms"
        : $"{lastFailure} (retried until the {_options.Timeout.TotalMilliseconds} ms limit)";

    // The gRPC codes the OTLP specification retries: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
    // OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. (RESOURCE_EXHAUSTED only with RetryInfo, not read here.)
    private static bool IsRetryable(int grpcStatus) => grpcStatus is 1 or 4 or 10 or 11 or 14 or 15;

    private static bool IsRetryableHttp(int status) => status is 429 or 502 or 503 or 504;

    private TimeSpan Jittered(TimeSpan backoff) => TimeSpan.FromTicks((long)(backoff.Ticks * (0.5 + _jitter.NextDouble() / 2)));

    // .NET has no deflater that can be reset, so each batch's GZipStream allocates its zlib state
    // (a few hundred bytes of managed objects): compression is the one per-batch allocation left.
    private ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> body)
    {
        _compressed.SetLength(0);
        using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(body.Span);
        return _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }

    private bool Failed(int spans, string failure)
    {
        if (_lastLogged is null)
            _failedWhenFailing = Volatile.Read(ref _failed);
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
        Log(KtLogLevel.Error, message);
    }

    // One line per change of state: the first failure, a different failure, delivering again.
    private void Log(KtLogLevel level, string message)
    {
        if (_options.Log is { } log)
            log(message);
        else
            KtLog.Write(level, message.StartsWith("kt: ", StringComparison.Ordinal) ? message[4..] : message);
    }

    /// <inheritdoc/>
    public void Shutdown() => Dispose();

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _sender.Dispose();
}
