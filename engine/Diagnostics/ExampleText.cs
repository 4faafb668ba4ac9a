using System.Numerics;
using System.Text;

namespace Kt.Diagnostics;

/// <summary>
/// A value from the network as a log line may quote it: cut to a safe length, every byte
/// that is not printable ASCII (and the quote and backslash) escaped as <c>\xHH</c>, so a
/// line can neither be forged nor made long by what a client sends.
/// </summary>
internal static class ExampleText
{
    public const int MaxCharacters = 64;

    public static string Quote<TChar>(ReadOnlySpan<TChar> value) where TChar : unmanaged, IBinaryInteger<TChar>
    {
        var text = new StringBuilder(MaxCharacters + 16);
        text.Append('"');
        int shown = Math.Min(value.Length, MaxCharacters);
        for (int i = 0; i < shown; i++)
        {
            uint c = uint.CreateTruncating(value[i]);
            if (c is >= 0x20 and < 0x7F and not '"' and not '\\')
                text.Append((char)c);
            else if (c <= 0xFF)
                text.Append("\\x").Append(c.ToString("x2"));
            else
                text.Append("\\u").Append(c.ToString("x4"));
        }
        text.Append('"');
        if (value.Length > shown)
            text.Append($" (cut from {value.Length})");
        return text.ToString();
    }
}
