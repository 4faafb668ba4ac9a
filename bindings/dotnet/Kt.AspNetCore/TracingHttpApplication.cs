using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;

namespace Kt.AspNetCore;

/// <summary>
/// kt's hook into the hosting layer: the application the server runs, wrapped. The SERVER span
/// starts when the server has read the request's head and hands it over, before any middleware,
/// and ends after the response has been written, with the exception the server caught. The
/// middleware pipeline runs as it would without kt: no extra await, no extra Task.
/// </summary>
internal sealed class TracingHttpApplication<TContext>(IHttpApplication<TContext> application, ServerTracer tracer)
    : IHttpApplication<TracedRequest<TContext>>
    where TContext : notnull
{
    // For servers that keep no per-connection context for the application (Kestrel does).
    private readonly ObjectPool<TracedRequest<TContext>> _pool =
        new DefaultObjectPool<TracedRequest<TContext>>(new DefaultPooledObjectPolicy<TracedRequest<TContext>>(), 256);

    public TracedRequest<TContext> CreateContext(IFeatureCollection contextFeatures)
    {
        TracedRequest<TContext> request;
        if (contextFeatures is IHostContextContainer<TracedRequest<TContext>> container)
        {
            request = container.HostContext ??= new TracedRequest<TContext>();
        }
        else
        {
            request = _pool.Get();
            request.Pooled = true;
        }
        request.Begin(contextFeatures);
        tracer.Start(request);
        request.Inner = application.CreateContext(request);
        return request;
    }

    public Task ProcessRequestAsync(TracedRequest<TContext> context) => application.ProcessRequestAsync(context.Inner);

    public void DisposeContext(TracedRequest<TContext> context, Exception? exception)
    {
        tracer.End(context, exception);
        application.DisposeContext(context.Inner, exception);
        context.Clear();
        if (context.Pooled)
            _pool.Return(context);
    }
}
