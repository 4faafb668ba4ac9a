using Kt.Interop;

namespace Kt.AspNetCore;

/// <summary>
/// What kt holds for the request being served when it runs on libkt (<c>Kt:Engine</c> = <c>libkt</c>),
/// in <c>HttpContext.Features</c>: the request's <see cref="NativeContext"/> and its SERVER span, for
/// <see cref="NativeTracer"/>'s calls. The context ends, releasing what the request left open, when
/// the request ends.
/// </summary>
public interface IKtNativeTracingFeature
{
    /// <summary>The request's libkt context.</summary>
    NativeContext Context { get; }

    /// <summary>The request's SERVER span; the no-op span when it was not traced.</summary>
    NativeSpan ServerSpan { get; }
}
