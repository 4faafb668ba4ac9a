using System.Buffers;
using System.Buffers.Text;

namespace Kt.TraceViewer;

/// <summary>Writes bytes as one line of base64, a piece at a time, without a string of the whole.</summary>
internal static class Base64Block
{
    private const int Piece = 48 * 1024; // a multiple of 3: no padding until the end

    public static void Write(Stream output, ReadOnlySpan<byte> bytes)
    {
        var encoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(Piece));
        try
        {
            while (bytes.Length > 0)
            {
                var piece = bytes[..Math.Min(Piece, bytes.Length)];
                Base64.EncodeToUtf8(piece, encoded, out _, out int written);
                output.Write(encoded, 0, written);
                bytes = bytes[piece.Length..];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }
}
