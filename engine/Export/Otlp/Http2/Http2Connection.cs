using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using CommunityToolkit.HighPerformance.Buffers;

namespace Kt.Export.Otlp.Http2;

/// <summary>
/// OTLP/gRPC over HTTP/2 with prior knowledge (h2c) on one kept-alive connection, driven
/// synchronously by the exporter thread: one stream per batch, one after the other. The
/// request's HPACK block is built once; a batch is a HEADERS frame and DATA frames within the
/// peer's SETTINGS_MAX_FRAME_SIZE and flow-control windows, written into the connection's
/// <see cref="System.IO.Pipelines.PipeWriter"/> in one piece and sent with one send while the
/// windows allow (otherwise it waits for the peer's WINDOW_UPDATE). The answer's frames come
/// from the connection's <see cref="System.IO.Pipelines.PipeReader"/>: HEADERS and CONTINUATION
/// decoded with HPACK (<see cref="HpackDecoder"/>), DATA, trailers, SETTINGS (acknowledged),
/// PING (answered), WINDOW_UPDATE, RST_STREAM and GOAWAY (after which the next batch opens a
/// new connection; a request the peer did not process goes once more on a new one).
/// </summary>
internal sealed class Http2Connection : IOtlpSender, IHeaderReceiver
{
    private const int MaxBody = 4 * 1024 * 1024;
    private const int LastStreamId = int.MaxValue;

    private readonly SocketConnection _connection;
    private readonly byte[] _requestHeaders;
    private readonly bool _gzip;
    private readonly HpackDecoder _decoder = new();
    private readonly byte[] _frame = new byte[Http2Frame.DefaultMaxFrameSize];
    private readonly ArrayPoolBufferWriter<byte> _headerBlock = new(1024);
    private readonly ArrayPoolBufferWriter<byte> _body = new(1024);

    // The peer's settings, and what its flow-control windows let this side send.
    private int _maxFrameSize;
    private int _initialWindow;
    private long _connectionWindow;
    private long _streamWindow;

    // What this side has received and not yet handed back with WINDOW_UPDATE.
    private int _unackedConnection;
    private int _unackedStream;

    private int _nextStream;
    private bool _goingAway;

    // The frame just read.
    private byte _type;
    private byte _flags;
    private int _length;
    private int _frameStream;

    // A header block in CONTINUATION frames: its stream (0 when none) and whether it ends the stream.
    private int _headerStream;
    private bool _headerEndsStream;
    private bool _decodingOurs;

    // The current stream's answer.
    private int _stream;
    private bool _ended;
    private bool _answered;
    private int _status;
    private int _grpcStatus;
    private string? _grpcMessage;
    private int _retryAfterSeconds;
    private int _resetCode;

    public Http2Connection(Uri endpoint, bool gzip, IReadOnlyDictionary<string, string> headers)
    {
        _connection = new SocketConnection(endpoint.IdnHost, endpoint.Port);
        _gzip = gzip;
        var block = new List<byte>();
        HpackEncoder.Indexed(block, 3); // :method POST
        HpackEncoder.Indexed(block, 6); // :scheme http
        HpackEncoder.Literal(block, 4, endpoint.PathAndQuery); // :path
        HpackEncoder.Literal(block, 1, endpoint.Authority); // :authority
        HpackEncoder.Literal(block, 31, "application/grpc"); // content-type
        HpackEncoder.Literal(block, "te", "trailers");
        if (gzip)
            HpackEncoder.Literal(block, "grpc-encoding", "gzip");
        HpackEncoder.Literal(block, 58, OtlpUserAgent.Of(OtlpHttpProtocol.Grpc, headers)); // user-agent
        foreach (var (name, value) in headers)
        {
            if (!OtlpUserAgent.IsUserAgent(name))
                HpackEncoder.Literal(block, name, value);
        }
        if (block.Count > Http2Frame.DefaultMaxFrameSize)
            throw new ArgumentException($"the request headers take {block.Count} bytes, more than one HTTP/2 frame of {Http2Frame.DefaultMaxFrameSize}", nameof(headers));
        _requestHeaders = block.ToArray();
    }

