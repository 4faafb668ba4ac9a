using System.Diagnostics.CodeAnalysis;

namespace Kt.Export.Otlp.Http2;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541): indexed fields from the static and dynamic tables,
/// literals with and without indexing, table size updates, Huffman-coded strings. One decoder
/// per connection, fed every header block in order. Decoding allocates nothing: strings are
/// decoded into two scratch buffers and handed to the receiver as spans.
/// </summary>
internal sealed class HpackDecoder
{
    /// <summary>SETTINGS_HEADER_TABLE_SIZE's default, which this decoder advertises.</summary>
    public const int DefaultTableSize = 4096;

    private const int MaxStringLength = 16 * 1024;

    private readonly HpackDynamicTable _table;
    private readonly byte[] _name = new byte[MaxStringLength];
    private readonly byte[] _value = new byte[MaxStringLength];

    public HpackDecoder(int maxTableSize = DefaultTableSize) => _table = new HpackDynamicTable(maxTableSize);

    /// <summary>The dynamic table, for tests.</summary>
    internal HpackDynamicTable Table => _table;

    /// <summary>Decodes one complete header block, giving each field to the receiver.</summary>
    /// <exception cref="IOException">The block is not valid HPACK (a connection error).</exception>
    public void Decode(ReadOnlySpan<byte> block, IHeaderReceiver receiver)
    {
        while (!block.IsEmpty)
        {
            byte first = block[0];
            if ((first & 0x80) != 0)
            {
                int index = Integer(ref block, 7);
                receiver.OnHeader(Name(index), Value(index));
            }
            else if ((first & 0xC0) == 0x40)
            {
                var (name, value) = Literal(ref block, 6);
                receiver.OnHeader(_name.AsSpan(0, name), _value.AsSpan(0, value));
                _table.Add(_name.AsSpan(0, name), _value.AsSpan(0, value));
            }
            else if ((first & 0xE0) == 0x20)
            {
                int size = Integer(ref block, 5);
                if (size > _table.Capacity)
                    Invalid("a table size update above the advertised size");
                _table.Resize(size);
            }
            else
            {
                // Without indexing (0000) or never indexed (0001): the same to a decoder.
                var (name, value) = Literal(ref block, 4);
                receiver.OnHeader(_name.AsSpan(0, name), _value.AsSpan(0, value));
            }
        }
    }

    /// <summary>Forgets the dynamic table, for a new connection.</summary>
    public void Reset()
    {
        _table.Resize(0);
        _table.Resize(_table.Capacity);
    }

    // Decodes a literal's name and value into the scratch buffers; their lengths.
    private (int NameLength, int ValueLength) Literal(ref ReadOnlySpan<byte> block, int prefix)
    {
        int index = Integer(ref block, prefix);
        int nameLength;
        if (index == 0)
        {
            nameLength = String(ref block, _name);
        }
        else
        {
            var indexed = Name(index);
            indexed.CopyTo(_name);
            nameLength = indexed.Length;
        }
        int valueLength = String(ref block, _value);
        return (nameLength, valueLength);
    }

    private ReadOnlySpan<byte> Name(int index) =>
        index <= HpackStaticTable.Count ? HpackStaticTable.Name(CheckIndex(index)) : _table.Name(DynamicIndex(index));

    private ReadOnlySpan<byte> Value(int index) =>
        index <= HpackStaticTable.Count ? HpackStaticTable.Value(CheckIndex(index)) : _table.Value(DynamicIndex(index));

    private static int CheckIndex(int index)
    {
        if (index == 0)
            Invalid("index 0");
        return index;
    }

    private int DynamicIndex(int index)
    {
        int dynamic = index - HpackStaticTable.Count;
        if (dynamic > _table.Count)
            Invalid($"index {index} beyond the dynamic table");
        return dynamic;
    }

    // A string literal (section 5.2) decoded into the destination; its length.
    private static int String(ref ReadOnlySpan<byte> block, byte[] destination)
    {
        if (block.IsEmpty)
            Invalid("a truncated string");
        bool huffman = (block[0] & 0x80) != 0;
        int length = Integer(ref block, 7);
        if (length > block.Length)
            Invalid("a truncated string");
        var encoded = block[..length];
        block = block[length..];
        if (!huffman)
        {
            if (length > destination.Length)
                Invalid("a string longer than 16 KB");
            encoded.CopyTo(destination);
            return length;
        }
        int decoded = HpackHuffman.Decode(encoded, destination);
        if (decoded < 0)
            Invalid("an invalid Huffman string");
        return decoded;
    }

    // An integer with an N-bit prefix (section 5.1).
    internal static int Integer(ref ReadOnlySpan<byte> block, int prefixBits)
    {
        if (block.IsEmpty)
            Invalid("a truncated integer");
        int max = (1 << prefixBits) - 1;
        int value = block[0] & max;
        block = block[1..];
        if (value < max)
            return value;
        for (int shift = 0; ; shift += 7)
        {
            if (block.IsEmpty || shift > 21)
                Invalid("a truncated or too large integer");
            byte b = block[0];
            block = block[1..];
            value += (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
    }

    [DoesNotReturn]
    private static void Invalid(string what) => throw new IOException($"HPACK: {what}");
}
