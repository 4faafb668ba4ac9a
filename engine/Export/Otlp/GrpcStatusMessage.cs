using System.Text;

namespace Kt.Export.Otlp;

/// <summary>
/// gRPC's <c>grpc-message</c>: UTF-8, percent-encoded on the wire (gRPC over HTTP/2, "Responses").
/// Decoded before it reaches <c>kt_exporter_last_error</c> and the logs, so a receiver's
/// "bad span%21" reads "bad span!". As gRPC asks, a decoder never throws the message away: a
/// <c>%</c> not followed by two hex digits stays as it is, and bytes that are not UTF-8 become U+FFFD.
/// </summary>
internal static class GrpcStatusMessage
{
    public static string Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IndexOf((byte)'%') < 0)
            return Encoding.UTF8.GetString(encoded);
        var decoded = encoded.Length <= 1024 ? stackalloc byte[encoded.Length] : new byte[encoded.Length];
        int length = 0;
        for (int i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == (byte)'%' && i + 2 < encoded.Length && HexValue(encoded[i + 1]) is int high and >= 0 && HexValue(encoded[i + 2]) is int low and >= 0)
            {
                decoded[length++] = (byte)(high << 4 | low);
                i += 2;
            }
            else
            {
                decoded[length++] = encoded[i];
            }
        }
        return Encoding.UTF8.GetString(decoded[..length]);
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
