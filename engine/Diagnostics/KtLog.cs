namespace Kt;

/// <summary>
/// Where the lines kt writes go: a handler the host sets, or standard error. kt writes a line
/// when something changes (an exporter starts failing, or delivers again) and, for problems
/// that requests cause, at most once a second per kind of problem, with a count; never a line
/// per span, per request or per header.
/// </summary>
public static class KtLog
{
    private static Action<KtLogLevel, string>? s_handler;

    /// <summary>
    /// Sends every later line to <paramref name="handler"/>; null sends them to standard error
    /// again. The handler is called from whichever thread found the problem, the exporter's
    /// among them, and must return quickly; an exception it throws is ignored.
    /// </summary>
    public static void SetHandler(Action<KtLogLevel, string>? handler) => Volatile.Write(ref s_handler, handler);

    internal static void Write(KtLogLevel level, string message)
    {
        var handler = Volatile.Read(ref s_handler);
        try
        {
            if (handler is null)
                Console.Error.WriteLine($"kt: {Name(level)}: {message}");
            else
                handler(level, message);
        }
        catch (Exception)
        {
            // A log line is never worth failing the span or the export that wrote it.
        }
    }

    /// <summary>The level's name as lines on standard error show it.</summary>
    public static string Name(KtLogLevel level) => level switch
    {
        KtLogLevel.Error => "error",
        KtLogLevel.Warning => "warn",
        KtLogLevel.Notice => "notice",
        _ => "info",
    };
}
