namespace Kt;

/// <summary>
/// Request headers held as name/value string pairs, for <see cref="TraceContext.Extract{THeaders}(ReadOnlySpan{PropagationFormat}, in THeaders)"/>.
/// Names match without regard to ASCII case; a repeated name gives each of its lines in order.
/// </summary>
public readonly ref struct StringHeaderList : IRequestHeaders<char>
{
    private readonly ReadOnlySpan<KeyValuePair<string, string>> _headers;

    /// <summary>Wraps the pairs; nothing is copied.</summary>
    public StringHeaderList(ReadOnlySpan<KeyValuePair<string, string>> headers) => _headers = headers;

    /// <inheritdoc/>
    public bool TryGetNextValue(string name, scoped ref int position, out ReadOnlySpan<char> value)
    {
        for (int i = Math.Max(position, 0); i < _headers.Length; i++)
        {
            var header = _headers[i];
            if (header.Key is not null && HeaderNames.Matches(header.Key.AsSpan(), name))
            {
                value = header.Value;
                position = i + 1;
                return true;
            }
        }
        position = _headers.Length;
        value = default;
        return false;
    }
}
