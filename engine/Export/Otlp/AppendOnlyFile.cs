using System.Runtime.InteropServices;

namespace Kt.Export.Otlp;

/// <summary>
/// A file every write of which lands at its end, whoever else appends to it: opened with
/// <c>O_APPEND</c>, each <see cref="Append"/> one <c>write(2)</c> of the whole buffer. Nginx's
/// workers, each with its own exporter, append to one file this way without splitting or
/// overwriting each other's lines.
/// </summary>
/// <remarks>
/// <see cref="FileStream"/> cannot do this: <see cref="FileMode.Append"/> opens without
/// <c>O_APPEND</c>, seeks to the end once, and then writes with <c>pwrite</c> at the offset it
/// keeps itself, so a second writer's lines are overwritten. Elsewhere than Linux (whose flag
/// values this uses) the file falls back to a <see cref="FileStream"/>, good for one writer.
/// </remarks>
internal sealed partial class AppendOnlyFile : IDisposable
{
    private const int O_WRONLY = 0x1, O_CREAT = 0x40, O_APPEND = 0x400, O_CLOEXEC = 0x80000;
    private const int EINTR = 4;
    private const int Mode0644 = 0x1A4;

    private int _fd = -1;
    private readonly FileStream? _fallback;

    /// <summary>Opens (or creates, mode 0644 less the umask) <paramref name="path"/> for appending.</summary>
    /// <exception cref="IOException">The file cannot be opened; the message names it and the reason.</exception>
    public AppendOnlyFile(string path)
    {
        Path = path;
        if (!OperatingSystem.IsLinux())
        {
            _fallback = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            return;
        }
        do
        {
            _fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, Mode0644);
        }
        while (_fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (_fd < 0)
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>
    /// Writes <paramref name="bytes"/> at the end of the file in one <c>write(2)</c>. Only a full
    /// disk or a signal can cut a write short; the rest then follows in further writes.
    /// </summary>
    /// <exception cref="IOException">The write failed; the message names the file and the reason.</exception>
    public unsafe void Append(ReadOnlySpan<byte> bytes)
    {
        if (_fallback is not null)
        {
            _fallback.Write(bytes);
            return;
        }
        fixed (byte* start = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = write(_fd, start + done, (nuint)(bytes.Length - done));
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                        continue;
                    throw new IOException($"kt: writing {Path} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
                done += (int)n;
            }
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _fallback?.Dispose();
        if (_fd >= 0)
            _ = close(_fd);
        _fd = -1;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
