using System.Net;
using Kt.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kt.Tests;

/// <summary>A real Kestrel service on a loopback port, traced by kt (or not), configured by the test.</summary>
internal sealed class TestService : IAsyncDisposable
{
    private TestService(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public int Port => Address.Port;

    /// <summary>The service's name in the tests' resource.</summary>
    public const string ServiceName = "kt-aspnetcore-test";

    /// <summary>Settings that export to the receiver over OTLP/HTTP protobuf, and more.</summary>
    public static Dictionary<string, string?> ExportingTo(OtlpReceiver receiver, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kt:ServiceName"] = ServiceName,
            ["Kt:Endpoint"] = new Uri(receiver.Endpoint, "/").ToString(),
        };
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    /// <summary>Stops the service (the engine exports what has finished) and returns the spans the receiver got.</summary>
    public async Task<IReadOnlyList<ExportedSpan>> StopAndReadAsync(OtlpReceiver receiver)
    {
        await DisposeAsync();
        return ExportedSpan.From(receiver);
    }

    /// <param name="settings">Configuration keys and values (the "Kt" section, OTEL_* names).</param>
    /// <param name="map">The service's endpoints.</param>
    /// <param name="traced">False runs the same service without kt.</param>
    /// <param name="configure">Code's options for AddKtTracing.</param>
    /// <param name="services">More service registrations.</param>
    public static async Task<TestService> StartAsync(
        IDictionary<string, string?> settings,
        Action<WebApplication> map,
        bool traced = true,
        Action<KtTracingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1,
        int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = protocols));
        if (traced)
            builder.Services.AddKtTracing(configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestService(app, new Uri(address));
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
