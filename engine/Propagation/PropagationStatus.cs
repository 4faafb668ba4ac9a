namespace Kt;

/// <summary>
/// Why a W3C header was accepted or refused. One enum for both headers and both
/// directions so callers can log a single code without allocating an exception.
/// </summary>
public enum PropagationStatus
{
    /// <summary>The header is valid, or the value was written.</summary>
    Ok = 0,

    /// <summary>The header is empty or only whitespace (or, for tracestate, only empty members): treat it as absent.</summary>
    Empty,

    /// <summary>The traceparent is shorter than 55 characters, or a version 00 header is not exactly 55.</summary>
    BadLength,

    /// <summary>The version is not two lower-case hex digits, or is the forbidden <c>ff</c>.</summary>
    BadVersion,

    /// <summary>The trace id is not 32 lower-case hex digits.</summary>
    BadTraceId,

    /// <summary>The parent (span) id is not 16 lower-case hex digits.</summary>
    BadSpanId,

    /// <summary>The trace flags are not two lower-case hex digits.</summary>
    BadFlags,

    /// <summary>A separator is missing or misplaced, or a tracestate member has no <c>=</c>.</summary>
    BadFormat,

    /// <summary>The trace id is all zeros, which W3C forbids.</summary>
    ZeroTraceId,

    /// <summary>The parent (span) id is all zeros, which W3C forbids.</summary>
    ZeroSpanId,

    /// <summary>The tracestate has more than 32 non-empty members.</summary>
    TooManyMembers,

    /// <summary>A tracestate key breaks the simple-key or multi-tenant-key grammar.</summary>
    BadKey,

    /// <summary>A tracestate value is empty, too long, or holds a character outside the allowed set.</summary>
    BadValue,

    /// <summary>A tracestate key appears more than once.</summary>
    DuplicateKey,

    /// <summary>The destination cannot hold the formatted header; nothing was written.</summary>
    BufferTooSmall,

    /// <summary>The context to format has a zero trace id or span id.</summary>
    InvalidContext,
}
