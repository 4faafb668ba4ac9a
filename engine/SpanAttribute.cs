namespace Kt;

/// <summary>
/// A key and a value to attach to a span, an event or a link. Made from string literals it
/// costs nothing; pass several as a collection expression (<c>[new("k", "v"), ...]</c>),
/// which the compiler keeps on the stack.
/// </summary>
public readonly struct SpanAttribute
{
    /// <summary>The attribute's key.</summary>
    public readonly string Key;

    /// <summary>The value's type.</summary>
    public readonly AttributeType Type;

    internal readonly long Bits;
    internal readonly object? Reference;

    private SpanAttribute(string key, AttributeType type, long bits, object? reference)
    {
        Key = key;
        Type = type;
        Bits = bits;
        Reference = reference;
    }

    /// <summary>A string value.</summary>
    public SpanAttribute(string key, string value) : this(key, AttributeType.String, 0, value) { }

    /// <summary>An integer value.</summary>
    public SpanAttribute(string key, long value) : this(key, AttributeType.Int, value, null) { }

    /// <summary>A float value.</summary>
    public SpanAttribute(string key, double value) : this(key, AttributeType.Double, BitConverter.DoubleToInt64Bits(value), null) { }

    /// <summary>A boolean value.</summary>
    public SpanAttribute(string key, bool value) : this(key, AttributeType.Bool, value ? 1 : 0, null) { }

    /// <summary>An array of strings.</summary>
    public SpanAttribute(string key, string[] value) : this(key, AttributeType.StringArray, 0, value) { }

    /// <summary>An array of integers.</summary>
    public SpanAttribute(string key, long[] value) : this(key, AttributeType.IntArray, 0, value) { }

    /// <summary>An array of floats.</summary>
    public SpanAttribute(string key, double[] value) : this(key, AttributeType.DoubleArray, 0, value) { }

    /// <summary>An array of booleans.</summary>
    public SpanAttribute(string key, bool[] value) : this(key, AttributeType.BoolArray, 0, value) { }

    internal Store.BoxedValue ToInput() => new(this);
}
