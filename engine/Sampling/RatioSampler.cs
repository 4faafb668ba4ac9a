namespace Kt.Sampling;

/// <summary>
/// Samples a root span by comparing the trace id's rightmost 56 bits (random under W3C
/// Level 2) with a threshold, as OpenTelemetry's consistent probability sampling does:
/// every process decides the same for the same trace, and a lower rate samples a subset
/// of what a higher rate samples.
/// </summary>
public readonly struct RatioSampler
{
    private const ulong RandomnessMask = (1UL << 56) - 1;
    private const double RandomnessRange = 72057594037927936.0; // 2^56

    private readonly ulong _threshold;

    /// <summary>Creates a sampler keeping <paramref name="rate"/> of traces, 0 to 1.</summary>
    public RatioSampler(double rate)
    {
        if (!(rate >= 0 && rate <= 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "sampling_rate must be between 0 and 1");
        Rate = rate;
        _threshold = rate >= 1 ? 0 : (ulong)Math.Ceiling((1 - rate) * RandomnessRange);
    }

    /// <summary>The fraction of traces kept.</summary>
    public double Rate { get; }

    /// <summary>True when the trace is kept.</summary>
    public bool ShouldSample(TraceId traceId) => (traceId.Low & RandomnessMask) >= _threshold;
}
