namespace Kt.AspNetCore;

/// <summary>Records an exception as the semantic conventions' <c>exception</c> event: type, message and stack trace.</summary>
internal static class ExceptionEvents
{
    public static void Record(SpanHandle span, Exception exception, string type) =>
        span.AddEvent(HttpAttributes.ExceptionEvent,
        [
            new(HttpAttributes.ExceptionType, type),
            new(HttpAttributes.ExceptionMessage, exception.Message),
            new(HttpAttributes.ExceptionStacktrace, exception.ToString()),
        ]);
}
