namespace Kt.Native.Interop;

/// <summary>kt.h's status codes, <see cref="KtStatus"/>'s values where it has them.</summary>
internal static class Status
{
    public const int Ok = 0;
    public const int Stale = -1;
    public const int InvalidHandle = -2;
    public const int InvalidArgument = -3;
    public const int Limit = -4;
    public const int NotInitialized = -5;
    public const int BufferTooSmall = -6;
    public const int AlreadyInitialized = -7;
    public const int Timeout = -8;
    public const int Internal = -9;
    public const int SpansLost = -10;

    /// <summary>The message of kt_errstr, NUL-terminated UTF-8 in the image's read-only data.</summary>
    public static ReadOnlySpan<byte> Message(int code) => code switch
    {
        Ok => "success\0"u8,
        Stale => "the span has finished or was released\0"u8,
        InvalidHandle => "not a handle of this engine\0"u8,
        InvalidArgument => "an argument is out of range or malformed\0"u8,
        Limit => "a limit was reached; the item was dropped and counted\0"u8,
        NotInitialized => "the engine is not initialised, or has shut down\0"u8,
        BufferTooSmall => "the destination buffer is too small\0"u8,
        AlreadyInitialized => "the engine is already initialised\0"u8,
        Timeout => "the time limit passed first\0"u8,
        Internal => "an internal error; kt_last_error() says which\0"u8,
        SpansLost => "spans were lost: dropped, failed to export or rejected\0"u8,
        _ => "unknown status\0"u8,
    };
}
