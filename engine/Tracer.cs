using Kt.Sampling;
using Kt.Store;

namespace Kt;

/// <summary>
/// Starts spans (<c>tracer:start_span</c>) and keeps its active span in a context, under its
/// namespace (<c>tracer.active_span()</c>, <c>tracer.set_active_span(span)</c>). A tracer without
/// an engine is the no-op tracer: its spans cost nothing and record nothing.
/// </summary>
public sealed class Tracer
{
    internal Tracer(TraceEngine? engine, string name, ushort index, int ns, RatioSampler sampler)
    {
        Engine = engine;
        Name = name;
        Index = index;
        Namespace = ns;
        Sampler = sampler;
    }

    internal TraceEngine? Engine { get; private set; }

    internal ushort Index { get; private set; }

    internal int Namespace { get; private set; }

    /// <summary>The tracer's name: the instrumentation scope of its spans.</summary>
    public string Name { get; }

    /// <summary>The sampler of new traces.</summary>
    public RatioSampler Sampler { get; private set; }

    /// <summary>True until the tracer is bound to an engine.</summary>
    public bool IsNoop => Engine is null;

    internal void Bind(TraceEngine? engine, ushort index, int ns, RatioSampler sampler)
    {
        Index = index;
        Namespace = ns;
        Sampler = sampler;
        Engine = engine;
    }

    /// <summary>Starts a span in the ambient context (<see cref="TraceContext.Current"/>).</summary>
    public SpanHandle StartSpan(ReadOnlySpan<char> name) => StartSpan(TraceContext.Current, name, default);

    /// <summary>Starts a span in the ambient context, with the seed's options.</summary>
    public SpanHandle StartSpan(ReadOnlySpan<char> name, scoped in SpanOptions options) =>
        StartSpan(TraceContext.Current, name, options);

    /// <summary>Starts a span in an explicit context (or none), with the seed's options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The span kind is not 0 to 5.</exception>
    /// <exception cref="ArgumentException">The name holds a lone surrogate.</exception>
    public SpanHandle StartSpan(TraceContext? context, ReadOnlySpan<char> name, scoped in SpanOptions options)
    {
        var engine = Engine;
        return engine is null ? default : engine.StartSpan(this, context, new TextInput(name), options);
    }

    /// <summary>Starts a span named in UTF-8, in an explicit context (or none).</summary>
    /// <exception cref="ArgumentException">The name is not valid UTF-8.</exception>
    public SpanHandle StartSpanUtf8(TraceContext? context, ReadOnlySpan<byte> name, scoped in SpanOptions options)
    {
        var engine = Engine;
        return engine is null ? default : engine.StartSpan(this, context, new TextInput(name), options);
    }

    /// <summary>The tracer's active span in the context (ambient when null); the no-op span when there is none.</summary>
    public SpanHandle ActiveSpan(TraceContext? context = null)
    {
        var engine = Engine;
        context ??= TraceContext.Current;
        if (engine is null || context is null)
            return default;
        long token = context.GetActive(Namespace);
        return engine.Resolve(token, out _) == KtStatus.Ok ? new SpanHandle(engine, token) : default;
    }

    /// <summary>
    /// Makes <paramref name="span"/> the tracer's active span in the context (the ambient one,
    /// begun if there is none). The no-op span clears it. A span of another engine, or a stale
    /// one, is refused.
    /// </summary>
    public KtStatus SetActiveSpan(SpanHandle span, TraceContext? context = null)
    {
        var engine = Engine;
        if (engine is null)
            return KtStatus.Ok;
        context ??= TraceContext.Current ?? TraceContext.Begin();
        if (span.IsNoop)
        {
            context.SetActive(Namespace, 0);
            return KtStatus.Ok;
        }
        if (!span.Is(engine))
            return KtStatus.InvalidHandle;
        var status = engine.Resolve(span.Token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        context.CheckEngine(engine);
        if (engine.Store.Owners[slot] is null)
            context.Adopt(engine, slot);
        context.SetActive(Namespace, span.Token);
        return KtStatus.Ok;
    }
}
