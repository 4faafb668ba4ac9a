namespace Kt.Export.Otlp;

/// <summary>The wire format of OTLP/HTTP.</summary>
public enum OtlpHttpProtocol
{
    /// <summary><c>http/protobuf</c>, the default.</summary>
    Protobuf,

    /// <summary><c>http/json</c>.</summary>
    Json,

    /// <summary><c>grpc</c>: the protobuf request in a gRPC frame over HTTP/2; the endpoint names the Export method.</summary>
    Grpc,
}

/// <summary>Where and how <see cref="OtlpHttpExporter"/> sends.</summary>
public sealed record OtlpHttpOptions
{
    /// <summary>The full URL spans are posted to, e.g. <c>http://collector:4318/v1/traces</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Protobuf (the default) or JSON.</summary>
    public OtlpHttpProtocol Protocol { get; init; } = OtlpHttpProtocol.Protobuf;

    /// <summary>Headers sent with every request (authentication and the like).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The longest one batch may take, retries included (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Compress request bodies with gzip.</summary>
    public bool Gzip { get; init; }

    /// <summary>The first wait before a retry; each further wait doubles, with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, unless the server asks for longer with Retry-After.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where failure messages go: one line per change of endpoint status, never one per batch.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Endpoint '{Endpoint}' is not an http or https URL", nameof(Endpoint));
        if (Timeout <= TimeSpan.Zero)
            throw new ArgumentException($"Timeout must be positive, got {Timeout}", nameof(Timeout));
        foreach (var (name, value) in Headers)
        {
            // They are written into the request as they are: a line break would start a header of its own.
            if (name.Length == 0 || name.AsSpan().IndexOfAny(" :\r\n\t\0") >= 0 || value.AsSpan().IndexOfAny("\r\n\0") >= 0)
                throw new ArgumentException($"the header '{name}' is not a valid HTTP header name and value", nameof(Headers));
        }
        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
            throw new ArgumentException($"backoff must satisfy 0 <= InitialBackoff <= MaxBackoff, got {InitialBackoff} and {MaxBackoff}", nameof(InitialBackoff));
    }
}
