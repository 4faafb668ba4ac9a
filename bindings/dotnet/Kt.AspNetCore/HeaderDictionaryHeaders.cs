using Microsoft.AspNetCore.Http;

namespace Kt.AspNetCore;

/// <summary>
/// An ASP.NET Core request's headers as kt's extractors read them, without copying: Kestrel keeps
/// each line of a repeated name as one of its values, which are read in order.
/// </summary>
internal readonly struct HeaderDictionaryHeaders(IHeaderDictionary headers) : IRequestHeaders<char>
{
    public bool TryGetNextValue(string name, scoped ref int position, out ReadOnlySpan<char> value)
    {
        if (headers.TryGetValue(name, out var values))
        {
            while (position < values.Count)
            {
                if (values[position++] is { } line)
                {
                    value = line;
                    return true;
                }
            }
        }
        value = default;
        return false;
    }
}
