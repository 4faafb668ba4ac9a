using System.Text;
using Kt.Export.Otlp.Http2;

namespace Kt.Tests;

/// <summary>The HPACK decoder against RFC 7541's Appendix C: integers, requests and responses, plain and Huffman-coded, with evictions.</summary>
public class HpackDecoderTests
{
    private sealed class Collected : IHeaderReceiver
    {
        public List<string> Fields { get; } = [];

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            Fields.Add($"{Encoding.ASCII.GetString(name)}: {Encoding.ASCII.GetString(value)}");
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("\n", ""));

    private static List<string> Decode(HpackDecoder decoder, string hex)
    {
        var collected = new Collected();
        decoder.Decode(Hex(hex), collected);
        return collected.Fields;
    }

    private static List<string> Table(HpackDecoder decoder)
    {
        var table = decoder.Table;
        return Enumerable.Range(1, table.Count).Select(i => $"{Encoding.ASCII.GetString(table.Name(i))}: {Encoding.ASCII.GetString(table.Value(i))}").ToList();
    }

    [Theory]
    [InlineData("0a", 5, 10)] // C.1.1
    [InlineData("1f9a0a", 5, 1337)] // C.1.2
    [InlineData("2a", 8, 42)] // C.1.3
    public void Integers_decode_as_in_C_1(string hex, int prefix, int expected)
    {
        ReadOnlySpan<byte> block = Hex(hex);
        Assert.Equal(expected, HpackDecoder.Integer(ref block, prefix));
        Assert.True(block.IsEmpty);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Requests_decode_as_in_C_3_and_C_4(bool huffman)
    {
        var decoder = new HpackDecoder();
        string[] blocks = huffman
            ? ["8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf", "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"]
            : ["8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865", "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"];
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"], Decode(decoder, blocks[0]));
        Assert.Equal([":authority: www.example.com"], Table(decoder));
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"], Decode(decoder, blocks[1]));
        Assert.Equal([":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"], Decode(decoder, blocks[2]));
        Assert.Equal(["custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"], Table(decoder));
        Assert.Equal(164, decoder.Table.Size);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Responses_decode_with_evictions_as_in_C_5_and_C_6(bool huffman)
    {
        var decoder = new HpackDecoder(256);
        string[] blocks = huffman
            ?
            [
                "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
                "4883 640e ffc1 c0bf",
                "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
            ]
            :
            [
                "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                "4803 3330 37c1 c0bf",
                "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
            ];
        Assert.Equal([":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"], Decode(decoder, blocks[0]));
        Assert.Equal(222, decoder.Table.Size);
        Assert.Equal([":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"], Decode(decoder, blocks[1]));
        Assert.Equal([":status: 307", "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private"], Table(decoder));
        Assert.Equal(
            [":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT", "location: https://www.example.com", "content-encoding: gzip", "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"],
            Decode(decoder, blocks[2]));
        Assert.Equal(["set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1", "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT"], Table(decoder));
        Assert.Equal(215, decoder.Table.Size);
    }

    [Fact]
    public void A_table_that_keeps_taking_entries_reuses_its_buffer_without_allocating()
    {
        var decoder = new HpackDecoder();
        var collected = new Collected();
        // A Date header added every second for a long while: far more bytes than the table holds.
        var blocks = Enumerable.Range(0, 500).Select(i => Hex("61" + "1d" + Convert.ToHexString(Encoding.ASCII.GetBytes($"Mon, 21 Oct 2013 20:{i / 60 % 60:00}:{i % 60:00} GMT")))).ToArray();
        decoder.Decode(blocks[0], collected);
        var ignored = NoHeaders.Instance;
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var block in blocks)
            decoder.Decode(block, ignored);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(["date: Mon, 21 Oct 2013 20:08:19 GMT"], Table(decoder).Take(1));
    }

    private sealed class NoHeaders : IHeaderReceiver
    {
        public static readonly NoHeaders Instance = new();

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
        }
    }

    [Theory]
    [InlineData("0082ffff")] // a new name in Huffman code that is only padding, 16 bits of it (at most 7 are allowed)
    [InlineData("be")] // index 62 with an empty dynamic table
    [InlineData("80")] // index 0
    [InlineData("3fe21f")] // a table size update to 4097, above the 4096 advertised
    public void Invalid_blocks_are_refused(string hex)
    {
        var decoder = new HpackDecoder();
        Assert.Throws<IOException>(() => decoder.Decode(Hex(hex), new Collected()));
    }
}
