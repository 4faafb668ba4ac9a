using System.Net.Sockets;

namespace Kt.Export.Otlp;

/// <summary>
/// A <see cref="Stream"/> over a connected socket in blocking mode. Every read and write is a
/// synchronous <see cref="Socket.Receive(Span{byte}, SocketFlags)"/> or
/// <see cref="Socket.Send(ReadOnlySpan{byte}, SocketFlags)"/> on the calling thread, and the
/// async methods do the same and return completed tasks: <c>PipeReader.Create</c> and
/// <c>PipeWriter.Create</c> over it do their I/O inline, with no epoll thread and no thread pool.
/// The socket's send and receive timeouts bound each call.
/// </summary>
internal sealed class BlockingSocketStream(Socket socket) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => socket.Receive(buffer, SocketFlags.None);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // A blocking send takes everything unless a signal or the timeout cuts it short.
        while (!buffer.IsEmpty)
            buffer = buffer[socket.Send(buffer, SocketFlags.None)..];
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
