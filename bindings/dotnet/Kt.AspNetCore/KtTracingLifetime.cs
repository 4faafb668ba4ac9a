using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Kt.AspNetCore;

/// <summary>
/// Ties the engine to the host's life: started before any hosted service starts (so the server
/// never takes a request before tracing is ready, and a bad setting stops the host from starting),
/// flushed after every hosted service has stopped (the server has finished its requests), within
/// what is left of the host's shutdown timeout.
/// </summary>
internal sealed class KtTracingLifetime(KtTracingRuntime runtime, IOptions<HostOptions> hostOptions) : IHostedLifecycleService
{
    // The flush's limit when the host sets none (an infinite shutdown timeout).
    private static readonly TimeSpan s_unlimitedHostFlush = TimeSpan.FromSeconds(30);

    private long _stoppingSince;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        runtime.EnsureStarted();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stoppingSince = Stopwatch.GetTimestamp();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        var timeout = hostOptions.Value.ShutdownTimeout;
        if (timeout < TimeSpan.Zero)
            timeout = s_unlimitedHostFlush;
        var left = _stoppingSince == 0 ? timeout : timeout - Stopwatch.GetElapsedTime(_stoppingSince);
        runtime.Stop(cancellationToken.IsCancellationRequested || left < TimeSpan.Zero ? TimeSpan.Zero : left);
        return Task.CompletedTask;
    }
}
