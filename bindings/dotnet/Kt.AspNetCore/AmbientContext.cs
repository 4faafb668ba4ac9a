namespace Kt.AspNetCore;

/// <summary>
/// Makes a request's context the ambient one for the code that serves it
/// (<see cref="TraceContext.Current"/>, or the libkt request for its CLIENT spans), without
/// allocating per request. Setting an AsyncLocal builds a new ExecutionContext each time; but
/// Kestrel starts every request of a connection (or HTTP/2 stream) from the same ExecutionContext,
/// so the one holding the context is built on the first request and restored for the others.
/// </summary>
internal struct AmbientContext
{
    private ExecutionContext? _base;
    private ExecutionContext? _withContext;
    private TracingMode _mode;

    public void Enter(RequestState request)
    {
        var current = ExecutionContext.Capture();
        if (current is not null && _withContext is not null && ReferenceEquals(current, _base) && _mode == request.Mode)
        {
            ExecutionContext.Restore(_withContext);
            return;
        }
        if (request.Mode == TracingMode.Native)
            NativeAmbient.Current = request;
        else
            TraceContext.Current = request.Context;
        // With the flow suppressed there is nothing to keep: the context is set for this flow only.
        _base = current;
        _mode = request.Mode;
        _withContext = current is null ? null : ExecutionContext.Capture();
    }
}
