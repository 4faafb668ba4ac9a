using System.Runtime.InteropServices;

namespace Kt.Store;

/// <summary>A caller's attribute value, not yet copied: a scalar, text, raw array bytes, or strings.</summary>
internal readonly ref struct ValueInput
{
    public readonly AttributeType Type;
    public readonly long Bits;
    public readonly TextInput Text;
    public readonly ReadOnlySpan<byte> Raw;
    public readonly ReadOnlySpan<string> Strings;

    private ValueInput(AttributeType type, long bits, TextInput text, ReadOnlySpan<byte> raw, ReadOnlySpan<string> strings)
    {
        Type = type;
        Bits = bits;
        Text = text;
        Raw = raw;
        Strings = strings;
    }

    public static ValueInput Of(TextInput text) => new(AttributeType.String, 0, text, default, default);

    public static ValueInput Of(long value) => new(AttributeType.Int, value, default, default, default);

    public static ValueInput Of(double value) => new(AttributeType.Double, BitConverter.DoubleToInt64Bits(value), default, default, default);

    public static ValueInput Of(bool value) => new(AttributeType.Bool, value ? 1 : 0, default, default, default);

    public static ValueInput Of(ReadOnlySpan<long> values) =>
        new(AttributeType.IntArray, values.Length, default, MemoryMarshal.AsBytes(values), default);

    public static ValueInput Of(ReadOnlySpan<double> values) =>
        new(AttributeType.DoubleArray, values.Length, default, MemoryMarshal.AsBytes(values), default);

    public static ValueInput Of(ReadOnlySpan<bool> values) =>
        new(AttributeType.BoolArray, values.Length, default, MemoryMarshal.AsBytes(values), default);

    public static ValueInput Of(ReadOnlySpan<string> values) => new(AttributeType.StringArray, values.Length, default, default, values);
}
