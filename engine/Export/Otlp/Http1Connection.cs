using System.Buffers;
using System.Buffers.Text;
using System.Text;
using CommunityToolkit.HighPerformance.Buffers;

namespace Kt.Export.Otlp;

/// <summary>
/// OTLP/HTTP (protobuf or JSON) over plain HTTP/1.1 on one kept-alive connection, driven
/// synchronously by the exporter thread. The request head is built once; a batch adds only its
/// Content-Length, and head and body go out in one send from the connection's
/// <see cref="System.IO.Pipelines.PipeWriter"/>. The answer is parsed from the
/// connection's <see cref="System.IO.Pipelines.PipeReader"/>: status line, Content-Length or
/// chunked body, Retry-After, Connection: close. A kept-alive connection that the receiver
/// closed is noticed before the request or as it fails, and the request goes once more on a
/// new connection without counting as a failure.
/// </summary>
internal sealed class Http1Connection : IOtlpSender
{
    private const int MaxLine = 8 * 1024;
    private const int MaxBody = 4 * 1024 * 1024;

    private readonly SocketConnection _connection;
    private readonly byte[] _request;
    private readonly int _headLength;
    private readonly byte[] _line = new byte[MaxLine];
    private readonly ArrayPoolBufferWriter<byte> _body = new(4096);
    private bool _answered;

