using Microsoft.Extensions.Logging;

namespace Kt.AspNetCore;

/// <summary>
/// Starts and ends the SERVER span of a request in the engine kt runs on: the caller's trace
/// context continued in the configured formats, the span made the request's active span and the
/// request's context ambient, then at the end what <see cref="HttpServerConventions"/> records, and
/// whatever the request left open released. Tracing never fails a request: what goes wrong is logged.
/// </summary>
internal abstract class ServerTracer(PropagationFormat[] formats, bool recordExceptions, ILogger logger)
{
    private static readonly Action<ILogger, string, Exception?> s_refused =
        LoggerMessage.Define<string>(LogLevel.Debug, new EventId(1, "TraceContextRefused"),
            "kt: the request's trace context was refused ({Reason}); the request starts a new trace");

    private static readonly Action<ILogger, Exception?> s_failed =
        LoggerMessage.Define(LogLevel.Error, new EventId(2, "TracingFailed"), "kt: tracing a request failed; the request goes on untraced");

    protected PropagationFormat[] Formats => formats;

    protected bool RecordExceptions => recordExceptions;

    public void Start(RequestState request)
    {
        try
        {
            if (StartSpan(request))
                request.Ambient.Enter(request);
        }
        catch (Exception e)
        {
            s_failed(logger, e);
        }
    }

    public void End(RequestState request, Exception? exception)
    {
        if (request.Mode == TracingMode.None)
            return;
        try
        {
            EndSpan(request, exception);
        }
        catch (Exception e)
        {
            s_failed(logger, e);
        }
    }

    /// <summary>Starts the SERVER span and sets <see cref="RequestState.Mode"/>; false when the request is not traced.</summary>
    protected abstract bool StartSpan(RequestState request);

    /// <summary>Records the response, ends the span and the request's context.</summary>
    protected abstract void EndSpan(RequestState request, Exception? exception);

    /// <summary>Whether a refused trace context is logged: check it before making the message.</summary>
    protected bool LogsRefusals => logger.IsEnabled(LogLevel.Debug);

    protected void Refused(string reason) => s_refused(logger, reason, null);
}
