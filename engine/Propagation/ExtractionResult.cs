namespace Kt;

/// <summary>
/// The outcome of <see cref="TraceContext.Extract{THeaders}(ReadOnlySpan{PropagationFormat}, in THeaders)"/>:
/// which format decided, whether its headers were valid, and if not, which header was at fault.
/// </summary>
public readonly struct ExtractionResult
{
    /// <summary>Describes an extraction's outcome.</summary>
    public ExtractionResult(PropagationFormat format, PropagationStatus status, string? header)
    {
        Format = format;
        Status = status;
        Header = header;
    }

    /// <summary>The first format tried whose headers were present; <see cref="PropagationFormat.None"/> when none were (a new trace starts).</summary>
    public PropagationFormat Format { get; }

    /// <summary>
    /// <see cref="PropagationStatus.Ok"/> when the format's headers were valid;
    /// <see cref="PropagationStatus.Empty"/> when no format's headers were present; else why they
    /// were refused (the context then has no parent).
    /// </summary>
    public PropagationStatus Status { get; }

    /// <summary>The lower-case name of the malformed header (one of <see cref="HeaderNames"/>); null unless refused.</summary>
    public string? Header { get; }

    /// <inheritdoc/>
    public override string ToString() => Header is null ? $"{Format}: {Status}" : $"{Format}: {Status} in {Header}";
}
