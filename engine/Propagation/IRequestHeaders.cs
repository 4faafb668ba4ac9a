using System.Numerics;

namespace Kt;

/// <summary>
/// The headers of an incoming request, as the extractors read them: UTF-8
/// (<typeparamref name="TChar"/> = <see cref="byte"/>) or UTF-16 (<see cref="char"/>). Implement it
/// as a struct over whatever holds the host's headers; <see cref="StringHeaderList"/> is one over
/// name/value pairs. The engine asks only for the names of the formats it tries, and reads every
/// line of a repeated name: W3C's <c>tracestate</c> lines are one list, and several
/// <c>traceparent</c> lines make it invalid.
/// </summary>
/// <typeparam name="TChar"><see cref="byte"/> for UTF-8, <see cref="char"/> for UTF-16.</typeparam>
public interface IRequestHeaders<TChar>
    where TChar : unmanaged, IBinaryInteger<TChar>
{
    /// <summary>
    /// The value of the next header named <paramref name="name"/>, in the request's order, compared
    /// without regard to ASCII case (<see cref="HeaderNames.Matches{TChar}(ReadOnlySpan{TChar}, string)"/>
    /// does that).
    /// </summary>
    /// <param name="name">A lower-case header name, one of <see cref="HeaderNames"/>.</param>
    /// <param name="position">
    /// Where to look from: 0 for the first line of the name; the call moves it past the line it
    /// found, so passing it back gives the next one. Its meaning is the implementation's (an index
    /// into its headers, say).
    /// </param>
    /// <param name="value">The value, untrimmed; valid until the request's headers change.</param>
    /// <returns>False when no more header has that name.</returns>
    bool TryGetNextValue(string name, scoped ref int position, out ReadOnlySpan<TChar> value);
}
