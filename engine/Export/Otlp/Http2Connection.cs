namespace Kt.Export.Otlp;

internal sealed class Http2Connection(Uri endpoint, bool gzip, IReadOnlyDictionary<string, string> headers) : IOtlpSender
{
    private readonly HttpClientSender _fallback = new(endpoint, OtlpHttpProtocol.Grpc, gzip, headers);

    public OtlpReply Send(ReadOnlyMemory<byte> body, long deadline) => _fallback.Send(body, deadline);

    public void Dispose() => _fallback.Dispose();
}
