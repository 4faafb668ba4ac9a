using System.Net;
using System.Net.Http;
using System.Text;

namespace Kt.AspNetCore;

/// <summary>
/// Starts and ends the CLIENT span of an outgoing HttpClient request, as the HTTP semantic
/// conventions describe it, and writes its trace context into the request. The parent is the
/// active span of the ambient <see cref="TraceContext"/> (the request being served); the span is
/// not added to that context, because a request's calls may run in parallel and a context
/// belongs to one thread at a time. The handler always ends it.
/// </summary>
internal static class ClientSpans
{
    /// <summary>Starts the span and writes its headers; the span's token, 0 when nothing is traced.</summary>
    public static long Start(HttpRequestMessage request, ReadOnlySpan<PropagationFormat> formats, out TraceEngine? engine)
    {
        engine = Tracing.Engine;
        if (engine is null || !engine.IsEnabled)
            return 0;
        var context = TraceContext.Current;
        var parent = Tracing.Global.ActiveSpan(context);
        string method = request.Method.Method;
        bool known = HttpMethodNames.IsKnown(method);
        var span = Tracing.Global.StartSpan(null, known ? method : HttpMethodNames.OtherSpanName, new SpanOptions
        {
            Kind = SpanKind.Client,
            Parent = parent,
            RemoteParent = parent.IsNoop && context is not null ? context.RemoteParent : default,
            ShouldSample = parent.IsNoop ? context?.ShouldSample : null,
        });
        if (span.IsNoop)
            return 0;
        if (span.IsRecording)
            RecordRequest(span, request, method, known);
        Inject(span, request, formats);
        return span.Token;
    }

    public static void Succeeded(TraceEngine engine, long token, HttpResponseMessage response)
    {
        var span = SpanHandle.FromToken(engine, token);
        if (span.IsRecording)
        {
            int status = (int)response.StatusCode;
            span.SetAttribute(HttpAttributes.ResponseStatusCode, status);
            if (ProtocolVersion(response.Version) is { } version)
                span.SetAttribute(HttpAttributes.ProtocolVersion, version);
            if (status >= 400)
            {
                Span<char> code = stackalloc char[11];
                status.TryFormat(code, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
                span.SetAttribute(HttpAttributes.ErrorType, code[..written]);
                span.SetStatus(StatusCode.Error);
            }
        }
        span.Finish();
    }

    public static void Failed(TraceEngine engine, long token, Exception exception, bool recordException)
    {
        var span = SpanHandle.FromToken(engine, token);
        if (span.IsRecording)
        {
            string type = exception.GetType().FullName ?? HttpAttributes.OtherError;
            span.SetAttribute(HttpAttributes.ErrorType, ErrorType(exception) ?? type);
            span.SetStatus(StatusCode.Error, exception.Message);
            if (recordException)
                ExceptionEvents.Record(span, exception, type);
        }
        span.Finish();
    }

    private static void RecordRequest(SpanHandle span, HttpRequestMessage request, string method, bool known)
    {
        if (known)
        {
            span.SetAttribute(HttpAttributes.RequestMethod, method);
        }
        else
        {
            span.SetAttribute(HttpAttributes.RequestMethod, HttpMethodNames.Other);
            span.SetAttribute(HttpAttributes.RequestMethodOriginal, method);
        }
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
            return;
        span.SetAttribute(HttpAttributes.ServerAddress, uri.Host);
        span.SetAttribute(HttpAttributes.ServerPort, uri.Port);
        Span<char> buffer = stackalloc char[UrlText.StackLimit];
        if (UrlText.Full(uri.OriginalString, buffer) is { IsEmpty: false } full)
            span.SetAttribute(HttpAttributes.UrlFull, full);
    }

    private static void Inject(SpanHandle span, HttpRequestMessage request, ReadOnlySpan<PropagationFormat> formats)
    {
        if (formats.IsEmpty)
            return;
        Span<byte> buffer = stackalloc byte[1024];
        Span<InjectedHeader> written = stackalloc InjectedHeader[4];
        var headers = request.Headers;
        foreach (var format in formats)
        {
            // Headers of the format already on the request (copied from elsewhere) would contradict ours.
            foreach (var name in PropagationHeaders.NamesOf(format))
                headers.Remove(name);
            if (span.TryInject(format, buffer, written, out int count) != KtStatus.Ok)
                continue;
            foreach (var header in written[..count])
            {
                if (PropagationHeaders.Find(format, header.Name(buffer)) is { } name)
                    headers.TryAddWithoutValidation(name, Encoding.ASCII.GetString(header.Value(buffer)));
            }
        }
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
        TaskCanceledException or OperationCanceledException => "canceled",
        _ => null,
    };
}
