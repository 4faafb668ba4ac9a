namespace Kt;

/// <summary>Span status codes, numbered as the seed API and OTLP number them.</summary>
public enum StatusCode : byte
{
    /// <summary>The default: nothing said.</summary>
    Unset = 0,

    /// <summary>Explicitly successful; final once set.</summary>
    Ok = 1,

    /// <summary>The operation failed.</summary>
    Error = 2,
}
