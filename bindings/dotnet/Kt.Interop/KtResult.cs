namespace Kt.Interop;

/// <summary>The status codes of kt.h (<c>KT_OK</c> and <c>KT_E_*</c>), value for value.</summary>
public enum KtResult
{
    /// <summary><c>KT_OK</c>: success.</summary>
    Ok = 0,

    /// <summary><c>KT_E_STALE</c>: the span has finished or was released (or the context has ended).</summary>
    Stale = -1,

    /// <summary><c>KT_E_INVALID_HANDLE</c>: not a handle of this engine.</summary>
    InvalidHandle = -2,

    /// <summary><c>KT_E_INVALID_ARGUMENT</c>: an argument is out of range or malformed; <see cref="KtNative.LastError"/> names it.</summary>
    InvalidArgument = -3,

    /// <summary><c>KT_E_LIMIT</c>: a limit was reached; the item was dropped and counted.</summary>
    Limit = -4,

    /// <summary><c>KT_E_NOT_INITIALIZED</c>: the engine is not initialised, or has shut down.</summary>
    NotInitialized = -5,

    /// <summary><c>KT_E_BUFFER_TOO_SMALL</c>: the destination buffer is too small.</summary>
    BufferTooSmall = -6,

    /// <summary><c>KT_E_ALREADY_INITIALIZED</c>: the engine is already initialised.</summary>
    AlreadyInitialized = -7,

    /// <summary><c>KT_E_TIMEOUT</c>: the time limit passed first.</summary>
    Timeout = -8,

    /// <summary><c>KT_E_INTERNAL</c>: an internal error; <see cref="KtNative.LastError"/> says which.</summary>
    Internal = -9,

    /// <summary>
    /// <c>KT_E_SPANS_LOST</c>: a flush or a shutdown was done, but spans were lost since the last one
    /// that reported (dropped, failed to export or rejected); <see cref="KtNative.LastError"/> says how many.
    /// </summary>
    SpansLost = -10,
}

/// <summary>Span kinds (<c>KT_KIND_*</c>), numbered as OpenTelemetry numbers them.</summary>
public enum NativeSpanKind
{
    /// <summary><c>KT_KIND_UNSPECIFIED</c>.</summary>
    Unspecified = 0,

    /// <summary><c>KT_KIND_INTERNAL</c>: an internal operation.</summary>
    Internal = 1,

    /// <summary><c>KT_KIND_SERVER</c>: the server side of a request.</summary>
    Server = 2,

    /// <summary><c>KT_KIND_CLIENT</c>: the client side of a request.</summary>
    Client = 3,

    /// <summary><c>KT_KIND_PRODUCER</c>: the sender of a message.</summary>
    Producer = 4,

    /// <summary><c>KT_KIND_CONSUMER</c>: the receiver of a message.</summary>
    Consumer = 5,
}

/// <summary>A span's status (<c>KT_STATUS_*</c>).</summary>
public enum NativeStatusCode
{
    /// <summary><c>KT_STATUS_UNSET</c>: nothing said; setting it is ignored.</summary>
    Unset = 0,

    /// <summary><c>KT_STATUS_OK</c>: explicitly successful; final once set.</summary>
    Ok = 1,

    /// <summary><c>KT_STATUS_ERROR</c>: the operation failed; the message is kept.</summary>
    Error = 2,
}
