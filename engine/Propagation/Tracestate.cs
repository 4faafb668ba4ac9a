using System.Numerics;

namespace Kt;

/// <summary>
/// The W3C <c>tracestate</c> header (Trace Context Level 2, §3.3): its grammar and limits,
/// checked in place without allocating. <see cref="TracestateReader"/> turns one or more header
/// lines into the list kt forwards.
/// </summary>
/// <remarks>
/// Level 2's key is one grammar: a lower-case letter or a digit, then up to 255 of
/// <c>a-z 0-9 _ - * / @</c>. Level 1's split into a simple key and a <c>tenant@system</c> key with
/// their own lengths is gone, so <c>foo@</c>, <c>foo@@bar</c> and a 256-character key with an
/// <c>@</c> anywhere after its first character are valid keys.
/// </remarks>
public static class Tracestate
{
    /// <summary>Most non-empty list members a valid list may hold, however many lines it came on.</summary>
    public const int MaxMembers = 32;

    /// <summary>Length kt propagates; a longer list is cut by whole members (see <see cref="TracestateReader"/>).</summary>
    public const int MaxLength = 512;

    /// <summary>Members longer than this are the first to go when a list is cut to <see cref="MaxLength"/>.</summary>
    public const int LongMember = 128;

    internal const int MaxKey = 256;
    internal const int MaxValue = 256;

    /// <summary>
    /// Checks one UTF-8 header value. Empty members and whitespace around members are allowed, and
    /// so is a repeated key (a receiver may keep the first). A value with no member at all is
    /// <see cref="PropagationStatus.Empty"/>; a malformed member or more than
    /// <see cref="MaxMembers"/> members make the whole value invalid. Longer than
    /// <see cref="MaxLength"/> is not refused: the list is cut when it is kept.
    /// </summary>
    public static PropagationStatus Validate(ReadOnlySpan<byte> header) => ValidateCore(header);

    /// <summary>Checks a header value held as UTF-16; any non-ASCII character is invalid.</summary>
    public static PropagationStatus Validate(ReadOnlySpan<char> header) => ValidateCore(header);

    private static PropagationStatus ValidateCore<T>(ReadOnlySpan<T> header)
        where T : unmanaged, IBinaryInteger<T>
    {
        int members = 0;
        var rest = header;
        while (NextMember(ref rest, out var member))
        {
            if (++members > MaxMembers)
                return PropagationStatus.TooManyMembers;
            var status = CheckMember(member, out _);
            if (status != PropagationStatus.Ok)
                return status;
        }
        return members == 0 ? PropagationStatus.Empty : PropagationStatus.Ok;
    }

    /// <summary>
    /// The next non-empty member of <paramref name="rest"/>, without the whitespace around it;
    /// <paramref name="rest"/> moves past it. False when only separators and whitespace are left.
    /// </summary>
    internal static bool NextMember<T>(ref ReadOnlySpan<T> rest, out ReadOnlySpan<T> member)
        where T : unmanaged, IBinaryInteger<T>
    {
        T comma = T.CreateTruncating((int)',');
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf(comma);
            member = TrimOws(end < 0 ? rest : rest[..end]);
            rest = end < 0 ? default : rest[(end + 1)..];
            if (!member.IsEmpty)
                return true;
        }
        member = default;
        return false;
    }

    /// <summary>Checks a trimmed, non-empty member; <paramref name="keyLength"/> is where its <c>=</c> is.</summary>
    internal static PropagationStatus CheckMember<T>(ReadOnlySpan<T> member, out int keyLength)
        where T : unmanaged, IBinaryInteger<T>
    {
        keyLength = member.IndexOf(T.CreateTruncating((int)'='));
        if (keyLength < 0)
            return PropagationStatus.BadFormat;
        if (!IsKey(member[..keyLength]))
            return PropagationStatus.BadKey;
        if (!IsValue(member[(keyLength + 1)..]))
            return PropagationStatus.BadValue;
        return PropagationStatus.Ok;
    }

    private static bool IsKey<T>(ReadOnlySpan<T> key)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (key.Length is 0 or > MaxKey)
            return false;
        uint first = Code(key[0]);
        if (!IsLower(first) && !IsDigit(first))
            return false;
        foreach (var element in key[1..])
        {
            uint c = Code(element);
            if (!IsLower(c) && !IsDigit(c) && c is not ('_' or '-' or '*' or '/' or '@'))
                return false;
        }
        return true;
    }

    // The member was trimmed, so the last character is never a space: the grammar's
    // "ends with a non-blank" rule holds once the value is non-empty.
    private static bool IsValue<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (value.Length is 0 or > MaxValue)
            return false;
        foreach (var element in value)
        {
            uint c = Code(element);
            if (c is < 0x20 or > 0x7E or ',' or '=')
                return false;
        }
        return true;
    }

    private static ReadOnlySpan<T> TrimOws<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        int start = 0, end = value.Length;
        while (start < end && IsOws(Code(value[start])))
            start++;
        while (end > start && IsOws(Code(value[end - 1])))
            end--;
        return value[start..end];
    }

    // Widening to uint keeps a non-ASCII char out of every ASCII range; truncating to a
    // byte could turn it into a legal character.
    private static uint Code<T>(T element)
        where T : unmanaged, IBinaryInteger<T> => uint.CreateTruncating(element);

    private static bool IsOws(uint c) => c is ' ' or '\t';

    private static bool IsLower(uint c) => c - 'a' <= 'z' - 'a';

    private static bool IsDigit(uint c) => c - '0' <= 9;
}