    public OtlpReply Send(ReadOnlyMemory<byte> body, long deadline)
    {
        bool reused = _connection.IsOpen && Settle(deadline);
        if (!reused)
            Open(deadline);
        try
        {
            return Exchange(body.Span);
        }
        catch (Exception e) when (reused && ConnectionErrors.IsClosedBeforeAnswer(e))
        {
            // The peer closed or left the idle connection before it took the request: once more on a new one.
        }
        catch
        {
            _connection.Close();
            throw;
        }
        Open(deadline);
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

    // Handles what the peer sent while the connection was idle (PING, SETTINGS, WINDOW_UPDATE,
    // GOAWAY); false when the connection can take no more streams.
    private bool Settle(long deadline)
    {
        try
        {
            if (_connection.PeerClosed())
            {
                _connection.Close();
                return false;
            }
            _connection.SetDeadline(deadline);
            _stream = 0;
            while (ReadFrame(mayBlock: false))
                HandleFrame();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            _connection.Close();
            return false;
        }
        if (!_goingAway && _nextStream < LastStreamId - 2)
            return true;
        _connection.Close();
        return false;
    }

    private void Open(long deadline)
    {
        _connection.Open(deadline);
        _decoder.Reset();
        _maxFrameSize = Http2Frame.DefaultMaxFrameSize;
        _initialWindow = Http2Frame.DefaultWindow;
        _connectionWindow = Http2Frame.DefaultWindow;
        _unackedConnection = 0;
        _nextStream = 1;
        _goingAway = false;
        _headerStream = 0;
        var preface = Http2Frame.Preface;
        var span = _connection.Writer.GetSpan(preface.Length + Http2Frame.HeaderLength + 6);
        preface.CopyTo(span);
        span = span[preface.Length..];
        Http2Frame.WriteHeader(span, 6, Http2Frame.Settings, 0, 0);
        BinaryPrimitives.WriteUInt16BigEndian(span[9..], Http2Frame.SettingsEnablePush);
        BinaryPrimitives.WriteUInt32BigEndian(span[11..], 0);
        _connection.Writer.Advance(preface.Length + Http2Frame.HeaderLength + 6);
        _connection.Flush();
    }

    private OtlpReply Exchange(ReadOnlySpan<byte> body)
    {
        _stream = _nextStream;
        _nextStream += 2;
        _streamWindow = _initialWindow;
        _unackedStream = 0;
        _ended = false;
        _answered = false;
        _status = 0;
        _grpcStatus = -1;
        _grpcMessage = null;
        _retryAfterSeconds = -1;
        _resetCode = -1;
        _body.Clear();

        long total = 5 + (long)body.Length;
        long sent = WriteFrames(body, 0, total, withHeaders: true);
        _connection.Flush();
        while (sent < total && !_ended)
        {
            if (Math.Min(_connectionWindow, _streamWindow) <= 0)
            {
                ReadFrame(mayBlock: true);
                HandleFrame();
                continue;
            }
            sent = WriteFrames(body, sent, total, withHeaders: false);
            _connection.Flush();
        }
        if (sent < total && _resetCode < 0)
        {
            // The peer answered before taking the whole request: this side gives up the rest.
            WriteControl(Http2Frame.RstStream, 0, _stream, Http2Frame.Cancel, 4);
            _connection.Flush();
        }
        while (!_ended)
        {
            ReadFrame(mayBlock: true);
            HandleFrame();
        }
        var reply = Reply();
        if (_goingAway)
            _connection.Close();
        return reply;
    }

    // HEADERS (first time) and as many DATA frames as the windows allow, in one span of the
    // writer so that they leave in one send; the position in the gRPC message reached.
    private long WriteFrames(ReadOnlySpan<byte> body, long sent, long total, bool withHeaders)
    {
        long allowed = Math.Max(0, Math.Min(total - sent, Math.Min(_connectionWindow, _streamWindow)));
        int frames = (int)((allowed + _maxFrameSize - 1) / _maxFrameSize);
        int headerBytes = withHeaders ? Http2Frame.HeaderLength + _requestHeaders.Length : 0;
        int bytes = headerBytes + (int)allowed + frames * Http2Frame.HeaderLength;
        var writer = _connection.Writer;
        var span = writer.GetSpan(bytes);
        if (withHeaders)
        {
            Http2Frame.WriteHeader(span, _requestHeaders.Length, Http2Frame.Headers, Http2Frame.EndHeaders, _stream);
            _requestHeaders.CopyTo(span[Http2Frame.HeaderLength..]);
        }
        int at = headerBytes;
        long end = sent + allowed;
        while (sent < end)
        {
            int chunk = (int)Math.Min(end - sent, _maxFrameSize);
            bool last = sent + chunk == total;
            Http2Frame.WriteHeader(span[at..], chunk, Http2Frame.Data, last ? Http2Frame.EndStream : (byte)0, _stream);
            at += Http2Frame.HeaderLength;
            CopyMessage(body, sent, span.Slice(at, chunk));
            at += chunk;
            sent += chunk;
        }
        writer.Advance(bytes);
        _connectionWindow -= allowed;
        _streamWindow -= allowed;
        return sent;
    }

    // The gRPC message: a compressed flag, a 4-byte big-endian length, the body.
    private void CopyMessage(ReadOnlySpan<byte> body, long offset, Span<byte> destination)
    {
        int written = 0;
        if (offset < 5)
        {
            Span<byte> prefix = stackalloc byte[5];
            prefix[0] = _gzip ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)body.Length);
            written = Math.Min(5 - (int)offset, destination.Length);
            prefix.Slice((int)offset, written).CopyTo(destination);
            offset += written;
        }
        body.Slice((int)(offset - 5), destination.Length - written).CopyTo(destination[written..]);
    }

    private OtlpReply Reply()
    {
        if (_resetCode == Http2Frame.RefusedStream)
            ConnectionErrors.Closed(beforeAnswer: true);
        if (_resetCode >= 0 && _status == 0)
            ConnectionErrors.Protocol($"the receiver reset the stream (HTTP/2 error code {_resetCode})");
        if (_status == 0)
            ConnectionErrors.Protocol("an HTTP/2 answer without :status");
        if (_status / 100 != 2)
            return new OtlpReply { Status = _status, RetryAfter = _retryAfterSeconds >= 0 ? TimeSpan.FromSeconds(_retryAfterSeconds) : null };
        if (_grpcStatus != 0)
            return new OtlpReply { Status = _status, GrpcStatus = _grpcStatus < 0 ? 2 : _grpcStatus, GrpcMessage = _grpcStatus < 0 ? "no grpc-status" : _grpcMessage };
        var message = _body.WrittenMemory;
        if (message.Length < 5 || message.Span[0] != 0)
            return new OtlpReply { Status = _status };
        int length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(message.Span[1..]), (uint)(message.Length - 5));
        return new OtlpReply { Status = _status, Body = message.Slice(5, length) };
    }

    // Reads one frame into _type, _flags, _frameStream and _frame; without blocking, false when
    // no whole frame has arrived.
    private bool ReadFrame(bool mayBlock)
    {
        var reader = _connection.Reader;
        Span<byte> header = stackalloc byte[Http2Frame.HeaderLength];
        while (true)
        {
            if (!reader.TryRead(out var result))
            {
                if (!mayBlock && _connection.Available == 0)
                    return false;
                result = _connection.Read();
            }
            var buffer = result.Buffer;
            if (buffer.Length >= Http2Frame.HeaderLength)
            {
                buffer.Slice(0, Http2Frame.HeaderLength).CopyTo(header);
                int length = header[0] << 16 | header[1] << 8 | header[2];
                if (length > _frame.Length)
                    ConnectionErrors.Protocol("an HTTP/2 frame larger than SETTINGS_MAX_FRAME_SIZE");
                if (buffer.Length >= Http2Frame.HeaderLength + length)
                {
                    _type = header[3];
                    _flags = header[4];
                    _frameStream = BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue;
                    _length = length;
                    buffer.Slice(Http2Frame.HeaderLength, length).CopyTo(_frame);
                    reader.AdvanceTo(buffer.GetPosition(Http2Frame.HeaderLength + length));
                    return true;
                }
            }
            if (result.IsCompleted)
                ConnectionErrors.Closed(beforeAnswer: !_answered);
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private void HandleFrame()
    {
        var payload = _frame.AsSpan(0, _length);
        switch (_type)
        {
            case Http2Frame.Data:
                _unackedConnection += _length;
                if (_frameStream == _stream && !_ended)
                {
                    _answered = true;
                    _unackedStream += _length;
                    var data = Unpadded(payload);
                    if (_body.WrittenCount + data.Length > MaxBody)
                        ConnectionErrors.Protocol("an answer longer than 4 MB");
                    _body.Write(data);
                    if ((_flags & Http2Frame.EndStream) != 0)
                        _ended = true;
                }
                GiveBackWindow();
                break;
            case Http2Frame.Headers:
                if (_headerStream != 0)
                    ConnectionErrors.Protocol("HEADERS inside another header block");
                var fragment = Unpadded(payload);
                if ((_flags & Http2Frame.Priority) != 0)
                    fragment = fragment[Math.Min(5, fragment.Length)..];
                _headerStream = _frameStream;
                _headerEndsStream = (_flags & Http2Frame.EndStream) != 0;
                _headerBlock.Clear();
                _headerBlock.Write(fragment);
                if ((_flags & Http2Frame.EndHeaders) != 0)
                    DecodeHeaderBlock();
                break;
            case Http2Frame.Continuation:
                if (_headerStream == 0 || _frameStream != _headerStream)
                    ConnectionErrors.Protocol("CONTINUATION outside a header block");
                _headerBlock.Write(payload);
                if ((_flags & Http2Frame.EndHeaders) != 0)
                    DecodeHeaderBlock();
                break;
            case Http2Frame.RstStream:
                if (_frameStream == _stream && _length >= 4)
                {
                    _resetCode = BinaryPrimitives.ReadInt32BigEndian(payload);
                    _ended = true;
                }
                break;
            case Http2Frame.Settings:
                if ((_flags & Http2Frame.Ack) == 0)
                    ApplySettings(payload);
                break;
            case Http2Frame.PushPromise:
                ConnectionErrors.Protocol("PUSH_PROMISE although push is disabled");
                break;
            case Http2Frame.Ping:
                if ((_flags & Http2Frame.Ack) == 0 && _length == 8)
                {
                    var span = _connection.Writer.GetSpan(Http2Frame.HeaderLength + 8);
                    Http2Frame.WriteHeader(span, 8, Http2Frame.Ping, Http2Frame.Ack, 0);
                    payload.CopyTo(span[Http2Frame.HeaderLength..]);
                    _connection.Writer.Advance(Http2Frame.HeaderLength + 8);
                    _connection.Flush();
                }
                break;
            case Http2Frame.GoAway:
                _goingAway = true;
                int lastStream = _length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue : 0;
                if (_stream > lastStream && !_ended)
                    ConnectionErrors.Closed(beforeAnswer: true);
                break;
            case Http2Frame.WindowUpdate:
                int increment = _length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue : 0;
                if (_frameStream == 0)
                    _connectionWindow += increment;
                else if (_frameStream == _stream)
                    _streamWindow += increment;
                break;
        }
    }

    private Span<byte> Unpadded(Span<byte> payload)
    {
        if ((_flags & Http2Frame.Padded) == 0)
            return payload;
        int padding = payload.IsEmpty ? 0 : payload[0];
        if (1 + padding > payload.Length)
            ConnectionErrors.Protocol("HTTP/2 padding longer than its frame");
        return payload[1..^padding];
    }

    private void ApplySettings(ReadOnlySpan<byte> payload)
    {
        for (; payload.Length >= 6; payload = payload[6..])
        {
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(payload);
            int value = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(payload[2..]), int.MaxValue);
            if (id == Http2Frame.SettingsInitialWindowSize)
            {
                // A change applies to the open stream's window too (RFC 9113, section 6.9.2).
                _streamWindow += value - _initialWindow;
                _initialWindow = value;
            }
            else if (id == Http2Frame.SettingsMaxFrameSize)
            {
                _maxFrameSize = Math.Clamp(value, Http2Frame.DefaultMaxFrameSize, 16 * 1024 * 1024 - 1);
            }
        }
        WriteControl(Http2Frame.Settings, Http2Frame.Ack, 0, 0, 0);
        _connection.Flush();
    }

    // The peer may send only as much as this side's windows allow: hand back what was read
    // once half of a window is used.
    private void GiveBackWindow()
    {
        bool wrote = false;
        if (_unackedConnection >= Http2Frame.DefaultWindow / 2)
        {
            WriteControl(Http2Frame.WindowUpdate, 0, 0, _unackedConnection, 4);
            _unackedConnection = 0;
            wrote = true;
        }
        if (!_ended && _unackedStream >= Http2Frame.DefaultWindow / 2)
        {
            WriteControl(Http2Frame.WindowUpdate, 0, _stream, _unackedStream, 4);
            _unackedStream = 0;
            wrote = true;
        }
        if (wrote)
            _connection.Flush();
    }

    private void WriteControl(byte type, byte flags, int stream, int value, int length)
    {
        var span = _connection.Writer.GetSpan(Http2Frame.HeaderLength + length);
        Http2Frame.WriteHeader(span, length, type, flags, stream);
        if (length == 4)
            BinaryPrimitives.WriteInt32BigEndian(span[Http2Frame.HeaderLength..], value);
        _connection.Writer.Advance(Http2Frame.HeaderLength + length);
    }

    private void DecodeHeaderBlock()
    {
        _decodingOurs = _headerStream == _stream;
        _decoder.Decode(_headerBlock.WrittenSpan, this);
        if (_decodingOurs)
        {
            _answered = true;
            if (_headerEndsStream)
                _ended = true;
        }
        _headerStream = 0;
    }

    void IHeaderReceiver.OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (!_decodingOurs)
            return;
        if (name.SequenceEqual(":status"u8))
            _status = Utf8Parser.TryParse(value, out int status, out _) ? status : 0;
        else if (name.SequenceEqual("grpc-status"u8))
            _grpcStatus = Utf8Parser.TryParse(value, out int code, out _) ? code : 2;
        else if (name.SequenceEqual("grpc-message"u8))
            _grpcMessage = GrpcStatusMessage.Decode(value);
        else if (name.SequenceEqual("retry-after"u8))
            _retryAfterSeconds = Utf8Parser.TryParse(value, out int seconds, out _) ? seconds : -1;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _headerBlock.Dispose();
        _body.Dispose();
    }
}
