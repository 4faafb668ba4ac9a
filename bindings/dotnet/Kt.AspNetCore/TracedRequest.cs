using System.Collections;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http.Features;

namespace Kt.AspNetCore;

/// <summary>
/// A request as kt's hosting hook sees it, made once per connection (or HTTP/2 stream) and reused
/// for each request it carries: the request's <see cref="TraceContext"/> and SERVER span, and the
/// server's features, which it hands on to the application as its own. It keeps the application's
/// per-connection context too (<see cref="IHostContextContainer{TContext}"/>), so ASP.NET Core goes on
/// reusing its HttpContext: wrapping the application costs no allocation per request.
/// </summary>
internal sealed class TracedRequest<TContext> : IFeatureCollection, IHostContextContainer<TContext>, IKtTracingFeature
    where TContext : notnull
{
    // Between requests: nothing of the server's stays reachable through a request kept past its end.
    private static readonly IFeatureCollection s_noFeatures = new FeatureCollection(0);

    private IFeatureCollection _features = s_noFeatures;

    /// <summary>The application's context for this request.</summary>
    public TContext Inner = default!;

    /// <summary>The engine the SERVER span was started in; null when this request is not traced.</summary>
    public TraceEngine? Engine;

    /// <summary>The SERVER span's token.</summary>
    public long ServerSpanToken;

    /// <summary>Makes <see cref="Context"/> the request's ambient context without allocating.</summary>
    public AmbientContext Ambient;

    /// <summary>True when the server keeps no per-connection state for the application and this came from a pool.</summary>
    public bool Pooled;

    /// <summary>The application's per-connection context (kept here, as the server would).</summary>
    public TContext? HostContext { get; set; }

    public TraceContext Context { get; } = new();

    public SpanHandle ServerSpan => Engine is { } engine ? SpanHandle.FromToken(engine, ServerSpanToken) : default;

    /// <summary>The server's features for the request now being served.</summary>
    public IFeatureCollection ServerFeatures => _features;

    public void Begin(IFeatureCollection serverFeatures) => _features = serverFeatures;

    public void Clear()
    {
        _features = s_noFeatures;
        Inner = default!;
        Engine = null;
        ServerSpanToken = 0;
    }

    // ---- IFeatureCollection: the server's, and kt's feature ----------------------------------

    public bool IsReadOnly => _features.IsReadOnly;

    public int Revision => _features.Revision;

    public object? this[Type key]
    {
        get => key == typeof(IKtTracingFeature) ? this : _features[key];
        set => _features[key] = value;
    }

    public TFeature? Get<TFeature>() =>
        typeof(TFeature) == typeof(IKtTracingFeature) ? (TFeature)(object)this : _features.Get<TFeature>();

    public void Set<TFeature>(TFeature? instance) => _features.Set(instance);

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        yield return new(typeof(IKtTracingFeature), this);
        foreach (var feature in _features)
        {
            if (feature.Key != typeof(IKtTracingFeature))
                yield return feature;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
