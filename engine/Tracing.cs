namespace Kt;

/// <summary>
/// The process-wide entry point, as <c>kong.tracing</c> is: the global tracer, a no-op until
/// <see cref="Initialize"/>, and <see cref="New"/> for named tracers.
/// </summary>
public static class Tracing
{
    /// <summary>The global tracer's name and instrumentation scope.</summary>
    public const string GlobalTracerName = "kt";

    private static readonly object s_lock = new();
    private static TraceEngine? s_engine;

    /// <summary>The global tracer: no cost, no allocation and no slot until the engine is initialised.</summary>
    public static Tracer Global { get; } = new(null, GlobalTracerName, 0, 0, new Sampling.RatioSampler(1.0));

    /// <summary>The process's engine, or null before <see cref="Initialize"/> and after <see cref="Shutdown"/>.</summary>
    public static TraceEngine? Engine => s_engine;

    /// <summary>Starts the process's engine and binds the global tracer to it.</summary>
    /// <exception cref="InvalidOperationException">Already initialised.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static TraceEngine Initialize(EngineOptions? options = null, TracerOptions? globalTracer = null)
    {
        lock (s_lock)
        {
            if (s_engine is not null)
                throw new InvalidOperationException("the tracing engine is already initialised; shut it down first");
            var engine = new TraceEngine(options);
            var bound = engine.CreateTracer(GlobalTracerName, globalTracer);
            Global.Bind(engine, bound.Index, bound.Namespace, bound.Sampler);
            s_engine = engine;
            return engine;
        }
    }

    /// <summary>
    /// Starts the process's engine as OpenTelemetry's environment variables say (see
    /// <see cref="OtelEnvironment"/>): OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, else an OTLP JSON
    /// file. Returns null, leaving tracing a no-op, when OTEL_SDK_DISABLED is true.
    /// </summary>
    /// <exception cref="ArgumentException">A variable holds a bad value; the message names both.</exception>
    public static TraceEngine? InitializeFromEnvironment(Func<string, string?>? read = null, Action<string>? log = null)
    {
        var environment = OtelEnvironment.Read(read);
        if (environment.Disabled)
            return null;
        return Initialize(environment.Engine with { Exporter = environment.CreateExporter(log) },
            new TracerOptions { SamplingRate = environment.SamplingRate });
    }

    /// <summary>A new tracer (<c>kong.tracing.new(name, options)</c>); a no-op tracer before <see cref="Initialize"/>.</summary>
    public static Tracer New(string name, TracerOptions? options = null)
    {
        var engine = s_engine;
        if (engine is not null)
            return engine.CreateTracer(name, options);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new Tracer(null, name, 0, 0, new Sampling.RatioSampler((options ?? new TracerOptions()).SamplingRate));
    }

    /// <summary>
    /// Exports every span finished before the call, within <paramref name="timeout"/>, and says
    /// whether spans were lost since the last flush or shutdown (see <see cref="TraceEngine.Flush"/>);
    /// <see cref="KtStatus.NotInitialized"/> before <see cref="Initialize"/>.
    /// </summary>
    public static FlushResult Flush(TimeSpan timeout) =>
        s_engine?.Flush(timeout) ?? new FlushResult(KtStatus.NotInitialized, 0);

    /// <summary>
    /// Flushes and stops the engine, within <paramref name="timeout"/>; the global tracer becomes a
    /// no-op again. Says what <see cref="TraceEngine.Shutdown"/> says; <see cref="KtStatus.Ok"/> when
    /// there was no engine.
    /// </summary>
    public static FlushResult Shutdown(TimeSpan timeout)
    {
        TraceEngine? engine;
        lock (s_lock)
        {
            engine = s_engine;
            s_engine = null;
            Global.Bind(null, 0, 0, new Sampling.RatioSampler(1.0));
        }
        return engine?.Shutdown(timeout) ?? new FlushResult(KtStatus.Ok, 0);
    }
}
