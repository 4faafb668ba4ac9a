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

    /// <summary>An attribute's key: a string as <see cref="Text"/> checks it, and not empty.</summary>
    public static int Key(byte* ptr, nuint len, ArgName name, out ReadOnlySpan<byte> text)
    {
        int status = Text(ptr, len, name, out text);
        if (status == Status.Ok && text.IsEmpty)
            return LastError.Set(Status.InvalidArgument, $"{name}: empty; an attribute needs a key");
        return status;
    }

    /// <summary>A status naming <paramref name="name"/> when a required pointer is NULL.</summary>
    public static int NotNull(void* ptr, ArgName name) =>
        ptr == null ? LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer") : Status.Ok;

    /// <summary>Turns an engine status into kt.h's, with a message naming what the call was about.</summary>
    public static int From(KtStatus status, ArgName subject) => status switch
    {
        KtStatus.Ok => Status.Ok,
        KtStatus.StaleHandle => LastError.Set(Status.Stale, $"{subject}: the span has finished or was released"),
        KtStatus.InvalidHandle => LastError.Set(Status.InvalidHandle, $"{subject}: not a span of this engine"),
        KtStatus.InvalidArgument => LastError.Set(Status.InvalidArgument, $"{subject}: an argument is malformed (bad UTF-8, a value out of range)"),
        KtStatus.LimitReached => LastError.Set(Status.Limit, $"{subject}: a limit was reached; dropped and counted"),
        KtStatus.NotInitialized => LastError.Set(Status.NotInitialized, $"{subject}: the engine is not initialised"),
        KtStatus.BufferTooSmall => LastError.Set(Status.BufferTooSmall, $"{subject}: the buffer is too small"),
        _ => LastError.Set(Status.Internal, $"{subject}: unexpected status {status}"),
    };
}
