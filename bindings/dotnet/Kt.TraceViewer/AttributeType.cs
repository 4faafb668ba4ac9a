namespace Kt.TraceViewer;

/// <summary>What an OTLP <c>AnyValue</c> held.</summary>
internal enum AttributeType
{
    Empty,
    String,
    Bool,
    Int,
    Double,
    Bytes,
    Array,
    KeyValueList,
    /// <summary>A value the reader could not make sense of; <see cref="AttributeValue.Value"/> is its JSON text.</summary>
    Invalid,
}
