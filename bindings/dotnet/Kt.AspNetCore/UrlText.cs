namespace Kt.AspNetCore;

/// <summary>
/// A request's URL as <c>url.full</c> takes it: the string the Uri was made from, with the
/// credentials of a <c>user:password@</c> part replaced by <c>REDACTED</c> as the semantic
/// conventions ask, written on the stack.
/// </summary>
internal static class UrlText
{
    public const int StackLimit = 1024;

    /// <summary>
    /// The text to record: <paramref name="url"/> itself when it carries no credentials, else the
    /// redacted form in <paramref name="buffer"/>; empty when the buffer is too small for it.
    /// </summary>
    public static ReadOnlySpan<char> Full(string url, Span<char> buffer)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            return url;
        int authority = scheme + 3;
        int end = url.AsSpan(authority).IndexOfAny('/', '?', '#');
        var hostPart = end < 0 ? url.AsSpan(authority) : url.AsSpan(authority, end);
        int at = hostPart.LastIndexOf('@');
        if (at < 0)
            return url;
        const string Redacted = "REDACTED:REDACTED";
        var rest = url.AsSpan(authority + at);
        int length = authority + Redacted.Length + rest.Length;
        if (length > buffer.Length)
            return default;
        url.AsSpan(0, authority).CopyTo(buffer);
        Redacted.CopyTo(buffer[authority..]);
        rest.CopyTo(buffer[(authority + Redacted.Length)..]);
        return buffer[..length];
    }
}
