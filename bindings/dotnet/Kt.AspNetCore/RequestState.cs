using System.Collections;
using Kt.Interop;
using Microsoft.AspNetCore.Http.Features;

namespace Kt.AspNetCore;

/// <summary>
/// kt's state for the request a server's connection (or HTTP/2 stream) is serving, made once and
/// reused for each request it carries: the request's context and SERVER span in the engine kt
/// runs on, and the server's features, which it hands on to the application as its own, serving
/// <see cref="IKtTracingFeature"/> (or <see cref="IKtNativeTracingFeature"/>) beside them.
/// </summary>
internal abstract class RequestState : IFeatureCollection, IKtTracingFeature, IKtNativeTracingFeature
{
    // Between requests: nothing of the server's stays reachable through a request kept past its end.
    private static readonly IFeatureCollection s_noFeatures = new FeatureCollection(0);

    private IFeatureCollection _features = s_noFeatures;
    private TraceContext? _context;
    private KeyValuePair<string, string>[]? _headers;

    /// <summary>Which engine traces the request now being served; None when it is not traced.</summary>
    public TracingMode Mode;

    /// <summary>The managed engine the SERVER span was started in.</summary>
    public TraceEngine? Engine;

    /// <summary>The managed SERVER span's token.</summary>
    public long ServerSpanToken;

    /// <summary>libkt's context and SERVER span.</summary>
    public NativeContext NativeContext;

    public NativeSpan NativeServerSpan;

    /// <summary>Makes the request's context the ambient one without allocating.</summary>
    public AmbientContext Ambient;

    /// <summary>The server's features for the request now being served.</summary>
    public IFeatureCollection ServerFeatures => _features;

    /// <summary>Room for the trace-context headers a request carries, as libkt's binding takes them.</summary>
    public KeyValuePair<string, string>[] HeaderPairs => _headers ??= new KeyValuePair<string, string>[PropagationHeaders.MaxNames];

    public TraceContext Context => _context ??= new TraceContext();

    public SpanHandle ServerSpan => Engine is { } engine ? SpanHandle.FromToken(engine, ServerSpanToken) : default;

    NativeContext IKtNativeTracingFeature.Context => NativeContext;

    NativeSpan IKtNativeTracingFeature.ServerSpan => NativeServerSpan;

    public void Begin(IFeatureCollection serverFeatures) => _features = serverFeatures;

    public void Clear()
    {
        _features = s_noFeatures;
        Mode = TracingMode.None;
        Engine = null;
        ServerSpanToken = 0;
        NativeContext = default;
        NativeServerSpan = default;
    }

    // ---- IFeatureCollection: the server's, and kt's feature ----------------------------------

    public bool IsReadOnly => _features.IsReadOnly;

    public int Revision => _features.Revision;

    public object? this[Type key]
    {
        get => Own(key) ? this : _features[key];
        set => _features[key] = value;
    }

    public TFeature? Get<TFeature>() => Own(typeof(TFeature)) ? (TFeature)(object)this : _features.Get<TFeature>();

    public void Set<TFeature>(TFeature? instance) => _features.Set(instance);

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        if (Mode == TracingMode.Managed)
            yield return new(typeof(IKtTracingFeature), this);
        if (Mode == TracingMode.Native)
            yield return new(typeof(IKtNativeTracingFeature), this);
        foreach (var feature in _features)
        {
            if (!Own(feature.Key))
                yield return feature;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // kt's feature for the engine that traces this request; none when it is not traced.
    private bool Own(Type key) =>
        (key == typeof(IKtTracingFeature) && Mode == TracingMode.Managed) ||
        (key == typeof(IKtNativeTracingFeature) && Mode == TracingMode.Native);
}

/// <summary>The engine tracing a request.</summary>
internal enum TracingMode : byte
{
    None,
    Managed,
    Native,
}
