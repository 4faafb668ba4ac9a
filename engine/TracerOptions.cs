namespace Kt;

/// <summary>The seed's <c>tracing.new(name, options)</c> options.</summary>
public sealed record TracerOptions
{
    /// <summary>The fraction of new traces recorded (<c>sampling_rate</c>), 0 to 1.</summary>
    public double SamplingRate { get; init; } = 1.0;

    /// <summary>The key under which the tracer's active span is kept in a context; the tracer's name when null.</summary>
    public string? Namespace { get; init; }
}
