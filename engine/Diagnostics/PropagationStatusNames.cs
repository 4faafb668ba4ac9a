namespace Kt;

/// <summary>The names of <see cref="PropagationStatus"/> values in log lines and counters: <c>bad_trace_id</c>, <c>too_many_members</c>...</summary>
public static class PropagationStatusNames
{
    /// <summary>The status's name in snake case; null for a value that is not a <see cref="PropagationStatus"/>.</summary>
    public static string? NameOf(PropagationStatus status) => status switch
    {
        PropagationStatus.Ok => "ok",
        PropagationStatus.Empty => "empty",
        PropagationStatus.BadLength => "bad_length",
        PropagationStatus.BadVersion => "bad_version",
        PropagationStatus.BadTraceId => "bad_trace_id",
        PropagationStatus.BadSpanId => "bad_span_id",
        PropagationStatus.BadFlags => "bad_flags",
        PropagationStatus.BadFormat => "bad_format",
        PropagationStatus.ZeroTraceId => "zero_trace_id",
        PropagationStatus.ZeroSpanId => "zero_span_id",
        PropagationStatus.TooManyMembers => "too_many_members",
        PropagationStatus.BadKey => "bad_key",
        PropagationStatus.BadValue => "bad_value",
        PropagationStatus.DuplicateKey => "duplicate_key",
        PropagationStatus.BufferTooSmall => "buffer_too_small",
        PropagationStatus.InvalidContext => "invalid_context",
        PropagationStatus.Missing => "missing",
        PropagationStatus.BadSampling => "bad_sampling",
        PropagationStatus.UnknownFormat => "unknown_format",
        PropagationStatus.RepeatedHeader => "repeated_header",
        _ => null,
    };
}
