using System.Net.Http;

namespace Kt.AspNetCore;

/// <summary>
/// What OpenTelemetry's HTTP semantic conventions say a CLIENT span holds: the request's method,
/// server and URL (credentials redacted), the response's status and protocol, 4xx, 5xx and
/// failures as errors.
/// </summary>
internal static class HttpClientConventions
{
    public static void RecordRequest<TSpan>(TSpan span, HttpRequestMessage request, string method, bool known)
        where TSpan : struct, ISpanWriter
    {
        if (known)
        {
            span.Set(HttpAttributes.RequestMethod, method);
        }
        else
        {
            span.Set(HttpAttributes.RequestMethod, HttpMethodNames.Other);
            span.Set(HttpAttributes.RequestMethodOriginal, method);
        }
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
            return;
        // Host costs what HttpClient's own IdnHost would, once per Uri.
        span.Set(HttpAttributes.ServerAddress, uri.Host);
        span.Set(HttpAttributes.ServerPort, uri.Port);
        Span<char> buffer = stackalloc char[UrlText.StackLimit];
        if (UrlText.Full(uri.OriginalString, buffer) is { IsEmpty: false } full)
            span.Set(HttpAttributes.UrlFull, full);
    }

    public static void RecordResponse<TSpan>(TSpan span, HttpResponseMessage response)
        where TSpan : struct, ISpanWriter
    {
        int status = (int)response.StatusCode;
        span.Set(HttpAttributes.ResponseStatusCode, status);
        if (ProtocolVersion(response.Version) is { } version)
            span.Set(HttpAttributes.ProtocolVersion, version);
        if (status >= 400)
        {
            Span<char> code = stackalloc char[11];
            status.TryFormat(code, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            span.Set(HttpAttributes.ErrorType, code[..written]);
            span.SetError(default);
        }
    }

    public static void RecordFailure<TSpan>(TSpan span, Exception exception, bool recordException)
        where TSpan : struct, ISpanWriter
    {
        string type = exception.GetType().FullName ?? HttpAttributes.OtherError;
        span.Set(HttpAttributes.ErrorType, ErrorType(exception) ?? type);
        span.SetError(exception.Message);
        if (recordException)
            span.RecordException(exception, type);
    }

    private static string? ProtocolVersion(Version version) => (version.Major, version.Minor) switch
    {
        (1, 0) => "1.0",
        (1, 1) => "1.1",
        (2, 0) => "2",
        (3, 0) => "3",
        _ => null,
    };

    // The semantic conventions' names for what HttpClient says went wrong.
    private static string? ErrorType(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: var error } => error switch
        {
            HttpRequestError.NameResolutionError => "name_resolution_error",
            HttpRequestError.ConnectionError => "connection_error",
            HttpRequestError.SecureConnectionError => "secure_connection_error",
            HttpRequestError.HttpProtocolError => "http_protocol_error",
            HttpRequestError.ExtendedConnectNotSupported => "extended_connect_not_supported",
            HttpRequestError.VersionNegotiationError => "version_negotiation_error",
            HttpRequestError.UserAuthenticationError => "user_authentication_error",
            HttpRequestError.ProxyTunnelError => "proxy_tunnel_error",
            HttpRequestError.InvalidResponse => "invalid_response",
            HttpRequestError.ResponseEnded => "response_ended",
            HttpRequestError.ConfigurationLimitExceeded => "configuration_limit_exceeded",
            _ => null,
        },
        OperationCanceledException => "canceled",
        _ => null,
    };
}
