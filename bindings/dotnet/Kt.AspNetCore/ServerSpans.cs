using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Kt.AspNetCore;

/// <summary>
/// Starts and ends the SERVER span of a request, named and attributed as OpenTelemetry's HTTP
/// semantic conventions say: the caller's trace context continued in the configured formats, the
/// span made the request's active span, 5xx and unhandled exceptions marked as errors (exceptions
/// as <c>exception</c> events), and whatever the request left open released at its end. It reads
/// only the server's features and writes text through spans on the stack: nothing allocates.
/// </summary>
internal sealed class ServerSpans(PropagationFormat[] formats, bool recordExceptions, ILogger logger)
{
    private static readonly Action<ILogger, PropagationFormat, PropagationStatus, string?, Exception?> s_refused =
        LoggerMessage.Define<PropagationFormat, PropagationStatus, string?>(LogLevel.Debug, new EventId(1, "TraceContextRefused"),
            "kt: the request's {Format} trace context was refused ({Status}, header {Header}); the request starts a new trace");

    private static readonly Action<ILogger, Exception?> s_failed =
        LoggerMessage.Define(LogLevel.Error, new EventId(2, "TracingFailed"), "kt: tracing a request failed; the request goes on untraced");

    /// <summary>The formats read from requests, in order.</summary>
    public ReadOnlySpan<PropagationFormat> Formats => formats;

    public void Start<TContext>(TracedRequest<TContext> request) where TContext : notnull
    {
        try
        {
            var engine = Tracing.Engine;
            var http = request.ServerFeatures.Get<IHttpRequestFeature>();
            if (engine is null || !engine.IsEnabled || http is null)
                return;
            var context = request.Context;
            var extracted = context.Extract(formats, new HeaderDictionaryHeaders(http.Headers));
            if (extracted.Status is not (PropagationStatus.Ok or PropagationStatus.Empty))
                s_refused(logger, extracted.Format, extracted.Status, extracted.Header, null);

            string method = http.Method;
            bool known = HttpMethodNames.IsKnown(method);
            var span = Tracing.Global.StartSpan(context, known ? method : HttpMethodNames.OtherSpanName, new SpanOptions { Kind = SpanKind.Server });
            Tracing.Global.SetActiveSpan(span, context);
            request.Engine = engine;
            request.ServerSpanToken = span.Token;
            if (span.IsRecording)
                RecordRequest(span, http, request.ServerFeatures, method, known);
            request.Ambient.Enter(context);
        }
        catch (Exception e)
        {
            s_failed(logger, e);
        }
    }

    public void End<TContext>(TracedRequest<TContext> request, Exception? exception) where TContext : notnull
    {
        var engine = request.Engine;
        if (engine is null)
            return;
        try
        {
            var span = SpanHandle.FromToken(engine, request.ServerSpanToken);
            if (span.IsRecording)
                RecordResponse(span, request.ServerFeatures, exception);
            span.Finish();
        }
        catch (Exception e)
        {
            s_failed(logger, e);
        }
        finally
        {
            request.Context.End();
        }
    }

    private static void RecordRequest(SpanHandle span, IHttpRequestFeature http, IFeatureCollection features, string method, bool known)
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
        string scheme = http.Scheme;
        span.SetAttribute(HttpAttributes.UrlScheme, scheme);
        if (http.Path is { Length: > 0 } path)
            span.SetAttribute(HttpAttributes.UrlPath, path);
        if (http.QueryString is { Length: > 1 } query)
            span.SetAttribute(HttpAttributes.UrlQuery, query.AsSpan(1));

        var headers = http.Headers;
        var host = headers.Host;
        if (host.Count > 0 && HostHeader.TrySplit(host[0], out var address, out int port))
        {
            span.SetAttribute(HttpAttributes.ServerAddress, address);
            if (port < 0)
                port = HostHeader.DefaultPort(scheme);
            if (port >= 0)
                span.SetAttribute(HttpAttributes.ServerPort, port);
        }
        if (features.Get<IHttpConnectionFeature>()?.RemoteIpAddress is { } client)
        {
            Span<char> text = stackalloc char[64];
            if (client.TryFormat(text, out int written))
                span.SetAttribute(HttpAttributes.ClientAddress, text[..written]);
        }
        if (ProtocolVersion(http.Protocol) is { IsEmpty: false } version)
            span.SetAttribute(HttpAttributes.ProtocolVersion, version);
        var userAgent = headers.UserAgent;
        if (userAgent.Count > 0 && userAgent[0] is { Length: > 0 } agent)
            span.SetAttribute(HttpAttributes.UserAgent, agent);
    }

    private void RecordResponse(SpanHandle span, IFeatureCollection features, Exception? exception)
    {
        int status = features.Get<IHttpResponseFeature>()?.StatusCode ?? 0;
        if (status > 0)
            span.SetAttribute(HttpAttributes.ResponseStatusCode, status);
        if (features.Get<IEndpointFeature>()?.Endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } route })
        {
            span.SetAttribute(HttpAttributes.Route, route);
            string method = features.Get<IHttpRequestFeature>()?.Method ?? "";
            SpanNames.Rename(span, HttpMethodNames.IsKnown(method) ? method : HttpMethodNames.OtherSpanName, route);
        }
        // An exception handler (UseExceptionHandler) answers for an exception the server then never sees.
        exception ??= features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is not null)
        {
            string type = exception.GetType().FullName ?? HttpAttributes.OtherError;
            span.SetAttribute(HttpAttributes.ErrorType, type);
            span.SetStatus(StatusCode.Error, exception.Message);
            if (recordExceptions)
                ExceptionEvents.Record(span, exception, type);
        }
        else if (status >= 500)
        {
            Span<char> code = stackalloc char[11];
            status.TryFormat(code, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            span.SetAttribute(HttpAttributes.ErrorType, code[..written]);
            span.SetStatus(StatusCode.Error);
        }
    }

    // "HTTP/1.1" -> "1.1", "HTTP/2" -> "2".
    private static ReadOnlySpan<char> ProtocolVersion(string? protocol) =>
        protocol is { Length: > 5 } && protocol.StartsWith("HTTP/", StringComparison.Ordinal) ? protocol.AsSpan(5) : default;
}
