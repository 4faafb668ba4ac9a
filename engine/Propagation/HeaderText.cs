using System.Numerics;

namespace Kt;

/// <summary>
/// Header values as the extractors read them: generic over the code unit, so UTF-8 and UTF-16
/// headers go through the same parsers; only ASCII is ever meaningful.
/// </summary>
internal static class HeaderText
{
    /// <summary>
    /// The value of the named header's first line that is not blank, without surrounding spaces and
    /// tabs; empty when there is none (every format treats absent and blank alike). Later lines of
    /// the name are not read: the formats other than W3C carry one value per header.
    /// </summary>
    public static ReadOnlySpan<TChar> Value<TChar, THeaders>(in THeaders headers, string name)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        int position = 0;
        return NextValue<TChar, THeaders>(headers, name, ref position);
    }

    /// <summary>As <see cref="Value{TChar, THeaders}"/>, and whether another line of the name that is not blank follows it.</summary>
    public static ReadOnlySpan<TChar> OnlyValue<TChar, THeaders>(in THeaders headers, string name, out bool repeated)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        int position = 0;
        var value = NextValue<TChar, THeaders>(headers, name, ref position);
        repeated = !value.IsEmpty && !NextValue<TChar, THeaders>(headers, name, ref position).IsEmpty;
        return value;
    }

    /// <summary>The next line of the name that is not blank, trimmed, from <paramref name="position"/> on; empty when none is left.</summary>
    public static ReadOnlySpan<TChar> NextValue<TChar, THeaders>(in THeaders headers, string name, scoped ref int position)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        while (headers.TryGetNextValue(name, ref position, out var value))
        {
            value = Trim(value);
            if (!value.IsEmpty)
                return value;
        }
        return default;
    }

    public static ReadOnlySpan<TChar> Trim<TChar>(ReadOnlySpan<TChar> value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        int start = 0, end = value.Length;
        while (start < end && Code(value[start]) is ' ' or '\t')
            start++;
        while (end > start && Code(value[end - 1]) is ' ' or '\t')
            end--;
        return value[start..end];
    }

    /// <summary>True when the text is exactly the ASCII <paramref name="ascii"/>.</summary>
    public static bool EqualsAscii<TChar>(ReadOnlySpan<TChar> text, string ascii)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        if (text.Length != ascii.Length)
            return false;
        for (int i = 0; i < text.Length; i++)
        {
            if (Code(text[i]) != ascii[i])
                return false;
        }
        return true;
    }

    /// <summary>True when the text is the lower-case ASCII <paramref name="lower"/> in any case.</summary>
    public static bool EqualsIgnoringCase<TChar>(ReadOnlySpan<TChar> text, string lower)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        if (text.Length != lower.Length)
            return false;
        for (int i = 0; i < text.Length; i++)
        {
            uint c = Code(text[i]);
            if (c - 'A' <= 'Z' - 'A')
                c |= 0x20;
            if (c != lower[i])
                return false;
        }
        return true;
    }

    /// <summary>The index of the first <paramref name="ascii"/> character, or -1.</summary>
    public static int IndexOf<TChar>(ReadOnlySpan<TChar> text, char ascii)
        where TChar : unmanaged, IBinaryInteger<TChar> => text.IndexOf(TChar.CreateTruncating((int)ascii));

    /// <summary>
    /// The next field of <paramref name="rest"/> up to <paramref name="separator"/>; the rest moves
    /// past it (to empty after the last field).
    /// </summary>
    public static ReadOnlySpan<TChar> NextField<TChar>(ref ReadOnlySpan<TChar> rest, char separator)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        int at = IndexOf(rest, separator);
        ReadOnlySpan<TChar> field;
        if (at < 0)
        {
            field = rest;
            rest = default;
        }
        else
        {
            field = rest[..at];
            rest = rest[(at + 1)..];
        }
        return field;
    }

    // Widening to uint keeps a non-ASCII char out of every ASCII range; truncating to a
    // byte could turn it into a legal character.
    public static uint Code<TChar>(TChar element)
        where TChar : unmanaged, IBinaryInteger<TChar> => uint.CreateTruncating(element);
}
