namespace Kt;

/// <summary>
/// What identifies a span across processes: ids and flags. The tracestate travels
/// separately, in the TraceContext that received it, so this stays a small value.
/// </summary>
public readonly struct SpanContext : IEquatable<SpanContext>
{
    /// <summary>The trace the span belongs to.</summary>
    public readonly TraceId TraceId;

    /// <summary>The span itself.</summary>
    public readonly SpanId SpanId;

    /// <summary>The W3C trace flags.</summary>
    public readonly TraceFlags Flags;

    /// <summary>True when the context came from another process (extracted from a header).</summary>
    public readonly bool IsRemote;

    /// <summary>Builds a span context.</summary>
    public SpanContext(TraceId traceId, SpanId spanId, TraceFlags flags, bool isRemote = false)
    {
        TraceId = traceId;
        SpanId = spanId;
        Flags = flags;
        IsRemote = isRemote;
    }

    /// <summary>Both ids are non-zero.</summary>
    public bool IsValid => TraceId.IsValid && SpanId.IsValid;

    /// <summary>The sampled flag is set.</summary>
    public bool IsSampled => (Flags & TraceFlags.Sampled) != 0;

    /// <inheritdoc/>
    public bool Equals(SpanContext other) =>
        TraceId == other.TraceId && SpanId == other.SpanId && Flags == other.Flags && IsRemote == other.IsRemote;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SpanContext other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TraceId, SpanId, Flags, IsRemote);

    /// <summary>Equality.</summary>
    public static bool operator ==(SpanContext left, SpanContext right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SpanContext left, SpanContext right) => !left.Equals(right);
}
