namespace Kt;

/// <summary>
/// Why trace-context headers were accepted or refused. One enum for every format and both
/// directions so callers can log a single code without allocating an exception.
/// </summary>
public enum PropagationStatus
{
    /// <summary>The header is valid, or the value was written.</summary>
    Ok = 0,

    /// <summary>
    /// The header is empty or only whitespace (or, for tracestate, only empty members): treat it
    /// as absent. From an extraction: no header of the format was present.
    /// </summary>
    Empty,

    /// <summary>The traceparent is shorter than 55 characters, or a version 00 header is not exactly 55.</summary>
    BadLength,

    /// <summary>The version is not two lower-case hex digits, or is the forbidden <c>ff</c>.</summary>
    BadVersion,

    /// <summary>
    /// The trace id is malformed: not 32 lower-case hex digits for W3C; for the other formats the
    /// wrong number of digits, a character outside its base, or a decimal above 2^64-1.
    /// </summary>
    BadTraceId,

    /// <summary>A span id (the caller's, or a parent span id a format carries) is malformed, as for <see cref="BadTraceId"/>.</summary>
    BadSpanId,

    /// <summary>The trace flags are not two lower-case hex digits (W3C), or Jaeger's flags not one or two hex digits.</summary>
    BadFlags,

    /// <summary>A separator is missing or misplaced, a field is empty or repeated, or a tracestate member has no <c>=</c>.</summary>
    BadFormat,

    /// <summary>The trace id is all zeros, which every format forbids.</summary>
    ZeroTraceId,

    /// <summary>A span id is all zeros, which every format forbids.</summary>
    ZeroSpanId,

    /// <summary>The tracestate has more than 32 non-empty members, counted over all its lines.</summary>
    TooManyMembers,

    /// <summary>A tracestate key breaks Level 2's grammar: a lower-case letter or a digit, then up to 255 of <c>a-z 0-9 _ - * / @</c>.</summary>
    BadKey,

    /// <summary>A tracestate value is empty, too long, or holds a character outside the allowed set.</summary>
    BadValue,

    /// <summary>
    /// A tracestate key appears more than once. Not returned since Trace Context Level 2: a repeated
    /// key no longer makes the list invalid, and <see cref="TracestateReader"/> keeps the first.
    /// </summary>
    DuplicateKey,

    /// <summary>The destination cannot hold the formatted header; nothing was written.</summary>
    BufferTooSmall,

    /// <summary>The context to format has a zero trace id or span id.</summary>
    InvalidContext,

    /// <summary>A header or field the format requires is absent (a span id without its trace id, an X-Ray header without <c>Root</c>).</summary>
    Missing,

    /// <summary>A sampling field (<c>X-B3-Sampled</c>, b3's third field, <c>Sampled=</c>, ...) holds a value its format does not define.</summary>
    BadSampling,

    /// <summary>The format is not a <see cref="PropagationFormat"/> kt knows.</summary>
    UnknownFormat,

    /// <summary>
    /// The header came on more than one line where its format allows one: several <c>traceparent</c>
    /// lines (that are not blank) name no parent that can be trusted, so a new trace starts.
    /// </summary>
    RepeatedHeader,
}
