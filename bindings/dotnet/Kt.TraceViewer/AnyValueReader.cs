using System.Text.Json;

namespace Kt.TraceViewer;

/// <summary>
/// Reads OTLP attributes: a list of <c>{"key", "value"}</c> whose value is an <c>AnyValue</c>
/// object with one of <c>stringValue</c>, <c>boolValue</c>, <c>intValue</c>, <c>doubleValue</c>,
/// <c>bytesValue</c>, <c>arrayValue</c>, <c>kvlistValue</c>, or none (an empty value).
/// </summary>
internal static class AnyValueReader
{
    /// <summary>The attributes of <paramref name="list"/>; each one that is malformed is reported through <paramref name="problem"/> and kept as <see cref="AttributeType.Invalid"/> when it has a key.</summary>
    public static IReadOnlyList<KeyValue> Attributes(JsonElement list, string where, Action<string> problem)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            problem($"{where} is {OtlpJson.Describe(list)}, not an array");
            return [];
        }
        var result = new List<KeyValue>(list.GetArrayLength());
        int i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (!OtlpJson.TryField(item, "key", out var key) || key.ValueKind != JsonValueKind.String)
            {
                problem($"{where}[{i}] has no string key");
            }
            else
            {
                var name = key.GetString()!;
                var value = OtlpJson.TryField(item, "value", out var v) ? Value(v, out var wrong) : Empty(out wrong);
                if (wrong is not null)
                    problem($"{where} \"{name}\": {wrong}");
                result.Add(new KeyValue(name, value));
            }
            i++;
        }
        return result;
    }

    /// <summary>One <c>AnyValue</c>; an invalid one comes back as <see cref="AttributeType.Invalid"/> with its JSON text and the reason in <paramref name="problem"/>.</summary>
    public static AttributeValue Value(JsonElement value, out string? problem)
    {
        problem = null;
        if (value.ValueKind != JsonValueKind.Object)
            return Invalid(value, $"the value is {OtlpJson.Describe(value)}, not an AnyValue object", out problem);
        foreach (var field in value.EnumerateObject())
        {
            var v = field.Value;
            switch (field.Name)
            {
                case "stringValue" or "string_value":
                    return v.ValueKind == JsonValueKind.String
                        ? new AttributeValue(AttributeType.String, v.GetString()!)
                        : Invalid(v, $"stringValue {OtlpJson.Describe(v)} is not a string", out problem);
                case "boolValue" or "bool_value":
                    return v.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? new AttributeValue(AttributeType.Bool, v.GetBoolean())
                        : Invalid(v, $"boolValue {OtlpJson.Describe(v)} is not true or false", out problem);
                case "intValue" or "int_value":
                    return OtlpJson.TryInt64(v, out long integer)
                        ? new AttributeValue(AttributeType.Int, integer)
                        : Invalid(v, $"intValue {OtlpJson.Describe(v)} is not a 64-bit integer", out problem);
                case "doubleValue" or "double_value":
                    return OtlpJson.TryDouble(v, out double number)
                        ? new AttributeValue(AttributeType.Double, number)
                        : Invalid(v, $"doubleValue {OtlpJson.Describe(v)} is not a number", out problem);
                case "bytesValue" or "bytes_value":
                    return v.ValueKind == JsonValueKind.String && TryBase64(v.GetString()!, out var bytes)
                        ? new AttributeValue(AttributeType.Bytes, bytes)
                        : Invalid(v, $"bytesValue {OtlpJson.Describe(v)} is not base64", out problem);
                case "arrayValue" or "array_value":
                    return Array(v, out problem);
                case "kvlistValue" or "kvlist_value":
                    return KeyValueList(v, out problem);
                default:
                    if (v.ValueKind != JsonValueKind.Null)
                        return Invalid(value, $"\"{field.Name}\" is not a kind of AnyValue", out problem);
                    break;
            }
        }
        return AttributeValue.Empty;
    }

    private static AttributeValue Array(JsonElement array, out string? problem)
    {
        problem = null;
        if (!OtlpJson.TryField(array, "values", out var values))
            return new AttributeValue(AttributeType.Array, System.Array.Empty<AttributeValue>());
        if (values.ValueKind != JsonValueKind.Array)
            return Invalid(array, $"arrayValue.values is {OtlpJson.Describe(values)}, not an array", out problem);
        var items = new List<AttributeValue>(values.GetArrayLength());
        foreach (var item in values.EnumerateArray())
        {
            items.Add(Value(item, out var wrong));
            problem ??= wrong is null ? null : $"in arrayValue: {wrong}";
        }
        return new AttributeValue(AttributeType.Array, items);
    }

    private static AttributeValue KeyValueList(JsonElement list, out string? problem)
    {
        problem = null;
        if (!OtlpJson.TryField(list, "values", out var values))
            return new AttributeValue(AttributeType.KeyValueList, System.Array.Empty<KeyValue>());
        string? first = null;
        var pairs = Attributes(values, "kvlistValue.values", wrong => first ??= wrong);
        problem = first;
        return new AttributeValue(AttributeType.KeyValueList, pairs);
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(text, bytes, out int written))
            return false;
        System.Array.Resize(ref bytes, written);
        return true;
    }

    private static AttributeValue Empty(out string? problem)
    {
        problem = null;
        return AttributeValue.Empty;
    }

    private static AttributeValue Invalid(JsonElement value, string reason, out string? problem)
    {
        problem = reason;
        var text = value.GetRawText();
        return new AttributeValue(AttributeType.Invalid, text.Length <= 200 ? text : text[..200] + "…");
    }
}
