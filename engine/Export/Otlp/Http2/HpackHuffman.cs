namespace Kt.Export.Otlp.Http2;

/// <summary>
/// Decodes HPACK's Huffman code (RFC 7541, Appendix B). The code is canonical: the codes of each
/// length are consecutive numbers, in symbol order, after those of the shorter lengths. So the
/// 257 code lengths alone define it, and a decoder needs per length only the first code, how
/// many codes it has and where its symbols start.
/// </summary>
internal static class HpackHuffman
{
    private const int MaxLength = 30;
    private const int EndOfString = 256;

    // Appendix B's code lengths in bits, by symbol (0 to 255, then EOS).
    private static ReadOnlySpan<byte> Lengths =>
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    ];

    private static readonly uint[] FirstCode = new uint[MaxLength + 1];
    private static readonly int[] CountOfLength = new int[MaxLength + 1];
    private static readonly int[] FirstSymbol = new int[MaxLength + 1];
    private static readonly short[] Symbols = new short[257];

    static HpackHuffman()
    {
        var lengths = Lengths;
        foreach (byte length in lengths)
            CountOfLength[length]++;
        uint code = 0;
        int symbolIndex = 0;
        for (int length = 1; length <= MaxLength; length++)
        {
            FirstCode[length] = code;
            FirstSymbol[length] = symbolIndex;
            for (int symbol = 0; symbol < lengths.Length; symbol++)
            {
                if (lengths[symbol] == length)
                    Symbols[symbolIndex++] = (short)symbol;
            }
            code = (code + (uint)CountOfLength[length]) << 1;
        }
    }

    /// <summary>Decodes into the destination; the number of bytes written, or -1 for an invalid string or too small a destination.</summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = 0;
        uint code = 0;
        int length = 0;
        foreach (byte b in source)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                code = code << 1 | (uint)(b >> bit & 1);
                length++;
                uint offset = code - FirstCode[length];
                if (offset < (uint)CountOfLength[length])
                {
                    int symbol = Symbols[FirstSymbol[length] + (int)offset];
                    if (symbol == EndOfString || written == destination.Length)
                        return -1;
                    destination[written++] = (byte)symbol;
                    code = 0;
                    length = 0;
                }
                else if (length == MaxLength)
                {
                    return -1;
                }
            }
        }
        // The padding: at most 7 bits, the most significant bits of EOS (all ones).
        return length <= 7 && code == (1u << length) - 1 ? written : -1;
    }
}
