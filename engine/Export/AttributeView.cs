using System.Runtime.CompilerServices;
using Kt.Store;

namespace Kt.Export;

/// <summary>One attribute read in place. Read the value with the getter that matches <see cref="Type"/>.</summary>
public readonly ref struct AttributeView
{
    private readonly SpanStore _store;
    private readonly AttributeEntry _entry;

    internal AttributeView(SpanStore store, in AttributeEntry entry)
    {
        _store = store;
        _entry = entry;
    }

    /// <summary>The key, UTF-8.</summary>
    public ReadOnlySpan<byte> Key => _store.Text(_entry.Key);

    /// <summary>The value's type.</summary>
    public AttributeType Type => _entry.Type;

    /// <summary>A string value, UTF-8.</summary>
    public ReadOnlySpan<byte> StringValue => _entry.Type == AttributeType.String
        ? _store.Arena.AsSpan((int)_entry.Value, _entry.Length)
        : default;

    /// <summary>An integer value.</summary>
    public long IntValue => _entry.Value;

    /// <summary>A float value.</summary>
    public double DoubleValue => BitConverter.Int64BitsToDouble(_entry.Value);

    /// <summary>A boolean value.</summary>
    public bool BoolValue => _entry.Value != 0;

    /// <summary>The number of elements of an array value.</summary>
    public int ArrayLength => _entry.Type >= AttributeType.StringArray ? _entry.Length : 0;

    /// <summary>Element <paramref name="index"/> of an integer array.</summary>
    public long IntAt(int index) => Unsafe.ReadUnaligned<long>(ref _store.Arena[(int)_entry.Value + Check(index) * 8]);

    /// <summary>Element <paramref name="index"/> of a float array.</summary>
    public double DoubleAt(int index) => Unsafe.ReadUnaligned<double>(ref _store.Arena[(int)_entry.Value + Check(index) * 8]);

    /// <summary>Element <paramref name="index"/> of a boolean array.</summary>
    public bool BoolAt(int index) => _store.Arena[(int)_entry.Value + Check(index)] != 0;

    /// <summary>Element <paramref name="index"/> of a string array, UTF-8.</summary>
    public ReadOnlySpan<byte> StringAt(int index)
    {
        Check(index);
        int offset = (int)_entry.Value;
        for (int i = 0; ; i++)
        {
            int length = Unsafe.ReadUnaligned<int>(ref _store.Arena[offset]);
            if (i == index)
                return _store.Arena.AsSpan(offset + 4, length);
            offset += 4 + length;
        }
    }

    /// <summary>The elements of an integer, float or boolean array as stored: 8 bytes each (aligned), or 1 for booleans.</summary>
    internal ReadOnlySpan<byte> ArrayBytes => _entry.Type switch
    {
        AttributeType.IntArray or AttributeType.DoubleArray => _store.Arena.AsSpan((int)_entry.Value, _entry.Length * 8),
        AttributeType.BoolArray => _store.Arena.AsSpan((int)_entry.Value, _entry.Length),
        _ => default,
    };

    private int Check(int index)
    {
        if ((uint)index >= (uint)ArrayLength)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the array has {ArrayLength} elements");
        return index;
    }
}