    public Http1Connection(Uri endpoint, OtlpHttpProtocol protocol, bool gzip, IReadOnlyDictionary<string, string> headers)
    {
        string contentType = protocol == OtlpHttpProtocol.Json ? "application/json" : "application/x-protobuf";
        _connection = new SocketConnection(endpoint.IdnHost, endpoint.Port);
        var head = new StringBuilder();
        head.Append("POST ").Append(endpoint.PathAndQuery).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(endpoint.Authority).Append("\r\n");
        head.Append("User-Agent: ").Append(OtlpUserAgent.Of(protocol, headers)).Append("\r\n");
        head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (gzip)
            head.Append("Content-Encoding: gzip\r\n");
        foreach (var (name, value) in headers)
        {
            if (!OtlpUserAgent.IsUserAgent(name))
                head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        head.Append("Content-Length: ");
        var bytes = Encoding.UTF8.GetBytes(head.ToString());
        _headLength = bytes.Length;
        // Room for the length's digits and the blank line.
        _request = new byte[_headLength + 24];
        bytes.CopyTo(_request, 0);
    }

    public OtlpReply Send(ReadOnlyMemory<byte> body, long deadline)
    {
        bool reused = _connection.IsOpen;
        if (reused && !_connection.IsQuiet())
        {
            _connection.Close();
            reused = false;
        }
        if (reused)
            _connection.SetDeadline(deadline);
        else
            _connection.Open(deadline);
        try
        {
            return Exchange(body.Span);
        }
        catch (Exception e) when (reused && ConnectionErrors.IsClosedBeforeAnswer(e))
        {
            // The receiver closed the idle connection as the request went out: once more on a new one.
        }
        catch
        {
            _connection.Close();
            throw;
        }
        _connection.Open(deadline);
        try
        {
            return Exchange(body.Span);
        }
        catch
        {
            _connection.Close();
            throw;
        }
    }

    private OtlpReply Exchange(ReadOnlySpan<byte> body)
    {
        int length = _headLength;
        Utf8Formatter.TryFormat(body.Length, _request.AsSpan(length), out int digits);
        length += digits;
        "\r\n\r\n"u8.CopyTo(_request.AsSpan(length));
        length += 4;
        // Head and body in one piece of the connection's PipeWriter, so they leave in one send:
        // a head sent on its own wakes the receiver twice and costs more than copying the body.
        var writer = _connection.Writer;
        var span = writer.GetSpan(length + body.Length);
        _request.AsSpan(0, length).CopyTo(span);
        body.CopyTo(span[length..]);
        writer.Advance(length + body.Length);
        _connection.Flush();
        return ReadAnswer();
    }

    private OtlpReply ReadAnswer()
    {
        _answered = false;
        _body.Clear();
        while (true)
        {
            var line = ReadLine();
            int status = 0;
            if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' ' || !Utf8Parser.TryParse(line.Slice(9, 3), out status, out _))
                ConnectionErrors.Protocol("the receiver's answer has no HTTP/1.x status line");
            bool close = line[7] == (byte)'0';
            string? reason = status / 100 == 2 ? null : Encoding.ASCII.GetString(line[Math.Min(13, line.Length)..]).Trim();
            long contentLength = -1;
            bool chunked = false;
            TimeSpan? retryAfter = null;
            while (true)
            {
                line = ReadLine();
                if (line.IsEmpty)
                    break;
                int colon = line.IndexOf((byte)':');
                if (colon <= 0)
                    ConnectionErrors.Protocol("a header line without a name");
                var name = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
                if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out contentLength, out int used) || used != value.Length || contentLength < 0)
                        ConnectionErrors.Protocol("a Content-Length that is not a number");
                }
                else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
                {
                    chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
                {
                    close |= ContainsIgnoreCase(value, "close"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "retry-after"u8))
                {
                    retryAfter = ParseRetryAfter(value);
                }
            }
            if (status < 200)
                continue;
            if (status is 204 or 304)
            {
            }
            else if (chunked)
            {
                ReadChunkedBody();
            }
            else if (contentLength >= 0)
            {
                if (contentLength > MaxBody)
                    ConnectionErrors.Protocol($"an answer of {contentLength} bytes");
                ReadBody(contentLength);
            }
            else
            {
                ReadBodyToEnd();
                close = true;
            }
            if (close)
                _connection.Close();
            return new OtlpReply { Status = status, Reason = reason, RetryAfter = retryAfter, Body = _body.WrittenMemory };
        }
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        for (int i = 0; i + token.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, token.Length), token))
                return true;
        }
        return false;
    }

    private static TimeSpan? ParseRetryAfter(ReadOnlySpan<byte> value)
    {
        if (Utf8Parser.TryParse(value, out int seconds, out int used) && used == value.Length && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (Utf8Parser.TryParse(value, out DateTimeOffset date, out _, 'R'))
            return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    // A line of the head or of the chunked framing, without its CRLF; valid until the next read.
    private ReadOnlySpan<byte> ReadLine()
    {
        var reader = _connection.Reader;
        while (true)
        {
            var result = _connection.Read();
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
                _answered = true;
            if (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = buffer.Slice(0, end);
                if (line.Length > MaxLine)
                    ConnectionErrors.Protocol("a header line longer than 8 KB");
                int length = (int)line.Length;
                line.CopyTo(_line);
                reader.AdvanceTo(buffer.GetPosition(1, end));
                if (length > 0 && _line[length - 1] == (byte)'\r')
                    length--;
                return _line.AsSpan(0, length);
            }
            if (buffer.Length > MaxLine)
                ConnectionErrors.Protocol("a header line longer than 8 KB");
            if (result.IsCompleted)
                ConnectionErrors.Closed(beforeAnswer: !_answered);
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private void ReadBody(long count)
    {
        var reader = _connection.Reader;
        while (count > 0)
        {
            var result = _connection.Read();
            var buffer = result.Buffer;
            var taken = buffer.Slice(0, Math.Min(count, buffer.Length));
            Append(taken);
            reader.AdvanceTo(taken.End);
            count -= taken.Length;
            if (count > 0 && result.IsCompleted)
                ConnectionErrors.Closed(beforeAnswer: false);
        }
    }

    private void ReadChunkedBody()
    {
        while (true)
        {
            var line = ReadLine();
            int extension = line.IndexOf((byte)';');
            if (extension >= 0)
                line = line[..extension];
            if (!Utf8Parser.TryParse(line.Trim((byte)' '), out long size, out _, 'x') || size < 0 || _body.WrittenCount + size > MaxBody)
                ConnectionErrors.Protocol("a chunk size that is not a number");
            if (size == 0)
            {
                while (!ReadLine().IsEmpty)
                {
                }
                return;
            }
            ReadBody(size);
            if (!ReadLine().IsEmpty)
                ConnectionErrors.Protocol("a chunk longer than its size");
        }
    }

    private void ReadBodyToEnd()
    {
        var reader = _connection.Reader;
        while (true)
        {
            var result = _connection.Read();
            if (_body.WrittenCount + result.Buffer.Length > MaxBody)
                ConnectionErrors.Protocol("an answer longer than 4 MB");
            Append(result.Buffer);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
                return;
        }
    }

    private void Append(in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
            _body.Write(segment.Span);
    }

    public void Dispose()
    {
        _connection.Dispose();
        _body.Dispose();
    }
}
