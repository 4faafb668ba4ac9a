namespace Kt;

/// <summary>
/// The W3C <c>traceparent</c> header (Trace Context Level 2, §3.2), read and written
/// without allocating so it can run on every incoming and outgoing request.
/// </summary>
/// <remarks>
/// Flags: only sampled and random are defined, and the spec tells vendors to keep
/// unknown bits at zero, so both parsing (any version) and formatting keep just those
/// two bits; an unknown bit received today must not be forwarded with a meaning a
/// future version may give it.
/// </remarks>
public static class Traceparent
{
    /// <summary>Characters in a version 00 header: <c>00-</c>, 32, <c>-</c>, 16, <c>-</c>, 2.</summary>
    public const int Length = 55;

    private const int TraceIdStart = 3;
    private const int TraceIdEnd = TraceIdStart + 32;
    private const int SpanIdStart = TraceIdEnd + 1;
    private const int SpanIdEnd = SpanIdStart + 16;
    private const int FlagsStart = SpanIdEnd + 1;
    private const TraceFlags KnownFlags = TraceFlags.Sampled | TraceFlags.Random;

    // Never a valid hex digit nor a dash, so non-ASCII chars fail where they stand.
    private const byte NotAscii = 0xFF;

    /// <summary>
    /// Parses a UTF-8 header value. Surrounding spaces and tabs are ignored; a future
    /// version is read in the version 00 layout and anything after a dash past the
    /// flags is ignored. On success the context is remote.
    /// </summary>
    public static PropagationStatus TryParse(ReadOnlySpan<byte> header, out SpanContext context) =>
        ParseTrimmed(TrimOws(header), out context);

    /// <summary>
    /// Parses a header value held as UTF-16. Only ASCII is valid; otherwise the same rules
    /// as the UTF-8 overload.
    /// </summary>
    public static PropagationStatus TryParse(ReadOnlySpan<char> header, out SpanContext context)
    {
        header = TrimOws(header);
        // One char past the flags is all a future-version rule ever looks at, so a
        // fixed buffer keeps this allocation-free and gives identical answers.
        Span<byte> ascii = stackalloc byte[Length + 1];
        int count = Math.Min(header.Length, ascii.Length);
        for (int i = 0; i < count; i++)
        {
            char c = header[i];
            ascii[i] = c <= 0x7F ? (byte)c : NotAscii;
        }
        return ParseTrimmed(ascii[..count], out context);
    }

    /// <summary>
    /// Writes a version 00 header as UTF-8. Fails without writing when the context has a
    /// zero id or the destination is shorter than <see cref="Length"/>.
    /// </summary>
    public static PropagationStatus TryFormat(in SpanContext context, Span<byte> destination, out int written)
    {
        written = 0;
        if (!context.IsValid)
            return PropagationStatus.InvalidContext;
        if (destination.Length < Length)
            return PropagationStatus.BufferTooSmall;

        destination[0] = (byte)'0';
        destination[1] = (byte)'0';
        destination[2] = (byte)'-';
        context.TraceId.WriteHex(destination[TraceIdStart..TraceIdEnd]);
        destination[TraceIdEnd] = (byte)'-';
        context.SpanId.WriteHex(destination[SpanIdStart..SpanIdEnd]);
        destination[SpanIdEnd] = (byte)'-';
        Hex.WriteByte((byte)(context.Flags & KnownFlags), destination[FlagsStart..Length]);
        written = Length;
        return PropagationStatus.Ok;
    }

    /// <summary>Writes a version 00 header as UTF-16; same rules as the UTF-8 overload.</summary>
    public static PropagationStatus TryFormat(in SpanContext context, Span<char> destination, out int written)
    {
        written = 0;
        if (!context.IsValid)
            return PropagationStatus.InvalidContext;
        if (destination.Length < Length)
            return PropagationStatus.BufferTooSmall;

        Span<byte> ascii = stackalloc byte[Length];
        TryFormat(context, ascii, out _);
        for (int i = 0; i < Length; i++)
            destination[i] = (char)ascii[i];
        written = Length;
        return PropagationStatus.Ok;
    }

    private static PropagationStatus ParseTrimmed(ReadOnlySpan<byte> header, out SpanContext context)
    {
        context = default;
        if (header.IsEmpty)
            return PropagationStatus.Empty;
        if (header.Length < Length)
            return PropagationStatus.BadLength;

        if (!Hex.TryReadUInt64(header[..2], out var version) || version == 0xFF)
            return PropagationStatus.BadVersion;
        if (header.Length > Length)
        {
            // Version 00 is fixed-size; only a later version may carry more fields, and
            // it must separate them with a dash so that the flags stay two digits.
            if (version == 0)
                return PropagationStatus.BadLength;
            if (header[Length] != (byte)'-')
                return PropagationStatus.BadFormat;
        }
        if (header[2] != (byte)'-' || header[TraceIdEnd] != (byte)'-' || header[SpanIdEnd] != (byte)'-')
            return PropagationStatus.BadFormat;

        if (!TraceId.TryParseHex(header[TraceIdStart..TraceIdEnd], out var traceId))
            return PropagationStatus.BadTraceId;
        if (!traceId.IsValid)
            return PropagationStatus.ZeroTraceId;
        if (!SpanId.TryParseHex(header[SpanIdStart..SpanIdEnd], out var spanId))
            return PropagationStatus.BadSpanId;
        if (!spanId.IsValid)
            return PropagationStatus.ZeroSpanId;
        if (!Hex.TryReadUInt64(header[FlagsStart..Length], out var flags))
            return PropagationStatus.BadFlags;

        context = new SpanContext(traceId, spanId, (TraceFlags)flags & KnownFlags, isRemote: true);
        return PropagationStatus.Ok;
    }

    private static ReadOnlySpan<byte> TrimOws(ReadOnlySpan<byte> value) => value.Trim("\t "u8);

    private static ReadOnlySpan<char> TrimOws(ReadOnlySpan<char> value) => value.Trim("\t ");
}
