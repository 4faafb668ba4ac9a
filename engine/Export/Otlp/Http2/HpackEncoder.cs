using System.Text;

namespace Kt.Export.Otlp.Http2;

/// <summary>
/// Writes the few HPACK representations a request needs (RFC 7541): indexed fields of the
/// static table and literals without indexing, with plain (not Huffman) strings. A request's
/// header block never changes, so it is built once and leaves the peer's table alone.
/// </summary>
internal static class HpackEncoder
{
    /// <summary>An indexed field (section 6.1).</summary>
    public static void Indexed(List<byte> block, int index) => Integer(block, index, 7, 0x80);

    /// <summary>A literal without indexing whose name is the static table's entry (section 6.2.2).</summary>
    public static void Literal(List<byte> block, int nameIndex, string value)
    {
        Integer(block, nameIndex, 4, 0x00);
        String(block, value);
    }

    /// <summary>A literal without indexing with a new name, lower-cased as HTTP/2 requires.</summary>
    public static void Literal(List<byte> block, string name, string value)
    {
        block.Add(0x00);
        String(block, name.ToLowerInvariant());
        String(block, value);
    }

    private static void String(List<byte> block, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Integer(block, bytes.Length, 7, 0x00);
        block.AddRange(bytes);
    }

    /// <summary>An integer with an N-bit prefix (section 5.1) after the pattern's high bits.</summary>
    public static void Integer(List<byte> block, int value, int prefixBits, byte pattern)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Add((byte)(pattern | value));
            return;
        }
        block.Add((byte)(pattern | max));
        value -= max;
        while (value >= 0x80)
        {
            block.Add((byte)(value & 0x7F | 0x80));
            value >>= 7;
        }
        block.Add((byte)value);
    }
}
