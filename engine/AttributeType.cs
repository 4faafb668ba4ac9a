namespace Kt;

/// <summary>The type of an attribute's value, as OTLP's AnyValue distinguishes them.</summary>
public enum AttributeType : byte
{
    /// <summary>No value.</summary>
    None = 0,

    /// <summary>A UTF-8 string.</summary>
    String = 1,

    /// <summary>A boolean.</summary>
    Bool = 2,

    /// <summary>A 64-bit signed integer.</summary>
    Int = 3,

    /// <summary>A 64-bit float.</summary>
    Double = 4,

    /// <summary>An array of strings.</summary>
    StringArray = 5,

    /// <summary>An array of booleans.</summary>
    BoolArray = 6,

    /// <summary>An array of 64-bit integers.</summary>
    IntArray = 7,

    /// <summary>An array of 64-bit floats.</summary>
    DoubleArray = 8,
}
