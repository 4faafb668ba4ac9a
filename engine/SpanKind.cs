namespace Kt;

/// <summary>OpenTelemetry span kinds, numbered as the seed API and OTLP number them.</summary>
public enum SpanKind : byte
{
    /// <summary>Not specified.</summary>
    Unspecified = 0,

    /// <summary>An internal operation.</summary>
    Internal = 1,

    /// <summary>The server side of a request.</summary>
    Server = 2,

    /// <summary>The client side of a request.</summary>
    Client = 3,

    /// <summary>The sender of a message.</summary>
    Producer = 4,

    /// <summary>The receiver of a message.</summary>
    Consumer = 5,
}
