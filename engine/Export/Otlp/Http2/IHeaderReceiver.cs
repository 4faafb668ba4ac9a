namespace Kt.Export.Otlp.Http2;

/// <summary>Takes the header fields an <see cref="HpackDecoder"/> decodes, one at a time.</summary>
internal interface IHeaderReceiver
{
    /// <summary>One field; the spans are valid only during the call.</summary>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}
