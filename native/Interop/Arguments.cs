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
    public static int SpanText(byte* ptr, nuint len, ArgName name, out TextInput text) =>
        Accepted(CheckSpanText(ptr, len, out bool validated), validated, ptr, len, name, out text);

    /// <summary>
    /// <see cref="SpanText"/>'s check alone; <paramref name="validated"/> is false when the
    /// text is accepted for the store to repair.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TextProblem CheckSpanText(byte* ptr, nuint len, out bool validated)
    {
        validated = true;
        if (len > MaxString)
            return TextProblem.TooLong;
        if (ptr == null)
            return len == 0 ? TextProblem.None : TextProblem.NullWithLength;
        if (Utf8Text.IsValid(new ReadOnlySpan<byte>(ptr, (int)len)))
            return TextProblem.None;
        validated = false;
        return RepairsText ? TextProblem.None : TextProblem.NotUtf8;
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
    public static int Key(byte* ptr, nuint len, ArgName name, out TextInput text) =>
        Accepted(CheckKey(ptr, len, out bool validated), validated, ptr, len, name, out text);

    // The text a check passed, or the check's problem as a status and message.
    private static int Accepted(TextProblem problem, bool validated, byte* ptr, nuint len, ArgName name, out TextInput text)
    {
        if (problem != TextProblem.None)
        {
            text = default;
            return Refuse(problem, name, ptr, len);
        }
        text = new TextInput(new ReadOnlySpan<byte>(ptr, (int)len), validated);
        return Status.Ok;
    }

    /// <summary><see cref="Key"/>'s check alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TextProblem CheckKey(byte* ptr, nuint len, out bool validated)
    {
        var problem = CheckSpanText(ptr, len, out validated);
        return problem == TextProblem.None && len == 0 ? TextProblem.EmptyKey : problem;
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

    /// <summary>The status, and the message naming <paramref name="name"/>, of a problem <see cref="CheckSpanText"/> or <see cref="CheckKey"/> found.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Refuse(TextProblem problem, ArgName name, byte* ptr, nuint len)
    {
        switch (problem)
        {
            case TextProblem.TooLong:
                return LastError.Set(Status.InvalidArgument, $"{name}: length {len} is more than KT_MAX_STRING ({MaxString})");
            case TextProblem.NullWithLength:
                return LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer with length {len}");
            case TextProblem.NotUtf8:
                InputProblems.ValueRefused(new ReadOnlySpan<byte>(ptr, (int)len));
                return LastError.Set(Status.InvalidArgument, $"{name}: not valid UTF-8");
            case TextProblem.EmptyKey:
                return LastError.Set(Status.InvalidArgument, $"{name}: empty; an attribute needs a key");
            default:
                return Status.Ok;
        }
    }

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
