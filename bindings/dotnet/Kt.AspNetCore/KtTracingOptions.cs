namespace Kt.AspNetCore;

/// <summary>
/// What code says about kt's tracing in an ASP.NET Core host (<c>AddKtTracing(o => ...)</c>). What
/// code leaves unset comes from the configuration section (<see cref="SectionName"/>, "Kt" by
/// default), then from OpenTelemetry's <c>OTEL_*</c> variables; see the README for the keys.
/// </summary>
public sealed class KtTracingOptions
{
    /// <summary>The configuration section read when code does not name another.</summary>
    public const string DefaultSectionName = "Kt";

    /// <summary>The configuration section holding kt's settings.</summary>
    public string SectionName { get; set; } = DefaultSectionName;

    /// <summary>
    /// The trace-context formats read from requests (the first present decides) and written into
    /// HttpClient requests. Null: the section's <c>Propagation</c>, else <c>OTEL_PROPAGATORS</c>,
    /// else W3C alone. Empty: no trace context is read or written.
    /// </summary>
    public IList<PropagationFormat>? Propagation { get; set; }

    /// <summary>Whether an unhandled exception becomes an <c>exception</c> event with its stack trace; null: the section's <c>RecordExceptions</c>, else true.</summary>
    public bool? RecordExceptions { get; set; }

    /// <summary>Whether every HttpClient from IHttpClientFactory gets a CLIENT span per request (true by default).</summary>
    public bool TraceHttpClients { get; set; } = true;

    /// <summary>The engine kt runs on; null: the section's <c>Engine</c> (<c>managed</c> or <c>libkt</c>), else the managed engine.</summary>
    public KtEngine? Engine { get; set; }

    /// <summary>libkt.so's path when kt runs on it; null: the section's <c>Library</c>, else the library beside the application or on the library path.</summary>
    public string? LibraryPath { get; set; }

    /// <summary>Changes the engine's options (slots, storage per span, batches) after configuration has set them.</summary>
    public Func<EngineOptions, EngineOptions>? ConfigureEngine { get; set; }
}
