namespace Kt.AspNetCore;

/// <summary>
/// What kt holds for the request being served, in <c>HttpContext.Features</c>: its
/// <see cref="TraceContext"/> and its SERVER span. Spans a handler starts in the context (or with
/// the context flowing as <see cref="TraceContext.Current"/>) are children of the SERVER span, and
/// whatever the request leaves open is released when it ends.
/// </summary>
public interface IKtTracingFeature
{
    /// <summary>The request's context: its active spans, its open spans, the caller's trace context.</summary>
    TraceContext Context { get; }

    /// <summary>The request's SERVER span; the no-op span when it was not traced (no free slot, tracing off).</summary>
    SpanHandle ServerSpan { get; }
}
