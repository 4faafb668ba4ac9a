using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Kt.Bench;

/// <summary>
/// What every scenario shares: the five implementations, each set up only in the process of the
/// benchmark that uses it (BenchmarkDotNet runs every benchmark in its own process), so the kt
/// exporter thread or the OpenTelemetry listener never run beside another implementation.
/// A scenario derives from this class and defines the same five benchmark methods:
/// <c>Noop</c> (the baseline), <c>TwoClockReads</c>, <c>Kt</c>, <c>Activity</c> and <c>OpenTelemetry</c>.
/// </summary>
[MemoryDiagnoser]
public abstract class TracingBenchmark
{
    /// <summary>The ActivitySource of the plain-Activity benchmarks.</summary>
    public const string ActivitySourceName = "kt.bench.activity";

    /// <summary>The ActivitySource of the OpenTelemetry SDK benchmarks; separate so listeners do not mix.</summary>
    public const string OpenTelemetrySourceName = "kt.bench.otel";

    /// <summary>kt's no-op tracer: the engine is never initialised in these processes.</summary>
    protected Tracer NoopTracer = null!;

    protected TraceEngine? KtEngine;
    protected Tracer KtTracer = null!;
    protected TraceContext KtContext = null!;

    protected ActivitySource ActivitySource = null!;
    private ActivityListener? _listener;

    protected ActivitySource OtelSource = null!;
    private TracerProvider? _tracerProvider;

    /// <summary>The floor of an ordinary clock: a span takes a start and an end timestamp.</summary>
    [Benchmark]
    public long TwoClockReads()
    {
        long start = Stopwatch.GetTimestamp();
        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>kt's own floor: its clock (the TSC where it is invariant) read twice.</summary>
    [Benchmark]
    public long TwoKtClockReads()
    {
        long start = Kt.Timing.Clock.Now();
        return Kt.Timing.Clock.Now() - start;
    }

    [GlobalSetup(Target = "Noop")]
    public void SetupNoop()
    {
        NoopTracer = Tracing.New("bench-noop");
        if (!NoopTracer.IsNoop)
            throw new InvalidOperationException("expected kt's no-op tracer, but an engine is initialised");
        // The same explicit-context calls as the kt benchmark; the no-op tracer ignores it.
        KtContext = new TraceContext();
    }

    [GlobalSetup(Target = "Kt")]
    public void SetupKt()
    {
        KtEngine = new TraceEngine(new EngineOptions
        {
            MaxSpans = 1 << 16,
            QueueCapacityPerThread = 1 << 16,
            PollInterval = TimeSpan.FromMilliseconds(1),
            // No exporter, as Activity's listener and the SDK's processor here export nothing: a
            // finished span's slot goes back to the finishing thread at once.
            Exporter = null,
        });
        KtTracer = KtEngine.CreateTracer("bench");
        // One explicit context for the whole run: every span is finished, so it never needs End().
        KtContext = new TraceContext();
    }

    [GlobalCleanup(Target = "Kt")]
    public void CleanupKt()
    {
        if (KtEngine is null)
            return;
        KtEngine.ForceFlush(TimeSpan.FromSeconds(5));
        // In the benchmark's log: a drop (no free slot, queue full) would make kt look faster than it is.
        Console.WriteLine($"// kt counters: {KtEngine.ReadCounters()}");
        KtEngine.Dispose();
        KtEngine = null;
    }

    [GlobalSetup(Target = "Activity")]
    public void SetupActivity()
    {
        ActivitySource = new ActivitySource(ActivitySourceName);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = static _ => { },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [GlobalCleanup(Target = "Activity")]
    public void CleanupActivity()
    {
        _listener?.Dispose();
        ActivitySource?.Dispose();
    }

    [GlobalSetup(Target = "OpenTelemetry")]
    public void SetupOpenTelemetry()
    {
        OtelSource = new ActivitySource(OpenTelemetrySourceName);
        _tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(OpenTelemetrySourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new DropProcessor())
            .Build();
    }

    [GlobalCleanup(Target = "OpenTelemetry")]
    public void CleanupOpenTelemetry()
    {
        _tracerProvider?.Dispose();
        OtelSource?.Dispose();
    }

    /// <summary>A processor that drops every span: the SDK's pipeline without an exporter's cost.</summary>
    private sealed class DropProcessor : BaseProcessor<System.Diagnostics.Activity>
    {
        public override void OnStart(System.Diagnostics.Activity data) { }

        public override void OnEnd(System.Diagnostics.Activity data) { }
    }
}
