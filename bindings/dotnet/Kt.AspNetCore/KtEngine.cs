namespace Kt.AspNetCore;

/// <summary>The engine kt's spans live in.</summary>
public enum KtEngine
{
    /// <summary>The managed engine in this process (<see cref="Tracing"/>): the default.</summary>
    Managed,

    /// <summary>
    /// libkt.so through the P/Invoke binding (Kt.Interop): for a process whose native code uses the
    /// same library, so that one engine (one exporter, one set of slots) serves both.
    /// </summary>
    Libkt,
}
