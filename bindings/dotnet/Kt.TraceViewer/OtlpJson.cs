using System.Globalization;
using System.Text.Json;

namespace Kt.TraceViewer;

/// <summary>
/// The scalar pieces of OTLP JSON, read leniently where writers differ: field names in
/// lowerCamelCase or as the schema spells them, 64-bit integers as strings or numbers, enums as
/// numbers or names, ids as hex (OTLP JSON) or base64 (the plain protobuf JSON mapping).
/// </summary>
internal static class OtlpJson
{
    /// <summary>The field by either name; false when absent or null.</summary>
    public static bool TryField(JsonElement obj, string camel, string snake, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object
            && (obj.TryGetProperty(camel, out value) || (snake != camel && obj.TryGetProperty(snake, out value)))
            && value.ValueKind != JsonValueKind.Null)
            return true;
        value = default;
        return false;
    }

    public static bool TryField(JsonElement obj, string name, out JsonElement value) => TryField(obj, name, name, out value);

    /// <summary>A trace id (16 bytes) or span id (8 bytes) as lower-case hex; null and a reason when it is not one.</summary>
    public static string? Id(JsonElement value, int bytes, out string? problem)
    {
        problem = null;
        if (value.ValueKind != JsonValueKind.String)
        {
            problem = $"is {Describe(value)}, not a string of {bytes * 2} hex digits";
            return null;
        }
        var text = value.GetString()!;
        string? hex = null;
        if (text.Length == bytes * 2 && text.All(char.IsAsciiHexDigit))
            hex = text.ToLowerInvariant();
        else if (text.Length == (bytes + 2) / 3 * 4)
        {
            var decoded = new byte[bytes + 2];
            if (Convert.TryFromBase64String(text, decoded, out int written) && written == bytes)
                hex = Convert.ToHexStringLower(decoded.AsSpan(0, bytes));
        }
        if (hex is null)
            problem = $"{Describe(value)} is not {bytes * 2} hex digits";
        else if (hex.All(c => c == '0'))
            problem = "is all zeros, which no span may have";
        return problem is null ? hex : null;
    }

    /// <summary>An unsigned 64-bit integer, as a decimal string or a JSON number.</summary>
    public static bool TryUInt64(JsonElement value, out ulong result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.String => ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out result),
            JsonValueKind.Number => value.TryGetUInt64(out result),
            _ => false,
        };
    }

    /// <summary>A signed 64-bit integer, as a decimal string or a JSON number.</summary>
    public static bool TryInt64(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result),
            JsonValueKind.Number => value.TryGetInt64(out result),
            _ => false,
        };
    }

    /// <summary>An unsigned 32-bit integer (flags, dropped counts), as a JSON number or a decimal string.</summary>
    public static bool TryUInt32(JsonElement value, out uint result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.String => uint.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out result),
            JsonValueKind.Number => value.TryGetUInt32(out result),
            _ => false,
        };
    }

    /// <summary>An enum value given as its number or its name (names[i] is value i).</summary>
    public static bool TryEnum(JsonElement value, string[] names, out int result)
    {
        result = 0;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out int number) && number >= 0 && number < names.Length)
            {
                result = number;
                return true;
            }
            return false;
        }
        int index = value.ValueKind == JsonValueKind.String ? Array.IndexOf(names, value.GetString()) : -1;
        if (index < 0)
            return false;
        result = index;
        return true;
    }

    /// <summary>A double as JSON writes it, or as the protobuf JSON mapping writes what JSON cannot (NaN, Infinity, -Infinity).</summary>
    public static bool TryDouble(JsonElement value, out double result)
    {
        result = 0;
        if (value.ValueKind == JsonValueKind.Number)
            return value.TryGetDouble(out result);
        if (value.ValueKind != JsonValueKind.String)
            return false;
        switch (value.GetString())
        {
            case "NaN": result = double.NaN; return true;
            case "Infinity": result = double.PositiveInfinity; return true;
            case "-Infinity": result = double.NegativeInfinity; return true;
            case var text: return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out result) && double.IsFinite(result);
        }
    }

    /// <summary>A short description of a JSON value for a message: a string quoted, cut after 40 characters.</summary>
    public static string Describe(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object: return "an object";
            case JsonValueKind.Array: return "an array";
            case JsonValueKind.Undefined: return "missing";
        }
        var text = value.GetRawText();
        return text.Length <= 42 ? text : text[..40] + "…";
    }
}
