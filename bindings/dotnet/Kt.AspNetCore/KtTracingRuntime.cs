using Kt.Interop;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kt.AspNetCore;

/// <summary>
/// kt in one host: reads the settings and starts the engine before the server listens (unless the
/// application, or native code sharing libkt, started one already: kt then uses it and leaves it
/// running), and flushes and stops it when the host has stopped. Holds what the SERVER and CLIENT
/// spans need.
/// </summary>
internal sealed class KtTracingRuntime(IOptions<KtTracingOptions> options, ILoggerFactory? loggerFactory = null, IConfiguration? configuration = null)
{
    private readonly object _lock = new();
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Kt.AspNetCore");
    private volatile KtTracingSettings? _settings;
    private bool _started;
    private bool _ownsEngine;

    /// <summary>Null until started, and when tracing is disabled.</summary>
    public ServerTracer? ServerTracer { get; private set; }

    /// <summary>Null until started, when tracing is disabled, and when HttpClients are left untraced.</summary>
    public ClientTracer? ClientTracer { get; private set; }

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
    /// <exception cref="InvalidOperationException">libkt could not be loaded, or refused the settings; the message says why.</exception>
    public void EnsureStarted()
    {
        lock (_lock)
        {
            if (_started)
                return;
            var settings = Settings;
            string? engine = settings.Engine == KtEngine.Libkt ? StartLibkt(settings) : StartManaged(settings);
            if (engine is not null)
            {
                ServerTracer = settings.Engine == KtEngine.Libkt
                    ? new NativeServerTracer(settings.Formats, settings.RecordExceptions, _logger)
                    : new ManagedServerTracer(settings.Formats, settings.RecordExceptions, _logger);
                if (options.Value.TraceHttpClients)
                    ClientTracer = settings.Engine == KtEngine.Libkt ? NativeClientTracer.Instance : ManagedClientTracer.Instance;
                _logger.LogInformation("kt: tracing requests ({Formats}) in {Engine}",
                    settings.Formats.Length == 0 ? "no trace-context formats" : string.Join(", ", settings.Formats.Select(PropagationFormatNames.NameOf)), engine);
            }
            else
            {
                _logger.LogInformation("kt: tracing is disabled ({Setting})", "OTEL_SDK_DISABLED");
            }
            _started = true;
        }
    }

    // The engine's description, or null when tracing is disabled.
    private string? StartManaged(KtTracingSettings settings)
    {
        if (Tracing.Engine is not null)
            return "the engine the application started";
        var environment = settings.Environment;
        if (environment.Disabled)
            return null;
        var engineOptions = environment.Engine with { Exporter = environment.CreateExporter(message => _logger.LogWarning("{Message}", message)) };
        if (settings.MaxSpans is { } maxSpans)
            engineOptions = engineOptions with { MaxSpans = maxSpans };
        if (options.Value.ConfigureEngine is { } configure)
            engineOptions = configure(engineOptions);
        Tracing.Initialize(engineOptions, new TracerOptions { SamplingRate = environment.SamplingRate });
        _ownsEngine = true;
        return "the managed engine, spans to " + Destination(environment);
    }

    private string? StartLibkt(KtTracingSettings settings)
    {
        if (settings.Environment.Disabled)
            return null;
        if (settings.LibraryPath is { } path)
            KtLibrary.Use(path);
        var result = KtNative.Init(LibktSettings.From(settings, options.Value.ConfigureEngine));
        if (result == KtResult.AlreadyInitialized)
            return "libkt " + KtLibrary.Version + ", the engine the process's native code started";
        if (result != KtResult.Ok)
            throw new InvalidOperationException($"kt: libkt refused the settings ({result}): {KtNative.LastError}");
        _ownsEngine = true;
        return "libkt " + KtLibrary.Version + ", spans to " + Destination(settings.Environment);
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
            var tracer = ServerTracer;
            ServerTracer = null;
            ClientTracer = null;
            if (tracer is NativeServerTracer)
                StopLibkt(timeout);
            else if (tracer is not null)
                StopManaged(timeout);
            _ownsEngine = false;
        }
    }

    private void StopManaged(TimeSpan timeout)
    {
        var engine = Tracing.Engine;
        if (engine is null)
            return;
        bool done = _ownsEngine ? Tracing.Shutdown(timeout).Status != KtStatus.Timeout : engine.ForceFlush(timeout);
        var c = engine.ReadCounters();
        LogCounters(c.SpansExported, c.DroppedNoSlot, c.DroppedQueueFull, c.ExportFailedSpans, done, timeout);
    }

    private void StopLibkt(TimeSpan timeout)
    {
        KtNative.Counters(out var before);
        var result = _ownsEngine ? KtNative.Shutdown(timeout) : KtNative.Flush(timeout);
        if (KtNative.Counters(out var c) != KtResult.Ok)
            c = before;
        LogCounters((long)c.SpansExported, (long)c.DroppedNoSlot, (long)c.DroppedQueueFull, (long)c.ExportFailedSpans, result != KtResult.Timeout, timeout);
    }

    private void LogCounters(long exported, long noSlot, long queueFull, long failed, bool done, TimeSpan timeout) =>
        _logger.LogInformation("kt: spans exported: {Exported}, dropped for want of a slot: {NoSlot}, of queue space: {QueueFull}, failed to export: {Failed}{Late}",
            exported, noSlot, queueFull, failed, done ? "" : $"; the export did not finish within {timeout.TotalSeconds:0.###} s");
}
