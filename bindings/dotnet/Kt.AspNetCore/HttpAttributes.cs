namespace Kt.AspNetCore;

/// <summary>The attribute names of OpenTelemetry's HTTP semantic conventions that kt writes.</summary>
internal static class HttpAttributes
{
    public const string RequestMethod = "http.request.method";
    public const string RequestMethodOriginal = "http.request.method_original";
    public const string ResponseStatusCode = "http.response.status_code";
    public const string Route = "http.route";
    public const string UrlScheme = "url.scheme";
    public const string UrlPath = "url.path";
    public const string UrlQuery = "url.query";
    public const string UrlFull = "url.full";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ClientAddress = "client.address";
    public const string ProtocolVersion = "network.protocol.version";
    public const string UserAgent = "user_agent.original";
    public const string ErrorType = "error.type";
    public const string ExceptionEvent = "exception";
    public const string ExceptionType = "exception.type";
    public const string ExceptionMessage = "exception.message";
    public const string ExceptionStacktrace = "exception.stacktrace";

    /// <summary>error.type's value when the cause has no better name.</summary>
    public const string OtherError = "_OTHER";
}
