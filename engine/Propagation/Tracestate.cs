using System.Numerics;

namespace Kt;

/// <summary>
/// The W3C <c>tracestate</c> header (Trace Context Level 2, §3.3): checked in place,
/// without allocating, so a service can forward it untouched or drop it whole.
/// </summary>
/// <remarks>
/// <see cref="Validate(ReadOnlySpan{byte})"/> does not refuse a header longer than
/// <see cref="MaxLength"/>: the spec lets a vendor shorten such a header instead of
/// discarding it, so the caller cuts it with <see cref="TruncatedLength(ReadOnlySpan{byte})"/>
/// and validates the kept prefix.
/// </remarks>
public static class Tracestate
{
    /// <summary>Most non-empty list members a valid header may hold.</summary>
    public const int MaxMembers = 32;

    /// <summary>Length a vendor must be able to propagate; longer headers may be truncated.</summary>
    public const int MaxLength = 512;

    private const int MaxSimpleKey = 256;
    private const int MaxTenantId = 241;
    private const int MaxSystemId = 14;
    private const int MaxValue = 256;

    /// <summary>
    /// Checks a UTF-8 header value. Empty members and whitespace around members are
    /// allowed; a duplicated key makes the whole header invalid, as Level 2 requires.
    /// A header with no member at all is <see cref="PropagationStatus.Empty"/>.
    /// </summary>
    public static PropagationStatus Validate(ReadOnlySpan<byte> header) => ValidateCore(header);

    /// <summary>Checks a header value held as UTF-16; any non-ASCII character is invalid.</summary>
    public static PropagationStatus Validate(ReadOnlySpan<char> header) => ValidateCore(header);

    /// <summary>
    /// Length of the longest prefix that is at most <see cref="MaxLength"/> bytes and made
    /// of whole members, without the trailing commas and whitespace at the cut; the full
    /// length when the header already fits, and 0 when not even the first member fits.
    /// </summary>
    /// <remarks>
    /// Members are dropped from the end because the spec puts the most recently updated
    /// vendor first, so the oldest entries are the ones lost.
    /// </remarks>
    public static int TruncatedLength(ReadOnlySpan<byte> header) => TruncatedLengthCore(header);

    /// <summary>As <see cref="TruncatedLength(ReadOnlySpan{byte})"/>, for a header held as UTF-16.</summary>
    public static int TruncatedLength(ReadOnlySpan<char> header) => TruncatedLengthCore(header);

    private static PropagationStatus ValidateCore<T>(ReadOnlySpan<T> header)
        where T : unmanaged, IBinaryInteger<T>
    {
        T comma = T.CreateTruncating((int)',');
        T equals = T.CreateTruncating((int)'=');

        // Keys are remembered by position so duplicates are found without a set.
        Span<int> keyStarts = stackalloc int[MaxMembers];
        Span<int> keyLengths = stackalloc int[MaxMembers];
        int members = 0;

        int position = 0;
        while (true)
        {
            var rest = header[position..];
            int end = rest.IndexOf(comma);
            var member = end < 0 ? rest : rest[..end];
            int leading = CountLeadingOws(member);
            member = TrimOws(member);

            if (!member.IsEmpty)
            {
                if (members == MaxMembers)
                    return PropagationStatus.TooManyMembers;
                int split = member.IndexOf(equals);
                if (split < 0)
                    return PropagationStatus.BadFormat;
                var key = member[..split];
                if (!IsKey(key))
                    return PropagationStatus.BadKey;
                if (!IsValue(member[(split + 1)..]))
                    return PropagationStatus.BadValue;
                for (int i = 0; i < members; i++)
                {
                    if (key.SequenceEqual(header.Slice(keyStarts[i], keyLengths[i])))
                        return PropagationStatus.DuplicateKey;
                }
                keyStarts[members] = position + leading;
                keyLengths[members] = key.Length;
                members++;
            }

            if (end < 0)
                break;
            position += end + 1;
        }
        return members == 0 ? PropagationStatus.Empty : PropagationStatus.Ok;
    }

    private static int TruncatedLengthCore<T>(ReadOnlySpan<T> header)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (header.Length <= MaxLength)
            return header.Length;
        int kept = TrimEndSeparators(header).Length;
        if (kept <= MaxLength)
            return kept;
        // A comma can never sit inside a key or a value, so every comma is a member
        // boundary; one exactly at MaxLength still closes a member that fits.
        int cut = header[..(MaxLength + 1)].LastIndexOf(T.CreateTruncating((int)','));
        return cut < 0 ? 0 : TrimEndSeparators(header[..cut]).Length;
    }

    private static bool IsKey<T>(ReadOnlySpan<T> key)
        where T : unmanaged, IBinaryInteger<T>
    {
        int at = key.IndexOf(T.CreateTruncating((int)'@'));
        if (at < 0)
            return key.Length is > 0 and <= MaxSimpleKey && IsLower(Code(key[0])) && AreKeyChars(key[1..]);

        var tenant = key[..at];
        var system = key[(at + 1)..];
        return tenant.Length is > 0 and <= MaxTenantId
            && (IsLower(Code(tenant[0])) || IsDigit(Code(tenant[0])))
            && AreKeyChars(tenant[1..])
            && system.Length is > 0 and <= MaxSystemId
            && IsLower(Code(system[0]))
            && AreKeyChars(system[1..]);
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

    private static bool AreKeyChars<T>(ReadOnlySpan<T> chars)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (var element in chars)
        {
            uint c = Code(element);
            if (!IsLower(c) && !IsDigit(c) && c is not ('_' or '-' or '*' or '/'))
                return false;
        }
        return true;
    }

    private static ReadOnlySpan<T> TrimEndSeparators<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        int end = value.Length;
        while (end > 0 && Code(value[end - 1]) is ' ' or '\t' or ',')
            end--;
        return value[..end];
    }

    private static ReadOnlySpan<T> TrimOws<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        int end = value.Length;
        while (end > 0 && IsOws(Code(value[end - 1])))
            end--;
        return value[CountLeadingOws(value[..end])..end];
    }

    private static int CountLeadingOws<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        int start = 0;
        while (start < value.Length && IsOws(Code(value[start])))
            start++;
        return start;
    }

    // Widening to uint keeps a non-ASCII char out of every ASCII range; truncating to a
    // byte could turn it into a legal character.
    private static uint Code<T>(T element)
        where T : unmanaged, IBinaryInteger<T> => uint.CreateTruncating(element);

    private static bool IsOws(uint c) => c is ' ' or '\t';

    private static bool IsLower(uint c) => c - 'a' <= 'z' - 'a';

    private static bool IsDigit(uint c) => c - '0' <= 9;
}
