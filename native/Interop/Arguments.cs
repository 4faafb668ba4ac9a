using System.Runtime.CompilerServices;
using Kt.Store;
using Kt.Text;

namespace Kt.Native.Interop;

/// <summary>Checks a caller's pointer-and-length strings before they reach the engine.</summary>
internal static unsafe class Arguments
{
    public const nuint MaxString = 1 << 24;

    /// <summary>The bytes of a string argument; a status naming <paramref name="name"/> when it is malformed.</summary>
    public static int Text(byte* ptr, nuint len, ArgName name, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (len > MaxString)
            return LastError.Set(Status.InvalidArgument, $"{name}: length {len} is more than KT_MAX_STRING ({MaxString})");
        if (ptr == null)
            return len == 0 ? Status.Ok : LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer with length {len}");
        text = new ReadOnlySpan<byte>(ptr, (int)len);
        if (!Utf8Text.IsValid(text))
            return LastError.Set(Status.InvalidArgument, $"{name}: not valid UTF-8");
        return Status.Ok;
    }

    /// <summary>
    /// Whether the engine records a span's text that is not UTF-8 repaired (kt_init's
    /// invalid_utf8=replace) rather than refusing it.
    /// </summary>
    public static bool RepairsText => NativeRuntime.Current?.Engine.Store.RepairsInvalidText ?? false;

    /// <summary>
    /// A span's text (a name, key, value or message): checked as <see cref="Text"/>, except that
    /// when the engine repairs text, bytes that are not UTF-8 are accepted for the store to repair.
    /// </summary>
    public static int SpanText(byte* ptr, nuint len, ArgName name, out TextInput text)
    {
        int status = CheckSpanText(ptr, len, name, out bool validated);
        text = status == Status.Ok ? new TextInput(new ReadOnlySpan<byte>(ptr, (int)len), validated) : default;
        return status;
    }

    /// <summary>
    /// <see cref="SpanText"/>'s check alone; <paramref name="validated"/> is false when the
    /// text is accepted for the store to repair.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CheckSpanText(byte* ptr, nuint len, ArgName name, out bool validated)
    {
        validated = true;
        if (len > MaxString)
            return TooLong(name, len);
        if (ptr == null)
            return len == 0 ? Status.Ok : NullWithLength(name, len);
        if (Utf8Text.IsValid(new ReadOnlySpan<byte>(ptr, (int)len)))
            return Status.Ok;
        validated = false;
        return RepairsText ? Status.Ok : NotUtf8(ptr, len, name);
    }

    /// <summary>
    /// The bytes of an argument that the engine parses itself, whatever they hold (a header
    /// from the network); a status naming <paramref name="name"/> for a bad pointer or length.
    /// </summary>
    public static int Bytes(byte* ptr, nuint len, ArgName name, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (len > MaxString)
            return LastError.Set(Status.InvalidArgument, $"{name}: length {len} is more than KT_MAX_STRING ({MaxString})");
        if (ptr == null)
            return len == 0 ? Status.Ok : LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer with length {len}");
        bytes = new ReadOnlySpan<byte>(ptr, (int)len);
        return Status.Ok;
    }

    /// <summary>An attribute's key: span text as <see cref="SpanText"/> checks it, and not empty.</summary>
    public static int Key(byte* ptr, nuint len, ArgName name, out TextInput text)
    {
        int status = CheckKey(ptr, len, name, out bool validated);
        text = status == Status.Ok ? new TextInput(new ReadOnlySpan<byte>(ptr, (int)len), validated) : default;
        return status;
    }

    /// <summary><see cref="Key"/>'s check alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CheckKey(byte* ptr, nuint len, ArgName name, out bool validated)
    {
        int status = CheckSpanText(ptr, len, name, out validated);
        return status == Status.Ok && len == 0 ? EmptyKey(name) : status;
    }

    // The failures, out of line: their messages' temporaries would otherwise be set up on
    // every call of the checks above, which run once per string of every span.

    /// <summary>
    /// "<paramref name="what"/>: <paramref name="value"/> <paramref name="problem"/>", out of
    /// line like the failures below, for the hot calls' numeric arguments.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int BadValue(string what, long value, string problem) =>
        LastError.Set(Status.InvalidArgument, $"{what}: {value} {problem}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int TooLong(ArgName name, nuint len) =>
        LastError.Set(Status.InvalidArgument, $"{name}: length {len} is more than KT_MAX_STRING ({MaxString})");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NullWithLength(ArgName name, nuint len) =>
        LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer with length {len}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NotUtf8(byte* ptr, nuint len, ArgName name)
    {
        InputProblems.ValueRefused(new ReadOnlySpan<byte>(ptr, (int)len));
        return LastError.Set(Status.InvalidArgument, $"{name}: not valid UTF-8");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int EmptyKey(ArgName name) =>
        LastError.Set(Status.InvalidArgument, $"{name}: empty; an attribute needs a key");

    /// <summary>A status naming <paramref name="name"/> when a required pointer is NULL.</summary>
    public static int NotNull(void* ptr, ArgName name) =>
        ptr == null ? LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer") : Status.Ok;

    /// <summary>Turns an engine status into kt.h's, with a message naming what the call was about.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int From(KtStatus status, ArgName subject) =>
        status == KtStatus.Ok ? Status.Ok : Problem(status, subject);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Problem(KtStatus status, ArgName subject) => status switch
    {
        KtStatus.StaleHandle => LastError.Set(Status.Stale, $"{subject}: the span has finished or was released"),
        KtStatus.InvalidHandle => LastError.Set(Status.InvalidHandle, $"{subject}: not a span of this engine"),
        KtStatus.InvalidArgument => LastError.Set(Status.InvalidArgument, $"{subject}: an argument is malformed (bad UTF-8, a value out of range)"),
        KtStatus.LimitReached => LastError.Set(Status.Limit, $"{subject}: a limit was reached; dropped and counted"),
        KtStatus.NotInitialized => LastError.Set(Status.NotInitialized, $"{subject}: the engine is not initialised"),
        KtStatus.BufferTooSmall => LastError.Set(Status.BufferTooSmall, $"{subject}: the buffer is too small"),
        _ => LastError.Set(Status.Internal, $"{subject}: unexpected status {status}"),
    };
}
