namespace Kt.Interop;

/// <summary>
/// A request context of libkt (<c>kt_context</c>): it holds each tracer's active span and an
/// incoming remote parent, and releases the spans started in it that are still open when it
/// ends. <c>default</c> (<see cref="None"/>) is no context. A context belongs to one thread at
/// a time.
/// </summary>
public readonly struct NativeContext : IEquatable<NativeContext>
{
    /// <summary>Wraps a handle received from native code; it is checked when used.</summary>
    /// <param name="handle">A <c>kt_context</c>.</param>
    public NativeContext(ulong handle) => Handle = handle;

    /// <summary>The <c>kt_context</c> handle; 0 for no context.</summary>
    public ulong Handle { get; }

    /// <summary>No context: no active span, and nothing is released for it.</summary>
    public static NativeContext None => default;

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => Handle == 0;

    /// <summary>Begins a request context (<c>kt_context_begin</c>).</summary>
    /// <param name="context">The context; <see cref="None"/> unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidArgument"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public static unsafe KtResult Begin(out NativeContext context)
    {
        ulong handle = 0;
        var result = (KtResult)NativeMethods.kt_context_begin(&handle);
        context = new NativeContext(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>Ends the context (<c>kt_context_end</c>), releasing the spans started in it that have not ended; the handle is stale afterwards.</summary>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.Stale"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public KtResult End() => (KtResult)NativeMethods.kt_context_end(Handle);

    /// <summary>
    /// Takes the remote parent from incoming W3C headers (<c>kt_context_extract</c>). An invalid
    /// traceparent is <see cref="KtResult.InvalidArgument"/> and leaves no parent; an invalid
    /// tracestate is dropped.
    /// </summary>
    /// <param name="traceparent">The <c>traceparent</c> header, UTF-8.</param>
    /// <param name="tracestate">The <c>tracestate</c> header, UTF-8; empty when absent.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidArgument"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.Stale"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult Extract(ReadOnlySpan<byte> traceparent, ReadOnlySpan<byte> tracestate = default)
    {
        fixed (byte* p = traceparent)
        fixed (byte* s = tracestate)
            return (KtResult)NativeMethods.kt_context_extract(Handle, p, (nuint)traceparent.Length, s, (nuint)tracestate.Length);
    }

    /// <summary>Takes the remote parent from incoming W3C headers given as UTF-16 text; see the UTF-8 overload.</summary>
    /// <param name="traceparent">The <c>traceparent</c> header.</param>
    /// <param name="tracestate">The <c>tracestate</c> header; empty when absent.</param>
    /// <returns>As the UTF-8 overload.</returns>
    public unsafe KtResult Extract(ReadOnlySpan<char> traceparent, ReadOnlySpan<char> tracestate = default)
    {
        using var p = new Utf8Arg(traceparent, stackalloc byte[Utf8Arg.StackBytes]);
        using var s = new Utf8Arg(tracestate, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* pp = p)
        fixed (byte* sp = s)
            return (KtResult)NativeMethods.kt_context_extract(Handle, pp, p.Length, sp, s.Length);
    }

    /// <summary>Makes a span started with no context one of this context's (<c>kt_context_attach</c>, Kong's link_span).</summary>
    public KtResult Attach(NativeSpan span) => (KtResult)NativeMethods.kt_context_attach(Handle, span.Handle);

    /// <summary>
    /// Writes the context's open spans, oldest first (the root first), into <paramref name="spans"/>
    /// as far as it holds (<c>kt_context_spans</c>); <paramref name="count"/> is how many are open.
    /// </summary>
    public unsafe KtResult OpenSpans(Span<ulong> spans, out int count)
    {
        nuint n = 0;
        KtResult result;
        fixed (ulong* p = spans)
            result = (KtResult)NativeMethods.kt_context_spans(Handle, p, (nuint)spans.Length, &n);
        count = (int)n;
        return result;
    }

    /// <summary>Decides sampling for the rest of the request (<c>kt_context_set_should_sample</c>, Kong's set_should_sample).</summary>
    public KtResult SetShouldSample(bool shouldSample) => (KtResult)NativeMethods.kt_context_set_should_sample(Handle, shouldSample ? 1 : 0);

    /// <summary>
    /// Takes the remote parent from a request's headers (<c>kt_context_extract_headers</c>): the
    /// first of <paramref name="formats"/> whose headers are present decides. Pass every request
    /// header if that is simplest, a repeated name once per line in the request's order: several
    /// <c>tracestate</c> lines are one list, several <c>traceparent</c> lines are refused (a new
    /// trace starts). Only the headers a tried format reads are looked at. The strings are
    /// transcoded on the stack (or in pooled buffers beyond 32 headers or 4 KiB of UTF-8): no allocation.
    /// </summary>
    /// <param name="formats">The formats to try, in order.</param>
    /// <param name="headers">The request's headers as name/value pairs; names match in any case.</param>
    /// <param name="used">The format that decided; <see cref="NativePropagationFormat.None"/> when none was present (a new trace starts) or the call failed.</param>
    /// <returns>
    /// <see cref="KtResult.Ok"/>; <see cref="KtResult.InvalidArgument"/> when the deciding format's
    /// headers are malformed (<see cref="KtNative.LastError"/> names the header; the context has
    /// no parent) or a format is not a <see cref="NativePropagationFormat"/> value;
    /// <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.Stale"/> or <see cref="KtResult.NotInitialized"/>.
    /// </returns>
    public unsafe KtResult Extract(ReadOnlySpan<NativePropagationFormat> formats, ReadOnlySpan<KeyValuePair<string, string>> headers, out NativePropagationFormat used)
    {
        using var array = new Utf8HeaderArray(headers, stackalloc KtHeader[Utf8HeaderArray.StackHeaders], stackalloc byte[Utf8HeaderArray.StackBytes]);
        int format = 0;
        KtResult result;
        // NativePropagationFormat is an int enum: the span is kt.h's const int array as it stands.
        fixed (NativePropagationFormat* f = formats)
            result = (KtResult)NativeMethods.kt_context_extract_headers(Handle, (int*)f, (nuint)formats.Length, array.Pointer, array.Count, &format);
        used = result == KtResult.Ok ? (NativePropagationFormat)format : NativePropagationFormat.None;
        return result;
    }

    /// <inheritdoc/>
    public bool Equals(NativeContext other) => Handle == other.Handle;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NativeContext other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Handle.GetHashCode();

    /// <summary>True when both wrap the same handle.</summary>
    /// <param name="left">One context.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(NativeContext left, NativeContext right) => left.Handle == right.Handle;

    /// <summary>True when the handles differ.</summary>
    /// <param name="left">One context.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(NativeContext left, NativeContext right) => left.Handle != right.Handle;

    /// <summary>The handle in hexadecimal.</summary>
    public override string ToString() => $"context 0x{Handle:x16}";
}
