namespace Kt.AspNetCore;

/// <summary>
/// The methods the HTTP semantic conventions name: any other (case counts) is recorded as
/// <c>_OTHER</c> with the original beside it, and its spans are named <c>HTTP</c>.
/// </summary>
internal static class HttpMethodNames
{
    public const string Other = "_OTHER";

    /// <summary>The span name's method part for a method that is not known.</summary>
    public const string OtherSpanName = "HTTP";

    public static bool IsKnown(string method) => method switch
    {
        "GET" or "HEAD" or "POST" or "PUT" or "DELETE" or "CONNECT" or "OPTIONS" or "TRACE" or "PATCH" or "QUERY" => true,
        _ => false,
    };
}
