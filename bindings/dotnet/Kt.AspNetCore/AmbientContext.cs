namespace Kt.AspNetCore;

/// <summary>
/// Makes a request's <see cref="TraceContext"/> the ambient one (<see cref="TraceContext.Current"/>)
/// for the code that serves it, without allocating per request. Setting an AsyncLocal builds a new
/// ExecutionContext each time; but Kestrel starts every request of a connection (or HTTP/2 stream)
/// from the same ExecutionContext, so the one holding the context is built on the first request and
/// restored for the others.
/// </summary>
internal struct AmbientContext
{
    private ExecutionContext? _base;
    private ExecutionContext? _withContext;

    public void Enter(TraceContext context)
    {
        var current = ExecutionContext.Capture();
        if (current is not null && _withContext is not null && ReferenceEquals(current, _base))
        {
            ExecutionContext.Restore(_withContext);
            return;
        }
        TraceContext.Current = context;
        // With the flow suppressed there is nothing to keep: the context is set for this flow only.
        _base = current;
        _withContext = current is null ? null : ExecutionContext.Capture();
    }
}
