namespace Kt;

/// <summary>
/// One header written by <see cref="SpanHandle.TryInject"/>: where its name and value lie in the
/// caller's buffer (UTF-8, not NUL-terminated). Offsets rather than spans, so an array of them can
/// live on the stack or in a pool.
/// </summary>
public readonly struct InjectedHeader
{
    /// <summary>Describes a header written at the given places of the buffer.</summary>
    public InjectedHeader(int nameStart, int nameLength, int valueStart, int valueLength)
    {
        NameStart = nameStart;
        NameLength = nameLength;
        ValueStart = valueStart;
        ValueLength = valueLength;
    }

    /// <summary>Where the name starts in the buffer.</summary>
    public int NameStart { get; }

    /// <summary>The name's length in bytes.</summary>
    public int NameLength { get; }

    /// <summary>Where the value starts in the buffer.</summary>
    public int ValueStart { get; }

    /// <summary>The value's length in bytes.</summary>
    public int ValueLength { get; }

    /// <summary>The name (lower-case ASCII) within the buffer that was written to.</summary>
    public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> buffer) => buffer.Slice(NameStart, NameLength);

    /// <summary>The value (ASCII) within the buffer that was written to.</summary>
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> buffer) => buffer.Slice(ValueStart, ValueLength);
}
