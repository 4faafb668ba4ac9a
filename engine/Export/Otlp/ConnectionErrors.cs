using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;

namespace Kt.Export.Otlp;

/// <summary>The peer closed the connection; <see cref="BeforeAnswer"/> when not one byte of the answer had come.</summary>
internal sealed class ConnectionClosedException(string message, bool beforeAnswer) : IOException(message)
{
    /// <summary>The request may not have been seen at all: a kept-alive connection the peer had closed.</summary>
    public bool BeforeAnswer => beforeAnswer;
}

/// <summary>Throws for the connections' rare paths, so that their hot methods stay small.</summary>
internal static class ConnectionErrors
{
    /// <summary>
    /// The peer closed the connection before one byte of the answer came: on a kept-alive
    /// connection, it closed it while idle and never saw the request, which may go once more.
    /// </summary>
    public static bool IsClosedBeforeAnswer(Exception e) =>
        e is ConnectionClosedException { BeforeAnswer: true }
        || e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown };

    [DoesNotReturn]
    public static void NotSynchronous() =>
        throw new InvalidOperationException("a read or write on the exporter's connection did not complete synchronously");

    [DoesNotReturn]
    public static void Protocol(string what) => throw new IOException(what);

    [DoesNotReturn]
    public static void Closed(bool beforeAnswer) =>
        throw new ConnectionClosedException("the receiver closed the connection", beforeAnswer);

    [DoesNotReturn]
    public static void TimedOut() => throw new TimeoutException();
}
