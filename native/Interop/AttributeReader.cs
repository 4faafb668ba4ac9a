using System.Runtime.InteropServices;
using Kt.Store;

namespace Kt.Native.Interop;

/// <summary>Checks a kt_attribute from C and hands it to a target, naming what is wrong.</summary>
internal static unsafe class AttributeReader
{
    private const int MaxArray = 1 << 20;

    public static int Apply<TTarget>(in TTarget target, KtAttribute* attribute, ArgName name)
        where TTarget : IAttributeTarget
    {
        int status = Arguments.Text(attribute->Key.Ptr, attribute->Key.Len, name.Field("key"), out var key);
        if (status != Status.Ok)
            return status;
        var keyInput = new TextInput(key, validated: true);
        ref var value = ref attribute->Value;
        switch (attribute->Type)
        {
            case 1:
                status = Arguments.Text(value.String.Ptr, value.String.Len, name.Field("value.string"), out var text);
                return status != Status.Ok ? status : Arguments.From(target.Set(keyInput, new TextValue(new TextInput(text, validated: true))), name);
            case 2:
                return Arguments.From(target.Set(keyInput, ScalarValue.Of(value.Boolean != 0)), name);
            case 3:
                return Arguments.From(target.Set(keyInput, ScalarValue.Of(value.Integer)), name);
            case 4:
                return Arguments.From(target.Set(keyInput, ScalarValue.Of(value.Real)), name);
        }
        if (attribute->Type is < 5 or > 8)
            return LastError.Set(Status.InvalidArgument, $"{name.Field("type")}: {attribute->Type} is not a KT_ATTR_* type");
        if (value.Array.Count > MaxArray)
            return LastError.Set(Status.InvalidArgument, $"{name.Field("value.array.count")}: {value.Array.Count} is more than {MaxArray}");
        int count = (int)value.Array.Count;
        if (value.Array.Items == null && count > 0)
            return LastError.Set(Status.InvalidArgument, $"{name.Field("value.array.items")}: NULL pointer with count {count}");
        switch (attribute->Type)
        {
            case 5:
                var strings = (KtStr*)value.Array.Items;
                for (int i = 0; i < count; i++)
                {
                    status = Arguments.Text(strings[i].Ptr, strings[i].Len, name.Field("value.array.items"), out _);
                    if (status != Status.Ok)
                        return status;
                }
                return Arguments.From(target.Set(keyInput, new Utf8StringArrayValue(strings, count)), name);
            case 6:
                return Arguments.From(target.Set(keyInput, RawArrayValue.Of(MemoryMarshal.Cast<byte, bool>(new ReadOnlySpan<byte>(value.Array.Items, count)))), name);
            case 7:
                return Arguments.From(target.Set(keyInput, RawArrayValue.Of(new ReadOnlySpan<long>(value.Array.Items, count))), name);
            default:
                return Arguments.From(target.Set(keyInput, RawArrayValue.Of(new ReadOnlySpan<double>(value.Array.Items, count))), name);
        }
    }

    /// <summary>Applies count attributes; the first failure's status, after trying them all.</summary>
    public static int ApplyAll<TTarget>(in TTarget target, KtAttribute* attributes, nuint count, string name)
        where TTarget : IAttributeTarget
    {
        if (count > MaxArray)
            return LastError.Set(Status.InvalidArgument, $"{name}: count {count} is more than {MaxArray}");
        if (attributes == null)
            return count == 0 ? Status.Ok : LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer with count {count}");
        int first = Status.Ok;
        for (nuint i = 0; i < count; i++)
        {
            int status = Apply(target, attributes + i, new ArgName(name, (long)i));
            if (first == Status.Ok)
                first = status;
        }
        return first;
    }
}
