using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kt.Tests;

/// <summary>
/// HTTP/1.1 over one kept-alive loopback connection, sending a request made once and reading each
/// answer into a reused buffer: it allocates nothing per request, so what a process allocates while
/// it runs is the server's.
/// </summary>
internal sealed class RawHttpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    public RawHttpClient(int port, string path, params (string Name, string Value)[] headers)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var text = new StringBuilder($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
        foreach (var (name, value) in headers)
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        _request = Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>Sends the request and reads the whole answer; returns its status.</summary>
    public int Send()
    {
        _socket.Send(_request);
        int headEnd;
        while ((headEnd = Find("\r\n\r\n"u8)) < 0)
            Fill();
        var head = _buffer.AsSpan(_start, headEnd - _start);
        int status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        int bodyStart = headEnd + 4;
        if (HeaderValue(head, "content-length"u8) is { } length)
        {
            while (_end - bodyStart < length)
                Fill(ref bodyStart);
            _start = bodyStart + length;
        }
        else
        {
            // Chunked: the answer ends with the empty last chunk.
            _start = bodyStart;
            while (_end - _start < 5)
                Fill();
            if (_buffer.AsSpan(_start).StartsWith("0\r\n\r\n"u8))
            {
                _start += 5;
                return status;
            }
            int last;
            while ((last = Find("\r\n0\r\n\r\n"u8)) < 0)
                Fill();
            _start = last + 7;
        }
        return status;
    }

    private static int? HeaderValue(ReadOnlySpan<byte> head, ReadOnlySpan<byte> lowerName)
    {
        while (head.IndexOf("\r\n"u8) is int eol and >= 0)
        {
            head = head[(eol + 2)..];
            int lineEnd = head.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? head : head[..lineEnd];
            int colon = line.IndexOf((byte)':');
            if (colon == lowerName.Length && Ascii.EqualsIgnoreCase(line[..colon], lowerName))
            {
                int value = 0;
                foreach (var b in line[(colon + 1)..].Trim((byte)' '))
                    value = value * 10 + (b - '0');
                return value;
            }
        }
        return null;
    }

    private int Find(ReadOnlySpan<byte> what)
    {
        int at = _buffer.AsSpan(_start, _end - _start).IndexOf(what);
        return at < 0 ? -1 : _start + at;
    }

    private void Fill()
    {
        int unused = 0;
        Fill(ref unused);
    }

    // Moves what is unread to the front when the buffer runs out, adjusting a position inside it.
    private void Fill(ref int position)
    {
        if (_end == _buffer.Length)
        {
            int shift = _start;
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= shift;
            _start = 0;
            position -= shift;
        }
        int read = _socket.Receive(_buffer.AsSpan(_end));
        if (read == 0)
            throw new IOException("the server closed the connection");
        _end += read;
    }

    public void Dispose() => _socket.Dispose();
}
