using System.Text;

namespace Kt.Tests;

/// <summary>The hex and decimal codec every non-W3C format shares.</summary>
public class IdCodecTests
{
    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("f", 15UL)]
    [InlineData("F", 15UL)]
    [InlineData("aBcDeF09", 0xabcdef09UL)]
    [InlineData("ffffffffffffffff", ulong.MaxValue)]
    public void Reads_hex_of_either_case(string text, ulong expected)
    {
        Assert.True(IdCodec.TryParseHex<byte>(Encoding.ASCII.GetBytes(text), out ulong fromBytes));
        Assert.True(IdCodec.TryParseHex<char>(text, out ulong fromChars));
        Assert.Equal(expected, fromBytes);
        Assert.Equal(expected, fromChars);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10000000000000000")]
    [InlineData("g")]
    [InlineData("G")]
    [InlineData("@")]
    [InlineData("`")]
    [InlineData("/")]
    [InlineData(":")]
    [InlineData(" 1")]
    [InlineData("-1")]
    [InlineData("ａ")]
    [InlineData("١")]
    public void Refuses_anything_but_hex_digits(string text)
    {
        Assert.False(IdCodec.TryParseHex<byte>(Encoding.UTF8.GetBytes(text), out _));
        Assert.False(IdCodec.TryParseHex<char>(text, out _));
    }

    [Fact]
    public void A_char_that_narrows_to_a_digit_is_not_one()
    {
        // U+0161 narrows to 0x61 ('a') and U+0130 to 0x30 ('0') if truncated to a byte.
        Assert.False(IdCodec.TryParseHex<char>("\u0161", out _));
        Assert.False(IdCodec.TryParseDecimal<char>("\u0130", out _));
    }

    [Theory]
    [InlineData("1", "00000000000000000000000000000001")]
    [InlineData("abc", "00000000000000000000000000000abc")]
    [InlineData("123456789abcdef0", "0000000000000000123456789abcdef0")]
    [InlineData("f123456789abcdef0", "000000000000000f123456789abcdef0")]
    [InlineData("FEDCBA9876543210123456789ABCDEF0", "fedcba9876543210123456789abcdef0")]
    public void Pads_a_short_trace_id_on_the_left(string text, string expected)
    {
        Assert.True(IdCodec.TryParseTraceId<char>(text, out var id));
        Assert.Equal(expected, id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("123456789012345678901234567890123")]
    [InlineData("x23456789abcdef0123")]
    [InlineData("123x456789abcdef0")]
    public void Refuses_a_bad_trace_id(string text) => Assert.False(IdCodec.TryParseTraceId<char>(text, out _));

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("7", 7UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("18446744073709551609", ulong.MaxValue - 6)]
    [InlineData("00000000000000000042", 42UL)]
    public void Reads_unsigned_64_bit_decimals(string text, ulong expected)
    {
        Assert.True(IdCodec.TryParseDecimal<byte>(Encoding.ASCII.GetBytes(text), out ulong value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("18446744073709551616")]
    [InlineData("18446744073709551620")]
    [InlineData("28446744073709551615")]
    [InlineData("99999999999999999999")]
    [InlineData("000000000000000000001")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e3")]
    [InlineData("1 ")]
    [InlineData("a")]
    public void Refuses_overflow_and_non_digits(string text) => Assert.False(IdCodec.TryParseDecimal<char>(text, out _));

    [Theory]
    [InlineData(0UL)]
    [InlineData(9UL)]
    [InlineData(10UL)]
    [InlineData(1234567890123456789UL)]
    [InlineData(ulong.MaxValue)]
    public void Writes_decimal_that_reads_back(ulong value)
    {
        var buffer = new byte[IdCodec.MaxDecimalDigits];
        int length = IdCodec.DecimalLength(value);
        IdCodec.WriteDecimal(value, buffer);
        Assert.Equal(value.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetString(buffer, 0, length));
    }

    [Fact]
    public void Writes_lower_case_hex_of_the_asked_width()
    {
        var buffer = new byte[16];
        IdCodec.WriteHex(0xABCDEF0123456789UL, 16, buffer);
        Assert.Equal("abcdef0123456789", Encoding.ASCII.GetString(buffer));
        IdCodec.WriteHex(0xABCDEF0123456789UL, 8, buffer);
        Assert.Equal("23456789", Encoding.ASCII.GetString(buffer, 0, 8));
    }
}
