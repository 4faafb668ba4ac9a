namespace Kt.Export.Otlp;

/// <summary>
/// What the receiver answered to one request. Strings are made only for failures, so a
/// success allocates nothing. <see cref="Body"/> is valid until the sender's next request.
/// </summary>
internal readonly record struct OtlpReply
{
    /// <summary>The HTTP status (<c>:status</c> over HTTP/2).</summary>
    public int Status { get; init; }

    /// <summary>The status line's reason phrase, read only when the status is not 2xx.</summary>
    public string? Reason { get; init; }

    /// <summary>The server's Retry-After, if it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>gRPC only: grpc-status from the trailers or a trailers-only answer (2, UNKNOWN, when missing); 0 otherwise.</summary>
    public int GrpcStatus { get; init; }

    /// <summary>gRPC only: grpc-message, or "no grpc-status" when the status was missing.</summary>
    public string? GrpcMessage { get; init; }

    /// <summary>The response message: the ExportTraceServiceResponse (without gRPC's 5-byte prefix).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }
}
