namespace Kt;

/// <summary>
/// Request headers held as name/value string pairs, for <see cref="TraceContext.Extract{THeaders}(ReadOnlySpan{PropagationFormat}, in THeaders)"/>.
/// Names match without regard to ASCII case; the first of a repeated name counts.
/// </summary>
public readonly ref struct StringHeaderList : IRequestHeaders<char>
{
    private readonly ReadOnlySpan<KeyValuePair<string, string>> _headers;

    /// <summary>Wraps the pairs; nothing is copied.</summary>
    public StringHeaderList(ReadOnlySpan<KeyValuePair<string, string>> headers) => _headers = headers;

    /// <inheritdoc/>
    public bool TryGetValue(string name, out ReadOnlySpan<char> value)
    {
        foreach (var header in _headers)
        {
            if (header.Key is not null && HeaderNames.Matches(header.Key.AsSpan(), name))
            {
                value = header.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
