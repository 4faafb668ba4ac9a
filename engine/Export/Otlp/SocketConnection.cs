using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Kt.Export.Otlp;

/// <summary>
/// One TCP connection to the receiver, driven synchronously by the exporter thread and kept
/// alive across batches: a blocking socket whose send and receive timeouts follow the batch's
/// deadline, a <see cref="PipeReader"/> that buffers what the peer sends and a
/// <see cref="PipeWriter"/> that gathers what goes out, both doing their I/O inline through
/// <see cref="BlockingSocketStream"/>. Connecting allocates; a batch on an open connection does not.
/// </summary>
internal sealed class SocketConnection(string host, int port) : IDisposable
{
    // Large enough for an HTTP/2 frame of the default maximum size and its header in one read.
    private const int ReadBufferSize = 32 * 1024;

    private Socket? _socket;
    private int _timeoutMilliseconds;
    private long _deadline;

    public string Host => host;

    public int Port => port;

    public bool IsOpen => _socket is not null;

    public PipeReader Reader { get; private set; } = null!;

    public PipeWriter Writer { get; private set; } = null!;

    public Stream Stream { get; private set; } = null!;

    /// <summary>Bytes the peer has sent that the socket holds, not yet in <see cref="Reader"/>.</summary>
    public int Available => _socket!.Available;

    /// <summary>
    /// True when the open connection can take a request: the peer has not closed it and has sent
    /// nothing unasked. A connection that was idle may have been closed by the peer at any time;
    /// one poll tells, without blocking.
    /// </summary>
    public bool IsQuiet()
    {
        var socket = _socket!;
        return !socket.Poll(0, SelectMode.SelectRead) && !Reader.TryRead(out _);
    }

    /// <summary>True when the peer has closed its side (or the connection failed): readable with nothing to read.</summary>
    public bool PeerClosed()
    {
        var socket = _socket!;
        return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
    }

    /// <summary>Connects, trying each address of the host in turn, within the deadline.</summary>
    /// <exception cref="SocketException">No address accepted the connection.</exception>
    public void Open(long deadline)
    {
        Close();
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : Dns.GetHostAddresses(host);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            try
            {
                _socket = Connect(new IPEndPoint(address, port), deadline);
                break;
            }
            catch (SocketException e)
            {
                last = e;
            }
        }
        if (_socket is null)
            throw last ?? new SocketException((int)SocketError.HostNotFound);
        _timeoutMilliseconds = 0;
        SetDeadline(deadline);
        Stream = new BlockingSocketStream(_socket);
        Reader = PipeReader.Create(Stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: 4096, leaveOpen: true));
        Writer = PipeWriter.Create(Stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
    }

    // The socket stays in blocking mode from the start: once .NET has put a socket in
    // non-blocking mode it keeps it so and emulates blocking calls through its epoll thread,
    // with an allocation per call. Linux bounds a blocking connect by the send timeout.
    private static Socket Connect(IPEndPoint endpoint, long deadline)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            int left = RemainingMicroseconds(deadline) / 1000;
            if (left <= 0)
                throw new SocketException((int)SocketError.TimedOut);
            socket.SendTimeout = left;
            try
            {
                socket.Connect(endpoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                throw new SocketException((int)SocketError.TimedOut);
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Bounds every blocking send and receive by what is left until the deadline. Setting a
    /// timeout is a system call, so it is only changed when it is off by more than a tenth.
    /// </summary>
    public void SetDeadline(long deadline)
    {
        _deadline = deadline;
        int left = Math.Max(1, RemainingMicroseconds(deadline) / 1000);
        if (Math.Abs(left - _timeoutMilliseconds) * 10 <= left)
            return;
        _socket!.SendTimeout = left;
        _socket.ReceiveTimeout = left;
        _timeoutMilliseconds = left;
    }

    private static int RemainingMicroseconds(long deadline)
    {
        long ticks = deadline - Stopwatch.GetTimestamp();
        return ticks <= 0 ? 0 : (int)Math.Min(int.MaxValue, ticks * 1_000_000 / Stopwatch.Frequency);
    }

    /// <summary>Reads once: what the reader holds beyond what was examined, or one receive more.</summary>
    /// <exception cref="TimeoutException">The deadline has passed (an answer trickling in, each receive within the timeout).</exception>
    public ReadResult Read()
    {
        if (Stopwatch.GetTimestamp() >= _deadline)
            ConnectionErrors.TimedOut();
        var pending = Reader.ReadAsync();
        if (!pending.IsCompleted)
            ConnectionErrors.NotSynchronous();
        return pending.Result;
    }

    /// <summary>Sends what the writer holds.</summary>
    public void Flush()
    {
        var pending = Writer.FlushAsync();
        if (!pending.IsCompleted)
            ConnectionErrors.NotSynchronous();
        pending.GetAwaiter().GetResult();
    }

    public void Close()
    {
        if (_socket is null)
            return;
        Reader.Complete();
        Writer.Complete();
        _socket.Dispose();
        _socket = null;
    }

    public void Dispose() => Close();
}
