namespace Kt.Interop;

/// <summary>
/// One header written by <see cref="NativeSpan.TryInject(NativePropagationFormat, Span{byte}, Span{NativeInjectedHeader}, out int)"/>:
/// where its name and value lie in the buffer that was passed (UTF-8, not NUL-terminated).
/// </summary>
public readonly struct NativeInjectedHeader
{
    /// <summary>Describes a header written at the given places of the buffer.</summary>
    /// <param name="nameStart">Where the name starts.</param>
    /// <param name="nameLength">The name's length in bytes.</param>
    /// <param name="valueStart">Where the value starts.</param>
    /// <param name="valueLength">The value's length in bytes.</param>
    public NativeInjectedHeader(int nameStart, int nameLength, int valueStart, int valueLength)
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
    /// <param name="buffer">The buffer passed to TryInject.</param>
    /// <returns>The name's bytes.</returns>
    public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> buffer) => buffer.Slice(NameStart, NameLength);

    /// <summary>The value (ASCII) within the buffer that was written to.</summary>
    /// <param name="buffer">The buffer passed to TryInject.</param>
    /// <returns>The value's bytes.</returns>
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> buffer) => buffer.Slice(ValueStart, ValueLength);
}
