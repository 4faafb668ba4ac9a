using Microsoft.AspNetCore.Hosting.Server.Abstractions;

namespace Kt.AspNetCore;

/// <summary>
/// kt's per-connection state (<see cref="RequestState"/>) with the application's context for the
/// request. It keeps the application's per-connection context too
/// (<see cref="IHostContextContainer{TContext}"/>), as the server would, so ASP.NET Core goes on
/// reusing its HttpContext: wrapping the application costs no allocation per request.
/// </summary>
internal sealed class TracedRequest<TContext> : RequestState, IHostContextContainer<TContext>
    where TContext : notnull
{
    /// <summary>The application's context for this request.</summary>
    public TContext Inner = default!;

    /// <summary>True when the server keeps no per-connection state for the application and this came from a pool.</summary>
    public bool Pooled;

    /// <summary>The application's per-connection context (kept here, as the server would).</summary>
    public TContext? HostContext { get; set; }
}
