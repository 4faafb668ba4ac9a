using System.Text;
using Kt.Text;

namespace Kt.Tests;

/// <summary>The ASCII short path and the character-counting cut, at every length and position.</summary>
public class Utf8TextTests
{
    [Fact]
    public void Ascii_copies_at_every_length_and_refuses_non_ascii_at_every_position()
    {
        for (int length = 0; length <= 70; length++)
        {
            var text = new string(Enumerable.Range(0, length).Select(i => (char)('!' + i % 90)).ToArray());
            var buffer = new byte[length + 8];
            Assert.Equal(length, Utf8Text.TryCopyAscii(text, buffer));
            Assert.Equal(Encoding.ASCII.GetBytes(text), buffer[..length]);
            Assert.All(buffer[length..], b => Assert.Equal(0, b));
            for (int at = 0; at < length; at++)
            {
                foreach (char bad in new[] { '\u0080', 'é', '\u0100', '\uFFFF', '\uD800' })
                {
                    var chars = text.ToCharArray();
                    chars[at] = bad;
                    Assert.Equal(-1, Utf8Text.TryCopyAscii(chars, new byte[length]));
                }
            }
        }
    }

    [Fact]
    public void Is_ascii_at_every_length_and_position()
    {
        for (int length = 0; length <= 80; length++)
        {
            var text = Enumerable.Range(0, length).Select(i => (byte)(32 + i % 90)).ToArray();
            Assert.True(Utf8Text.IsAscii(text));
            for (int at = 0; at < length; at++)
            {
                var copy = (byte[])text.Clone();
                copy[at] = 0x80;
                Assert.False(Utf8Text.IsAscii(copy));
                Assert.False(Utf8Text.IsValid(copy));
            }
        }
    }

    [Fact]
    public void Copy_is_exact_at_every_length()
    {
        for (int length = 0; length <= 70; length++)
        {
            var source = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
            var destination = new byte[length + 8];
            Utf8Text.Copy(source, destination);
            Assert.Equal(source, destination[..length]);
            Assert.All(destination[length..], b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void Ascii_refuses_a_destination_that_is_too_small()
    {
        Assert.Equal(-1, Utf8Text.TryCopyAscii("abcdefghijklmnopq", new byte[16]));
        Assert.Equal(-1, Utf8Text.TryCopyAscii("abc", new byte[2]));
    }

    [Theory]
    [InlineData("abcdef", 3, "abc")]
    [InlineData("żółwie", 2, "żó")]
    [InlineData("😀a😀", 2, "😀a")]
    [InlineData("ab", 5, "ab")]
    [InlineData("abc", 0, "")]
    public void Prefix_length_counts_characters_not_bytes(string text, int characters, string expected)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Assert.Equal(Encoding.UTF8.GetByteCount(expected), Utf8Text.PrefixLength(utf8, characters));
    }
}
