using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kt.AspNetCore;

/// <summary>
/// kt in one host: reads the settings and starts the process's engine before the server listens
/// (unless the application started one itself, which it then uses and leaves running), and flushes
/// and stops it when the host has stopped. Holds what the SERVER and CLIENT spans need.
/// </summary>
internal sealed class KtTracingRuntime(IOptions<KtTracingOptions> options, ILoggerFactory? loggerFactory = null, IConfiguration? configuration = null)
{
    private readonly object _lock = new();
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Kt.AspNetCore");
    private volatile KtTracingSettings? _settings;
    private bool _started;
    private bool _ownsEngine;

    /// <summary>Null until started, and when tracing is disabled.</summary>
    public ServerSpans? ServerSpans { get; private set; }

    public bool TracesHttpClients => options.Value.TraceHttpClients;

    /// <summary>The formats written into outgoing requests.</summary>
    public PropagationFormat[] Formats => Settings.Formats;

    /// <summary>Whether an exception becomes an <c>exception</c> event.</summary>
    public bool RecordExceptions => Settings.RecordExceptions;

    private KtTracingSettings Settings
    {
        get
        {
            if (_settings is { } settings)
                return settings;
            lock (_lock)
                return _settings ??= KtTracingSettings.Read(configuration, options.Value, message => _logger.LogWarning("{Message}", message));
        }
    }

    /// <summary>Starts the engine once; later calls do nothing.</summary>
    /// <exception cref="ArgumentException">A setting holds a bad value; the message names it.</exception>
    public void EnsureStarted()
    {
        lock (_lock)
        {
            if (_started)
                return;
            var settings = Settings;
            var engine = Tracing.Engine;
            if (engine is null && !settings.Environment.Disabled)
            {
                engine = StartEngine(settings);
                _ownsEngine = true;
            }
            if (engine is not null)
            {
                ServerSpans = new ServerSpans(settings.Formats, settings.RecordExceptions, _logger);
                _logger.LogInformation("kt: tracing requests ({Formats}), spans to {Destination}",
                    settings.Formats.Length == 0 ? "no trace-context formats" : string.Join(", ", settings.Formats.Select(PropagationFormatNames.NameOf)),
                    _ownsEngine ? Destination(settings.Environment) : "the engine the application started");
            }
            else
            {
                _logger.LogInformation("kt: tracing is disabled ({Setting})", "OTEL_SDK_DISABLED");
            }
            _started = true;
        }
    }

    private TraceEngine StartEngine(KtTracingSettings settings)
    {
        var environment = settings.Environment;
        var engineOptions = environment.Engine with { Exporter = environment.CreateExporter(message => _logger.LogWarning("{Message}", message)) };
        if (settings.MaxSpans is { } maxSpans)
            engineOptions = engineOptions with { MaxSpans = maxSpans };
        if (options.Value.ConfigureEngine is { } configure)
            engineOptions = configure(engineOptions);
        return Tracing.Initialize(engineOptions, new TracerOptions { SamplingRate = environment.SamplingRate });
    }

    private static string Destination(OtelEnvironment environment) =>
        !environment.Exports ? "nowhere (OTEL_TRACES_EXPORTER=none)"
        : environment.Http is { } http ? $"{http.Endpoint} ({http.Protocol})"
        : environment.File;

    /// <summary>Exports what has finished within <paramref name="timeout"/>, and stops the engine if kt started it.</summary>
    public void Stop(TimeSpan timeout)
    {
        lock (_lock)
        {
            if (!_started)
                return;
            _started = false;
            ServerSpans = null;
            var engine = Tracing.Engine;
            if (engine is null)
                return;
            bool done = _ownsEngine ? Tracing.Shutdown(timeout) : engine.ForceFlush(timeout);
            var counters = engine.ReadCounters();
            _logger.LogInformation("kt: spans exported: {Exported}, dropped for want of a slot: {NoSlot}, of queue space: {QueueFull}, failed to export: {Failed}{Late}",
                counters.SpansExported, counters.DroppedNoSlot, counters.DroppedQueueFull, counters.ExportFailedSpans,
                done ? "" : $"; the export did not finish within {timeout.TotalSeconds:0.###} s");
            _ownsEngine = false;
        }
    }
}
