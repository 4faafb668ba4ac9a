using Microsoft.AspNetCore.Http;

namespace Kt.AspNetCore;

/// <summary>Reaches kt's state for the request from a handler.</summary>
public static class HttpContextTracingExtensions
{
    /// <summary>The request's SERVER span; the no-op span when kt is not tracing this request.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static SpanHandle GetKtServerSpan(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IKtTracingFeature>() is { } feature ? feature.ServerSpan : default;
    }

    /// <summary>The request's <see cref="TraceContext"/>; null when kt is not tracing this request.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static TraceContext? GetKtTraceContext(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IKtTracingFeature>()?.Context;
    }

    /// <summary>The request's SERVER span in libkt (<c>Kt:Engine</c> = <c>libkt</c>); the no-op span when libkt is not tracing this request.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static Kt.Interop.NativeSpan GetKtNativeServerSpan(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IKtNativeTracingFeature>() is { } feature ? feature.ServerSpan : default;
    }
}
