namespace Kt.Export.Otlp;

/// <summary>Sends one encoded request to the receiver and reads its answer, on the exporter thread.</summary>
internal interface IOtlpSender : IDisposable
{
    /// <summary>
    /// Sends the body (the OTLP message, compressed if the exporter compresses) and waits for
    /// the answer until the deadline (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).
    /// </summary>
    /// <exception cref="TimeoutException">No answer before the deadline.</exception>
    /// <exception cref="IOException">The connection failed or the answer was not HTTP.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The connection failed.</exception>
    OtlpReply Send(ReadOnlyMemory<byte> body, long deadline);
}
