using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kt.Store;

namespace Kt.Native.Interop;

/// <summary>
/// kt_attribute values from C: every one is checked before any is applied, so a bad one
/// changes nothing and is named, whether or not the span records.
/// </summary>
internal static unsafe class AttributeReader
{
    private const int MaxArray = 1 << 20;

    /// <summary>kt.h's KT_ATTR_REGISTERED_KEY: the key is the kt_key in key.len.</summary>
    public const int RegisteredKey = 0x100;

    /// <summary>
    /// Checks count attributes; the status of the first bad one, named. <paramref name="validated"/>
    /// is false when some text was accepted for the store to repair (invalid UTF-8, when the
    /// engine repairs text): then the store checks all of it again, else none of it.
    /// </summary>
    public static int ValidateAll(KtAttribute* attributes, nuint count, string name, out bool validated)
    {
        validated = true;
        if (count > MaxArray)
            return LastError.Set(Status.InvalidArgument, $"{name}: count {count} is more than {MaxArray}");
        if (attributes == null)
            return count == 0 ? Status.Ok : LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer with count {count}");
        for (nuint i = 0; i < count; i++)
        {
            int status = Validate(attributes + i, name, out bool checkedText, (long)i);
            if (status != Status.Ok)
                return status;
            validated &= checkedText;
        }
        return Status.Ok;
    }

    /// <summary>
    /// Checks one attribute's key, type and value; a failure names it as
    /// <paramref name="name"/>, with its <paramref name="index"/> when one is given.
    /// <paramref name="validated"/> is false when some of its text was accepted for repair.
    /// </summary>
    public static int Validate(KtAttribute* attribute, string name, out bool validated, long index = -1)
    {
        TextProblem problem;
        validated = true;
        ref var key = ref attribute->Key;
        if ((attribute->Type & RegisteredKey) == 0)
        {
            problem = Arguments.CheckKey(key.Ptr, key.Len, out validated);
            if (problem != TextProblem.None)
                return Arguments.Refuse(problem, new ArgName(name, index).Field("key"), key.Ptr, key.Len);
        }
        else if (key.Len - 1 >= (nuint)NativeRuntime.KeyCount)
        {
            return UnknownKey(key.Len, new ArgName(name, index));
        }
        ref var value = ref attribute->Value;
        switch (attribute->Type & ~RegisteredKey)
        {
            case 1:
                problem = Arguments.CheckSpanText(value.String.Ptr, value.String.Len, out bool valueValidated);
                validated &= valueValidated;
                return problem == TextProblem.None
                    ? Status.Ok
                    : Arguments.Refuse(problem, new ArgName(name, index).Field("value.string"), value.String.Ptr, value.String.Len);
            case 2 or 3 or 4:
                return Status.Ok;
            case >= 5 and <= 8:
                return ValidateArray(attribute, new ArgName(name, index), ref validated);
            default:
                return BadType(attribute->Type, new ArgName(name, index));
        }
    }

    // Arrays and failures out of line, so the check of a string or a number, the calls of
    // every request, sets up none of their temporaries.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ValidateArray(KtAttribute* attribute, ArgName name, ref bool validated)
    {
        ref var value = ref attribute->Value;
        if (value.Array.Count > MaxArray)
            return LastError.Set(Status.InvalidArgument, $"{name.Field("value.array.count")}: {value.Array.Count} is more than {MaxArray}");
        if (value.Array.Items == null && value.Array.Count > 0)
            return LastError.Set(Status.InvalidArgument, $"{name.Field("value.array.items")}: NULL pointer with count {value.Array.Count}");
        if ((attribute->Type & ~RegisteredKey) == 5)
        {
            var strings = (KtStr*)value.Array.Items;
            for (int i = 0; i < (int)value.Array.Count; i++)
            {
                var problem = Arguments.CheckSpanText(strings[i].Ptr, strings[i].Len, out bool itemValidated);
                if (problem != TextProblem.None)
                    return Arguments.Refuse(problem, name.Field("value.array.items"), strings[i].Ptr, strings[i].Len);
                validated &= itemValidated;
            }
        }
        return Status.Ok;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int UnknownKey(nuint key, ArgName name) =>
        LastError.Set(Status.InvalidArgument, $"{name.Field("key.len")}: {key} is not a kt_key that kt_key_register gave (the type has KT_ATTR_REGISTERED_KEY)");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int BadType(int type, ArgName name) =>
        LastError.Set(Status.InvalidArgument, $"{name.Field("type")}: {type} is not a KT_ATTR_* type");

    /// <summary>
    /// Applies count attributes that <see cref="ValidateAll"/> accepted, with the
    /// <paramref name="validated"/> it gave. A limit reached is counted by the engine; it is the
    /// call's status only when <paramref name="limitIsStatus"/>.
    /// </summary>
    public static int ApplyAll<TTarget>(in TTarget target, KtAttribute* attributes, nuint count, string name, bool validated,
        bool limitIsStatus = false)
        where TTarget : IAttributeTarget
    {
        int first = Status.Ok;
        for (nuint i = 0; i < count; i++)
        {
            var status = Apply(target, attributes + i, validated);
            if (status != KtStatus.Ok && (limitIsStatus || status != KtStatus.LimitReached) && first == Status.Ok)
                first = Arguments.From(status, new ArgName(name, (long)i));
        }
        return first;
    }

    /// <summary>
    /// Applies one attribute that <see cref="Validate"/> accepted, with the
    /// <paramref name="validated"/> it gave: text accepted for repair is checked and repaired by the store.
    /// </summary>
    public static KtStatus Apply<TTarget>(in TTarget target, KtAttribute* attribute, bool validated)
        where TTarget : IAttributeTarget
    {
        var key = KeyOf(target, attribute, validated);
        ref var value = ref attribute->Value;
        return (attribute->Type & ~RegisteredKey) switch
        {
            1 => target.Set(key, new TextValue(new TextInput(new ReadOnlySpan<byte>(value.String.Ptr, (int)value.String.Len), validated))),
            2 => target.Set(key, ScalarValue.Of(value.Boolean != 0)),
            3 => target.Set(key, ScalarValue.Of(value.Integer)),
            4 => target.Set(key, ScalarValue.Of(value.Real)),
            _ => ApplyArray(target, attribute, validated),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TextInput KeyOf<TTarget>(in TTarget target, KtAttribute* attribute, bool validated)
        where TTarget : IAttributeTarget =>
        (attribute->Type & RegisteredKey) == 0
            ? new TextInput(new ReadOnlySpan<byte>(attribute->Key.Ptr, (int)attribute->Key.Len), validated)
            : target.Keys.Get((int)attribute->Key.Len);

    // Out of line, so that a string's or a number's call sets up none of an array's temporaries.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static KtStatus ApplyArray<TTarget>(in TTarget target, KtAttribute* attribute, bool validated)
        where TTarget : IAttributeTarget
    {
        var key = KeyOf(target, attribute, validated);
        ref var value = ref attribute->Value;
        int count = (int)value.Array.Count;
        return (attribute->Type & ~RegisteredKey) switch
        {
            5 => target.Set(key, new Utf8StringArrayValue((KtStr*)value.Array.Items, count, validated)),
            6 => target.Set(key, RawArrayValue.Of(MemoryMarshal.Cast<byte, bool>(new ReadOnlySpan<byte>(value.Array.Items, count)))),
            7 => target.Set(key, RawArrayValue.Of(new ReadOnlySpan<long>(value.Array.Items, count))),
            _ => target.Set(key, RawArrayValue.Of(new ReadOnlySpan<double>(value.Array.Items, count))),
        };
    }
}
