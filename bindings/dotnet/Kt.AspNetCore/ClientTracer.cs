using System.Net.Http;
using System.Text;

namespace Kt.AspNetCore;

/// <summary>
/// Starts and ends the CLIENT span of an outgoing HttpClient request in the engine kt runs on, and
/// writes its trace context into the request. The parent is the active span of the request being
/// served (the ambient context); the span is not added to that context, because a request's calls
/// may run in parallel and a context belongs to one thread at a time. The handler always ends it.
/// </summary>
internal abstract class ClientTracer
{
    /// <summary>Starts the span and writes its headers; an untraced call when nothing is traced.</summary>
    public abstract ClientCall Start(HttpRequestMessage request, ReadOnlySpan<PropagationFormat> formats);

    public abstract void Succeeded(in ClientCall call, HttpResponseMessage response);

    public abstract void Failed(in ClientCall call, Exception exception, bool recordException);

    /// <summary>Puts a header the engine wrote into the request, as the string HttpClient's headers take.</summary>
    protected static void Add(HttpRequestMessage request, PropagationFormat format, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (PropagationHeaders.Find(format, name) is { } known)
            request.Headers.TryAddWithoutValidation(known, Encoding.ASCII.GetString(value));
    }

    /// <summary>Removes a format's headers the request already carries (copied from elsewhere): they would contradict the span's.</summary>
    protected static void RemoveStale(HttpRequestMessage request, PropagationFormat format)
    {
        foreach (var name in PropagationHeaders.NamesOf(format))
            request.Headers.Remove(name);
    }
}

/// <summary>A CLIENT span in flight: the managed engine and the span's token, or libkt's span handle.</summary>
internal readonly record struct ClientCall(TraceEngine? Engine, long Token)
{
    public bool IsTraced => Token != 0;
}
