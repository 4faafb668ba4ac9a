using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kt.Store;

/// <summary>
/// A caller's attribute value, not yet copied. Each kind is its own struct so the store's
/// generic setter is compiled once per kind, with no type switch and no large argument copies.
/// </summary>
internal interface IAttributeValue
{
    KtStatus WriteTo(SpanStore store, int slot, ref SpanSlot s, ref AttributeEntry entry);
}

/// <summary>An integer, float or boolean, already in its 64-bit form.</summary>
internal readonly struct ScalarValue(AttributeType type, long bits) : IAttributeValue
{
    public static ScalarValue Of(long value) => new(AttributeType.Int, value);

    public static ScalarValue Of(double value) => new(AttributeType.Double, BitConverter.DoubleToInt64Bits(value));

    public static ScalarValue Of(bool value) => new(AttributeType.Bool, value ? 1 : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KtStatus WriteTo(SpanStore store, int slot, ref SpanSlot s, ref AttributeEntry entry)
    {
        entry.Type = type;
        entry.Value = bits;
        return KtStatus.Ok;
    }
}

/// <summary>A string, cut to the value length limit.</summary>
internal readonly ref struct TextValue(TextInput text) : IAttributeValue
{
    private readonly TextInput _text = text;

    public KtStatus WriteTo(SpanStore store, int slot, ref SpanSlot s, ref AttributeEntry entry)
    {
        var status = store.AppendText(slot, ref s, _text, store.ValueLengthLimit, out var stored);
        entry.Type = AttributeType.String;
        entry.Value = stored.Offset;
        entry.Length = stored.Length;
        return status;
    }
}

/// <summary>An array of fixed-size elements (integers, floats, booleans), copied as bytes.</summary>
internal readonly ref struct RawArrayValue : IAttributeValue
{
    private readonly AttributeType _type;
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _count;

    private RawArrayValue(AttributeType type, ReadOnlySpan<byte> bytes, int count)
    {
        _type = type;
        _bytes = bytes;
        _count = count;
    }

    public static RawArrayValue Of(ReadOnlySpan<long> values) => new(AttributeType.IntArray, MemoryMarshal.AsBytes(values), values.Length);

    public static RawArrayValue Of(ReadOnlySpan<double> values) => new(AttributeType.DoubleArray, MemoryMarshal.AsBytes(values), values.Length);

    public static RawArrayValue Of(ReadOnlySpan<bool> values) => new(AttributeType.BoolArray, MemoryMarshal.AsBytes(values), values.Length);

    public KtStatus WriteTo(SpanStore store, int slot, ref SpanSlot s, ref AttributeEntry entry)
    {
        // 8-byte elements start on an 8-byte boundary, so a reader may point at them as an array.
        if (_type != AttributeType.BoolArray)
        {
            int padding = -(store.TextStart(slot) + s.ArenaUsed) & 7;
            if (padding > store.BytesPerSpan - s.ArenaUsed)
                return KtStatus.LimitReached;
            s.ArenaUsed += padding;
        }
        if (!store.AppendBytes(slot, ref s, _bytes, out var raw))
            return KtStatus.LimitReached;
        entry.Type = _type;
        entry.Value = raw.Offset;
        entry.Length = _count;
        return KtStatus.Ok;
    }
}

/// <summary>An array of strings: each element a 4-byte length and its UTF-8 bytes.</summary>
internal readonly ref struct StringArrayValue(ReadOnlySpan<string> strings) : IAttributeValue
{
    private readonly ReadOnlySpan<string> _strings = strings;

    public KtStatus WriteTo(SpanStore store, int slot, ref SpanSlot s, ref AttributeEntry entry)
    {
        entry.Type = AttributeType.StringArray;
        entry.Value = store.TextStart(slot) + s.ArenaUsed;
        entry.Length = _strings.Length;
        Span<byte> length = stackalloc byte[4];
        foreach (var item in _strings)
        {
            if (!store.AppendBytes(slot, ref s, length, out var lengthRef))
                return KtStatus.LimitReached;
            var status = store.AppendText(slot, ref s, new TextInput((item ?? string.Empty).AsSpan()), store.ValueLengthLimit, out var text);
            if (status != KtStatus.Ok)
                return status;
            Unsafe.WriteUnaligned(ref store.Arena[lengthRef.Offset], text.Length);
        }
        return KtStatus.Ok;
    }
}

/// <summary>A <see cref="SpanAttribute"/>'s value, whatever its type.</summary>
internal readonly struct BoxedValue(SpanAttribute attribute) : IAttributeValue
{
    public KtStatus WriteTo(SpanStore store, int slot, ref SpanSlot s, ref AttributeEntry entry) => attribute.Type switch
    {
        AttributeType.String => new TextValue(new TextInput(((string?)attribute.Reference ?? string.Empty).AsSpan())).WriteTo(store, slot, ref s, ref entry),
        AttributeType.Int or AttributeType.Double or AttributeType.Bool => new ScalarValue(attribute.Type, attribute.Bits).WriteTo(store, slot, ref s, ref entry),
        AttributeType.StringArray => new StringArrayValue((string[]?)attribute.Reference).WriteTo(store, slot, ref s, ref entry),
        AttributeType.IntArray => RawArrayValue.Of((long[]?)attribute.Reference).WriteTo(store, slot, ref s, ref entry),
        AttributeType.DoubleArray => RawArrayValue.Of((double[]?)attribute.Reference).WriteTo(store, slot, ref s, ref entry),
        AttributeType.BoolArray => RawArrayValue.Of((bool[]?)attribute.Reference).WriteTo(store, slot, ref s, ref entry),
        _ => KtStatus.InvalidArgument,
    };
}
