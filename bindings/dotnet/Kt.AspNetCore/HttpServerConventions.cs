using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Kt.AspNetCore;

/// <summary>
/// What OpenTelemetry's HTTP semantic conventions say a SERVER span holds, read from the server's
/// features without allocating: the request's attributes when it starts, the response's when it
/// ends, the route in the name, 5xx and exceptions as errors.
/// </summary>
internal static class HttpServerConventions
{
    public static void RecordRequest<TSpan>(TSpan span, IHttpRequestFeature http, IFeatureCollection features, string method, bool known)
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
        string scheme = http.Scheme;
        span.Set(HttpAttributes.UrlScheme, scheme);
        if (http.Path is { Length: > 0 } path)
            span.Set(HttpAttributes.UrlPath, path);
        if (http.QueryString is { Length: > 1 } query)
            span.Set(HttpAttributes.UrlQuery, query.AsSpan(1));

        var headers = http.Headers;
        var host = headers.Host;
        if (host.Count > 0 && HostHeader.TrySplit(host[0], out var address, out int port))
        {
            span.Set(HttpAttributes.ServerAddress, address);
            if (port < 0)
                port = HostHeader.DefaultPort(scheme);
            if (port >= 0)
                span.Set(HttpAttributes.ServerPort, port);
        }
        if (features.Get<IHttpConnectionFeature>()?.RemoteIpAddress is { } client)
        {
            Span<char> text = stackalloc char[64];
            if (client.TryFormat(text, out int written))
                span.Set(HttpAttributes.ClientAddress, text[..written]);
        }
        if (ProtocolVersion(http.Protocol) is { IsEmpty: false } version)
            span.Set(HttpAttributes.ProtocolVersion, version);
        var userAgent = headers.UserAgent;
        if (userAgent.Count > 0 && userAgent[0] is { Length: > 0 } agent)
            span.Set(HttpAttributes.UserAgent, agent);
    }

    public static void RecordResponse<TSpan>(TSpan span, IFeatureCollection features, Exception? exception, bool recordExceptions)
        where TSpan : struct, ISpanWriter
    {
        int status = features.Get<IHttpResponseFeature>()?.StatusCode ?? 0;
        if (status > 0)
            span.Set(HttpAttributes.ResponseStatusCode, status);
        if (features.Get<IEndpointFeature>()?.Endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } route })
        {
            span.Set(HttpAttributes.Route, route);
            string method = features.Get<IHttpRequestFeature>()?.Method ?? "";
            span.Rename(HttpMethodNames.IsKnown(method) ? method : HttpMethodNames.OtherSpanName, route);
        }
        // An exception handler (UseExceptionHandler) answers for an exception the server then never sees.
        exception ??= features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is not null)
        {
            string type = exception.GetType().FullName ?? HttpAttributes.OtherError;
            span.Set(HttpAttributes.ErrorType, type);
            span.SetError(exception.Message);
            if (recordExceptions)
                span.RecordException(exception, type);
        }
        else if (status >= 500)
        {
            Span<char> code = stackalloc char[11];
            status.TryFormat(code, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            span.Set(HttpAttributes.ErrorType, code[..written]);
            span.SetError(default);
        }
    }

    // "HTTP/1.1" -> "1.1", "HTTP/2" -> "2".
    private static ReadOnlySpan<char> ProtocolVersion(string? protocol) =>
        protocol is { Length: > 5 } && protocol.StartsWith("HTTP/", StringComparison.Ordinal) ? protocol.AsSpan(5) : default;
}
