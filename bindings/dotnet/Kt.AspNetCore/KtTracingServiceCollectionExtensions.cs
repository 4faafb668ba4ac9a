using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Kt.AspNetCore;

/// <summary>Registers kt's tracing in an ASP.NET Core host.</summary>
public static class KtTracingServiceCollectionExtensions
{
    // The server kt wraps stays registered under this key.
    private static readonly object s_innerServer = new();

    /// <summary>
    /// Traces the host with kt: a SERVER span per request, a CLIENT span per request of every
    /// IHttpClientFactory client, the engine started from configuration (the "Kt" section, then
    /// <c>OTEL_*</c>) before the server listens, and flushed when the host stops. Call it after the
    /// server is registered (WebApplication.CreateBuilder registers Kestrel first).
    /// </summary>
    /// <exception cref="InvalidOperationException">No server is registered yet.</exception>
    public static IServiceCollection AddKtTracing(this IServiceCollection services, Action<KtTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
            services.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(KtTracingRuntime)))
            return services;

        var server = services.LastOrDefault(d => d.ServiceType == typeof(IServer) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("AddKtTracing found no IServer to trace: call it after the web host's server " +
                "is registered (WebApplication.CreateBuilder and ConfigureWebHostDefaults register Kestrel first; " +
                "with CreateEmptyBuilder, call builder.WebHost.UseKestrelCore() before it)");
        services.Remove(server);
        services.Add(Keyed(server));
        services.Add(ServiceDescriptor.Describe(typeof(IServer),
            provider => new TracingServer(provider.GetRequiredKeyedService<IServer>(s_innerServer), provider.GetRequiredService<KtTracingRuntime>()),
            server.Lifetime));

        services.AddOptions<KtTracingOptions>();
        services.TryAddSingleton<KtTracingRuntime>();
        services.AddSingleton<IHostedService, KtTracingLifetime>();
        services.ConfigureHttpClientDefaults(client => client.AddKtTracing());
        return services;
    }

    /// <summary>
    /// Adds a <see cref="KtHttpClientHandler"/> to one IHttpClientFactory client, with the formats
    /// <c>AddKtTracing</c> configured (W3C without it). <c>AddKtTracing</c> already adds one to every
    /// client unless <see cref="KtTracingOptions.TraceHttpClients"/> is false.
    /// </summary>
    public static IHttpClientBuilder AddKtTracing(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHttpMessageHandler(provider =>
            provider.GetService<KtTracingRuntime>() is { } runtime ? new KtHttpClientHandler(runtime) : new KtHttpClientHandler());
    }

    private static ServiceDescriptor Keyed(ServiceDescriptor server) =>
        server.ImplementationInstance is { } instance ? new ServiceDescriptor(typeof(IServer), s_innerServer, instance)
        : server.ImplementationFactory is { } factory ? new ServiceDescriptor(typeof(IServer), s_innerServer, (provider, _) => factory(provider), server.Lifetime)
        : new ServiceDescriptor(typeof(IServer), s_innerServer, server.ImplementationType!, server.Lifetime);
}
