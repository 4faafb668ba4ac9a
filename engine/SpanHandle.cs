using System.Runtime.CompilerServices;
using Kt.Store;

namespace Kt;

/// <summary>
/// A span, as its slot and the slot's generation. Every call checks the generation, so a
/// handle kept past <see cref="Finish"/> or <see cref="Release"/> gets
/// <see cref="KtStatus.StaleHandle"/> and never touches the span that reuses the slot.
/// <c>default</c> is the no-op span: it records nothing and every call on it returns
/// <see cref="KtStatus.Ok"/>. A span belongs to one thread at a time.
/// </summary>
public readonly ref struct SpanHandle
{
    internal readonly TraceEngine? Engine;

    /// <summary>The 64-bit form of the handle (the C ABI's <c>kt_span</c>); 0 for the no-op span.</summary>
    public readonly long Token;

    internal SpanHandle(TraceEngine engine, long token)
    {
        Engine = engine;
        Token = token;
    }

    /// <summary>Turns a token back into a handle; the token is checked when the handle is used.</summary>
    public static SpanHandle FromToken(TraceEngine engine, long token) => token == 0 ? default : new SpanHandle(engine, token);

    /// <summary>True for the no-op span (tracing off, or no slot was free).</summary>
    public bool IsNoop => Engine is null;

    /// <summary>True while the span is alive and sampled: what is set on it will be exported.</summary>
    public bool IsRecording => Engine is not null && Engine.IsRecording(Token);

    /// <summary>True while the span is alive, sampled or not.</summary>
    public bool IsAlive => Engine is not null && Engine.Resolve(Token, out _) == KtStatus.Ok;

    /// <summary>
    /// The span's ids and flags; invalid for the no-op span and for a stale handle. A finished
    /// span its context keeps (<see cref="TraceContext.KeepsFinishedSpans"/>) still has them.
    /// </summary>
    public SpanContext Context => Engine is null ? default : Engine.GetContext(Token);

    /// <summary>Sets a string attribute; a key set twice keeps the last value.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<char> value) =>
        Engine?.SetAttribute(Token, new TextInput(key), new TextValue(new TextInput(value))) ?? KtStatus.Ok;

    /// <summary>Sets a string attribute from UTF-8; bad UTF-8 gives <see cref="KtStatus.InvalidArgument"/>.</summary>
    public KtStatus SetAttributeUtf8(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Engine?.SetAttribute(Token, new TextInput(key), new TextValue(new TextInput(value))) ?? KtStatus.Ok;

    /// <summary>Sets an integer attribute.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, long value) =>
        Engine?.SetAttribute(Token, new TextInput(key), ScalarValue.Of(value)) ?? KtStatus.Ok;

    /// <summary>Sets an integer attribute with a UTF-8 key.</summary>
    public KtStatus SetAttributeUtf8(ReadOnlySpan<byte> key, long value) =>
        Engine?.SetAttribute(Token, new TextInput(key), ScalarValue.Of(value)) ?? KtStatus.Ok;

    /// <summary>Sets a float attribute.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, double value) =>
        Engine?.SetAttribute(Token, new TextInput(key), ScalarValue.Of(value)) ?? KtStatus.Ok;

    /// <summary>Sets a boolean attribute.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, bool value) =>
        Engine?.SetAttribute(Token, new TextInput(key), ScalarValue.Of(value)) ?? KtStatus.Ok;

    /// <summary>Sets an array-of-strings attribute.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<string> values) =>
        Engine?.SetAttribute(Token, new TextInput(key), new StringArrayValue(values)) ?? KtStatus.Ok;

    /// <summary>Sets an array-of-integers attribute.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<long> values) =>
        Engine?.SetAttribute(Token, new TextInput(key), RawArrayValue.Of(values)) ?? KtStatus.Ok;

    /// <summary>Sets an array-of-floats attribute.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<double> values) =>
        Engine?.SetAttribute(Token, new TextInput(key), RawArrayValue.Of(values)) ?? KtStatus.Ok;

    /// <summary>Sets an array-of-booleans attribute.</summary>
    public KtStatus SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<bool> values) =>
        Engine?.SetAttribute(Token, new TextInput(key), RawArrayValue.Of(values)) ?? KtStatus.Ok;

    /// <summary>Sets one attribute given as a <see cref="SpanAttribute"/>.</summary>
    public KtStatus SetAttribute(in SpanAttribute attribute) =>
        Engine?.SetAttribute(Token, new TextInput(attribute.Key.AsSpan()), attribute.ToInput()) ?? KtStatus.Ok;

    /// <summary>Adds a timed event (<c>add_event</c>); time 0 means now.</summary>
    public KtStatus AddEvent(ReadOnlySpan<char> name, ReadOnlySpan<SpanAttribute> attributes = default, long timeUnixNanoseconds = 0) =>
        Engine?.AddEvent(Token, new TextInput(name), attributes, timeUnixNanoseconds) ?? KtStatus.Ok;

    /// <summary>Records an error (<c>record_error</c>): an <c>exception</c> event with <c>exception.message</c>.</summary>
    public KtStatus RecordError(string message) => AddEvent("exception", [new SpanAttribute("exception.message", message)]);

    /// <summary>Sets the status (<c>set_status</c>). Unset is ignored; Ok is final; the message is kept for Error only.</summary>
    public KtStatus SetStatus(StatusCode code, ReadOnlySpan<char> message = default) =>
        Engine?.SetStatus(Token, code, new TextInput(message)) ?? KtStatus.Ok;

    /// <summary>Links this span to another one.</summary>
    public KtStatus AddLink(SpanContext linked, ReadOnlySpan<SpanAttribute> attributes = default) =>
        Engine?.AddLink(Token, linked, attributes) ?? KtStatus.Ok;

    /// <summary>Renames the span (OpenTelemetry's UpdateName; Kong's <c>link_span</c> names a created span).</summary>
    public KtStatus UpdateName(ReadOnlySpan<char> name) => Engine?.UpdateName(Token, new TextInput(name)) ?? KtStatus.Ok;

    /// <summary>Renames the span from UTF-8; bad UTF-8 gives <see cref="KtStatus.InvalidArgument"/>.</summary>
    public KtStatus UpdateNameUtf8(ReadOnlySpan<byte> name) => Engine?.UpdateName(Token, new TextInput(name)) ?? KtStatus.Ok;

    /// <summary>Moves the span's start to a Unix time in nanoseconds (greater than 0).</summary>
    public KtStatus SetStartTime(long startUnixNanoseconds) => Engine?.SetStartTime(Token, startUnixNanoseconds) ?? KtStatus.Ok;

    /// <summary>
    /// Ends the span (<c>finish</c>); the end time is now unless given in Unix nanoseconds. If it
    /// was its context's active span, its parent becomes active. A second call is stale and changes nothing.
    /// </summary>
    public KtStatus Finish(long endTimeUnixNanoseconds = 0) => Engine?.Finish(Token, endTimeUnixNanoseconds) ?? KtStatus.Ok;

    /// <summary>Gives the slot back now without exporting the span (<c>release</c>).</summary>
    public KtStatus Release() => Engine?.Release(Token) ?? KtStatus.Ok;

    /// <summary>Writes this span's W3C <c>traceparent</c> into a caller's buffer (55 bytes).</summary>
    public KtStatus TryFormatTraceparent(Span<byte> destination, out int written)
    {
        written = 0;
        if (Engine is null)
            return KtStatus.Ok;
        var status = Engine.Resolve(Token, out _);
        if (status != KtStatus.Ok)
            return status;
        return Traceparent.TryFormat(Context, destination, out written) == PropagationStatus.Ok
            ? KtStatus.Ok
            : KtStatus.BufferTooSmall;
    }

    /// <summary>
    /// Writes this span's headers in <paramref name="format"/> (names lower-case, values ASCII) into
    /// <paramref name="buffer"/>, describing each in <paramref name="headers"/>: what to send upstream.
    /// 1024 bytes and 4 headers hold any format's. Trace ids go out whole where the format allows
    /// 128 bits (16 hex digits when the high half is zero, for B3, Jaeger and OpenTracing), as the
    /// low 64 bits where it does not (Datadog, which carries the high half in <c>x-datadog-tags</c>).
    /// Returns <see cref="KtStatus.BufferTooSmall"/> (with nothing usable written),
    /// <see cref="KtStatus.InvalidArgument"/> for an unknown format, or the handle's status; the
    /// no-op span writes no header.
    /// </summary>
    public KtStatus TryInject(PropagationFormat format, Span<byte> buffer, Span<InjectedHeader> headers, out int headerCount)
    {
        headerCount = 0;
        if (Engine is null)
            return Propagators.IsKnown(format) ? KtStatus.Ok : KtStatus.InvalidArgument;
        return Engine.InjectHeaders(Token, format, buffer, headers, out headerCount);
    }

    /// <summary>The span's tracestate (inherited from a remote parent), valid until the span ends.</summary>
    public ReadOnlySpan<byte> TraceState => Engine is null ? default : Engine.GetTraceState(Token);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Is(TraceEngine engine) => ReferenceEquals(Engine, engine);
}
