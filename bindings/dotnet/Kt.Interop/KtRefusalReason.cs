namespace Kt.Interop;

/// <summary>Why trace-context headers were refused: kt.h's <c>KT_REASON_*</c>.</summary>
public enum KtRefusalReason
{
    /// <summary>Any reason, where a count is asked for.</summary>
    Any = 0,

    /// <summary>A traceparent of the wrong length.</summary>
    BadLength = 2,

    /// <summary>A traceparent version that is not hex, or ff.</summary>
    BadVersion = 3,

    /// <summary>A trace id of the wrong length or alphabet, or too large.</summary>
    BadTraceId = 4,

    /// <summary>A span id of the wrong length or alphabet, or too large.</summary>
    BadSpanId = 5,

    /// <summary>Flags that are not hex.</summary>
    BadFlags = 6,

    /// <summary>A separator missing or misplaced, a field empty or repeated.</summary>
    BadFormat = 7,

    /// <summary>An all-zero trace id.</summary>
    ZeroTraceId = 8,

    /// <summary>An all-zero span id.</summary>
    ZeroSpanId = 9,

    /// <summary>A tracestate of more than 32 members.</summary>
    TooManyMembers = 10,

    /// <summary>A tracestate key outside the grammar.</summary>
    BadKey = 11,

    /// <summary>A tracestate value empty, too long or outside the grammar.</summary>
    BadValue = 12,

    /// <summary>A tracestate key given twice.</summary>
    DuplicateKey = 13,

    /// <summary>A header the format requires is absent.</summary>
    Missing = 16,

    /// <summary>A sampling field with a value its format does not define.</summary>
    BadSampling = 17,

    /// <summary>A header sent on several lines that must come on one (traceparent).</summary>
    RepeatedHeader = 19,
}
