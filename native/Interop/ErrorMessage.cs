using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace Kt.Native.Interop;

/// <summary>
/// An interpolated message written as UTF-8 straight into the calling thread's
/// <see cref="LastError"/> buffer. It holds no object reference, so a call that may fail does
/// not zero a string builder's worth of stack on every call that succeeds, and a message
/// needs no string of its own. What does not fit is cut between characters, never inside one.
/// Its members are kept out of line for the same reason: only failures run them.
/// </summary>
[InterpolatedStringHandler]
internal unsafe ref struct ErrorMessage
{
    private readonly byte* _buffer;
    private int _length;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ErrorMessage(int literalLength, int formattedCount)
    {
        _buffer = LastError.Pointer;
        _length = 0;
    }

    /// <summary>Ends the message with its NUL; the buffer then holds the whole line.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Terminate() => _buffer[_length] = 0;

    private Span<byte> Room => new(_buffer + _length, LastError.Capacity - 1 - _length);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AppendLiteral(string text) => AppendFormatted(text);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AppendFormatted(string? text)
    {
        if (text is null)
            return;
        Utf8.FromUtf16(text, Room, out _, out int written);
        _length += written;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AppendFormatted(ArgName name) => name.WriteTo(ref this);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AppendFormatted(long value) => AppendNumber(value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AppendFormatted(ulong value) => AppendNumber(value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AppendFormatted(double value) => AppendNumber(value);

    /// <summary>Anything else (enum names): formatted as .NET names it; only failures get here.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AppendFormatted<T>(T value) => AppendFormatted(value?.ToString());

    private void AppendNumber<T>(T value) where T : IUtf8SpanFormattable
    {
        if (value.TryFormat(Room, out int written, default, CultureInfo.InvariantCulture))
            _length += written;
    }
}
