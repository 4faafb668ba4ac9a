using System.Numerics;

namespace Kt;

/// <summary>
/// The headers of an incoming request, as the extractors read them: UTF-8
/// (<typeparamref name="TChar"/> = <see cref="byte"/>) or UTF-16 (<see cref="char"/>). Implement it
/// as a struct over whatever holds the host's headers; <see cref="StringHeaderList"/> is one over
/// name/value pairs. The engine asks only for the names of the formats it tries.
/// </summary>
/// <typeparam name="TChar"><see cref="byte"/> for UTF-8, <see cref="char"/> for UTF-16.</typeparam>
public interface IRequestHeaders<TChar>
    where TChar : unmanaged, IBinaryInteger<TChar>
{
    /// <summary>
    /// The value of the first header named <paramref name="name"/>, compared without regard to ASCII
    /// case (<see cref="HeaderNames.Matches{TChar}(ReadOnlySpan{TChar}, string)"/> does that).
    /// </summary>
    /// <param name="name">A lower-case header name, one of <see cref="HeaderNames"/>.</param>
    /// <param name="value">The value, untrimmed; valid until the request's headers change.</param>
    /// <returns>False when no header has that name.</returns>
    bool TryGetValue(string name, out ReadOnlySpan<TChar> value);
}
