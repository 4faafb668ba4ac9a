namespace Kt;

/// <summary>
/// The outcome of every span operation. Values match the C ABI's <c>KT_OK</c> and
/// <c>KT_E_*</c> codes; new codes are only ever appended.
/// </summary>
public enum KtStatus
{
    /// <summary>Done, or a no-op on a span that does not record (unsampled, or the no-op span).</summary>
    Ok = 0,

    /// <summary>The handle was valid once, but its span has finished or been released.</summary>
    StaleHandle = -1,

    /// <summary>The value was never a handle of this engine (forged, corrupted, or from another engine).</summary>
    InvalidHandle = -2,

    /// <summary>An argument is out of range or malformed (bad UTF-8, unknown kind or status code).</summary>
    InvalidArgument = -3,

    /// <summary>A configured limit was reached; the item was dropped and counted for export.</summary>
    LimitReached = -4,

    /// <summary>The engine is not initialised or has shut down.</summary>
    NotInitialized = -5,

    /// <summary>The destination buffer is too small.</summary>
    BufferTooSmall = -6,

    /// <summary>A flush or a shutdown ran out of time before the exporter was done.</summary>
    Timeout = -8,

    /// <summary>A flush or a shutdown was done, but spans were lost since the last one reported: dropped for a full queue, failed to export, or rejected by the receiver.</summary>
    SpansLost = -10,
}
