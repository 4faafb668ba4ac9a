namespace Kt.Interop;

/// <summary>
/// A tracer of libkt (<c>kt_tracer</c>): an instrumentation scope with its own sampling rate
/// and its own active span in each context. <c>default</c> (<see cref="Global"/>) is the
/// global tracer, whose rate is kt_init's <c>sampling_rate</c>.
/// </summary>
public readonly struct NativeTracer : IEquatable<NativeTracer>
{
    /// <summary>Wraps a handle received from native code; it is checked when used.</summary>
    /// <param name="handle">A <c>kt_tracer</c>.</param>
    public NativeTracer(ulong handle) => Handle = handle;

    /// <summary>The <c>kt_tracer</c> handle; 0 for the global tracer.</summary>
    public ulong Handle { get; }

    /// <summary>The global tracer.</summary>
    public static NativeTracer Global => default;

    /// <summary>Creates a tracer (<c>kt_tracer_new</c>).</summary>
    /// <param name="name">Its instrumentation scope; not empty.</param>
    /// <param name="tracer">The tracer; <see cref="Global"/> unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <param name="samplingRate">The share of new traces it records, 0 to 1.</param>
    /// <param name="ns">The namespace of its active span; empty for the name.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidArgument"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public static unsafe KtResult Create(ReadOnlySpan<char> name, out NativeTracer tracer, double samplingRate = 1, ReadOnlySpan<char> ns = default)
    {
        using var n = new Utf8Arg(name, stackalloc byte[Utf8Arg.StackBytes]);
        using var s = new Utf8Arg(ns, stackalloc byte[Utf8Arg.StackBytes]);
        ulong handle = 0;
        KtResult result;
        fixed (byte* np = n)
        fixed (byte* sp = s)
            result = (KtResult)NativeMethods.kt_tracer_new(np, n.Length, samplingRate, sp, s.Length, &handle);
        tracer = new NativeTracer(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>Creates a tracer from a UTF-8 name (<c>kt_tracer_new</c>); see the UTF-16 overload.</summary>
    /// <param name="utf8Name">Its instrumentation scope, UTF-8; not empty.</param>
    /// <param name="tracer">The tracer; <see cref="Global"/> unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <param name="samplingRate">The share of new traces it records, 0 to 1.</param>
    /// <param name="utf8Ns">The namespace of its active span, UTF-8; empty for the name.</param>
    /// <returns>As the UTF-16 overload.</returns>
    public static unsafe KtResult Create(ReadOnlySpan<byte> utf8Name, out NativeTracer tracer, double samplingRate = 1, ReadOnlySpan<byte> utf8Ns = default)
    {
        ulong handle = 0;
        KtResult result;
        fixed (byte* np = utf8Name)
        fixed (byte* sp = utf8Ns)
            result = (KtResult)NativeMethods.kt_tracer_new(np, (nuint)utf8Name.Length, samplingRate, sp, (nuint)utf8Ns.Length, &handle);
        tracer = new NativeTracer(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>
    /// Starts a span (<c>kt_start_span</c>). With a context and no explicit parent, the
    /// tracer's active span in it (or the context's remote parent) is the parent. When no slot is
    /// free the span is the no-op span and the drop is counted.
    /// </summary>
    /// <param name="context">The request context, or <see cref="NativeContext.None"/>.</param>
    /// <param name="utf8Name">The span's name, UTF-8.</param>
    /// <param name="options">Start time, kind, sampling decision, parent.</param>
    /// <param name="span">The span; the no-op span unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidArgument"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.Stale"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult StartSpan(NativeContext context, ReadOnlySpan<byte> utf8Name, in NativeSpanOptions options, out NativeSpan span)
    {
        var native = options.ToNative();
        ulong handle = 0;
        KtResult result;
        fixed (byte* n = utf8Name)
            result = (KtResult)NativeMethods.kt_start_span(Handle, context.Handle, n, (nuint)utf8Name.Length, &native, &handle);
        span = new NativeSpan(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>Starts a span with default options; see the overload with options.</summary>
    /// <param name="context">The request context, or <see cref="NativeContext.None"/>.</param>
    /// <param name="utf8Name">The span's name, UTF-8.</param>
    /// <param name="span">The span; the no-op span unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns>As the overload with options.</returns>
    public unsafe KtResult StartSpan(NativeContext context, ReadOnlySpan<byte> utf8Name, out NativeSpan span)
    {
        ulong handle = 0;
        KtResult result;
        fixed (byte* n = utf8Name)
            result = (KtResult)NativeMethods.kt_start_span(Handle, context.Handle, n, (nuint)utf8Name.Length, null, &handle);
        span = new NativeSpan(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>Starts a span named in UTF-16, transcoded without allocating; see the UTF-8 overload.</summary>
    /// <param name="context">The request context, or <see cref="NativeContext.None"/>.</param>
    /// <param name="name">The span's name.</param>
    /// <param name="options">Start time, kind, sampling decision, parent.</param>
    /// <param name="span">The span; the no-op span unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns>As the UTF-8 overload.</returns>
    public unsafe KtResult StartSpan(NativeContext context, ReadOnlySpan<char> name, in NativeSpanOptions options, out NativeSpan span)
    {
        var native = options.ToNative();
        using var n = new Utf8Arg(name, stackalloc byte[Utf8Arg.StackBytes]);
        ulong handle = 0;
        KtResult result;
        fixed (byte* np = n)
            result = (KtResult)NativeMethods.kt_start_span(Handle, context.Handle, np, n.Length, &native, &handle);
        span = new NativeSpan(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>Starts a span named in UTF-16 with default options; see the UTF-8 overload.</summary>
    /// <param name="context">The request context, or <see cref="NativeContext.None"/>.</param>
    /// <param name="name">The span's name.</param>
    /// <param name="span">The span; the no-op span unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns>As the UTF-8 overload.</returns>
    public unsafe KtResult StartSpan(NativeContext context, ReadOnlySpan<char> name, out NativeSpan span)
    {
        using var n = new Utf8Arg(name, stackalloc byte[Utf8Arg.StackBytes]);
        ulong handle = 0;
        KtResult result;
        fixed (byte* np = n)
            result = (KtResult)NativeMethods.kt_start_span(Handle, context.Handle, np, n.Length, null, &handle);
        span = new NativeSpan(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>The tracer's active span in the context (<c>kt_active_span</c>); the no-op span when none.</summary>
    /// <param name="context">The request context; <see cref="NativeContext.None"/> has no active span.</param>
    /// <param name="span">The active span; the no-op span unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.Stale"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult ActiveSpan(NativeContext context, out NativeSpan span)
    {
        ulong handle = 0;
        var result = (KtResult)NativeMethods.kt_active_span(Handle, context.Handle, &handle);
        span = new NativeSpan(result == KtResult.Ok ? handle : 0);
        return result;
    }

    /// <summary>Makes <paramref name="span"/> the tracer's active span in the context (<c>kt_set_active_span</c>); the no-op span clears it.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="span">The span to make active.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.Stale"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public KtResult SetActiveSpan(NativeContext context, NativeSpan span) =>
        (KtResult)NativeMethods.kt_set_active_span(Handle, context.Handle, span.Handle);

    /// <inheritdoc/>
    public bool Equals(NativeTracer other) => Handle == other.Handle;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NativeTracer other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Handle.GetHashCode();

    /// <summary>True when both wrap the same handle.</summary>
    /// <param name="left">One tracer.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(NativeTracer left, NativeTracer right) => left.Handle == right.Handle;

    /// <summary>True when the handles differ.</summary>
    /// <param name="left">One tracer.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(NativeTracer left, NativeTracer right) => left.Handle != right.Handle;

    /// <summary>The handle in hexadecimal.</summary>
    public override string ToString() => $"tracer 0x{Handle:x16}";
}
