using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Kt.AspNetCore;

/// <summary>
/// The server (Kestrel) with kt's hook: it starts the engine before it listens and runs the
/// application wrapped in <see cref="TracingHttpApplication{TContext}"/>; with tracing disabled
/// it runs the application as it is.
/// </summary>
internal sealed class TracingServer(IServer server, KtTracingRuntime runtime) : IServer
{
    public IFeatureCollection Features => server.Features;

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        runtime.EnsureStarted();
        return runtime.ServerTracer is { } tracer
            ? server.StartAsync(new TracingHttpApplication<TContext>(application, tracer), cancellationToken)
            : server.StartAsync(application, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);

    public void Dispose() => server.Dispose();
}
