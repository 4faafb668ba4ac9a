using Microsoft.AspNetCore.Http;

namespace Kt.AspNetCore;

/// <summary>An ASP.NET Core request's headers as kt's extractors read them: the first value of a name, without copying.</summary>
internal readonly struct HeaderDictionaryHeaders(IHeaderDictionary headers) : IRequestHeaders<char>
{
    public bool TryGetValue(string name, out ReadOnlySpan<char> value)
    {
        if (headers.TryGetValue(name, out var values) && values.Count > 0 && values[0] is { } first)
        {
            value = first;
            return true;
        }
        value = default;
        return false;
    }
}
