namespace Kt.Export.Otlp;

/// <summary>
/// The User-Agent of every OTLP request, HTTP/1.1 and gRPC alike. The OTLP specification asks an
/// exporter to name itself, its version and the language it is written in; kt adds the protocol:
/// <c>kt/0.1.0 (OTLP http/protobuf; .NET)</c>. A User-Agent among the configured headers goes in
/// front of it, as the specification lets a user add a product of their own; it is not sent twice.
/// </summary>
internal static class OtlpUserAgent
{
    public const string HeaderName = "User-Agent";

    public static string Of(OtlpHttpProtocol protocol, IReadOnlyDictionary<string, string> headers)
    {
        string own = $"kt/{KtVersion.Text} (OTLP {ProtocolName(protocol)}; .NET)";
        foreach (var (name, value) in headers)
        {
            if (IsUserAgent(name) && !string.IsNullOrWhiteSpace(value))
                return $"{value.Trim()} {own}";
        }
        return own;
    }

    /// <summary>True for the User-Agent header in any case: the configured one is merged, not sent as it is.</summary>
    public static bool IsUserAgent(string name) => string.Equals(name, HeaderName, StringComparison.OrdinalIgnoreCase);

    public static string ProtocolName(OtlpHttpProtocol protocol) => protocol switch
    {
        OtlpHttpProtocol.Json => "http/json",
        OtlpHttpProtocol.Grpc => "grpc",
        _ => "http/protobuf",
    };
}
