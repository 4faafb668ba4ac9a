using System.Globalization;
using System.Text;

namespace Kt.TraceViewer;

/// <summary>
/// One OTLP <c>AnyValue</c>: a string, a bool, a 64-bit integer (<see cref="long"/>), a double,
/// bytes, an array of values, a list of key-value pairs, or nothing.
/// </summary>
internal sealed record AttributeValue(AttributeType Type, object? Value)
{
    public static readonly AttributeValue Empty = new(AttributeType.Empty, null);

    /// <summary>The name the page shows beside the value.</summary>
    public string TypeName => Type switch
    {
        AttributeType.Empty => "empty",
        AttributeType.String => "string",
        AttributeType.Bool => "bool",
        AttributeType.Int => "int",
        AttributeType.Double => "double",
        AttributeType.Bytes => "bytes",
        AttributeType.Array => "array",
        AttributeType.KeyValueList => "kvlist",
        _ => "invalid",
    };

    /// <summary>The value as the page shows it: a string as it is, anything inside an array or list as JSON would write it.</summary>
    public string Display() => Type == AttributeType.String ? (string)Value! : Nested();

    private string Nested() => Type switch
    {
        AttributeType.Empty => "(empty)",
        AttributeType.String => Quote((string)Value!),
        AttributeType.Bool => (bool)Value! ? "true" : "false",
        AttributeType.Int => ((long)Value!).ToString(CultureInfo.InvariantCulture),
        AttributeType.Double => FormatDouble((double)Value!),
        AttributeType.Bytes => Convert.ToHexStringLower((byte[])Value!),
        AttributeType.Array => "[" + string.Join(", ", ((IReadOnlyList<AttributeValue>)Value!).Select(v => v.Nested())) + "]",
        AttributeType.KeyValueList => "{" + string.Join(", ", ((IReadOnlyList<KeyValue>)Value!).Select(kv => Quote(kv.Key) + ": " + kv.Value.Nested())) + "}",
        _ => (string)Value!,
    };

    private static string FormatDouble(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                default:
                    if (c < ' ')
                        quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        quoted.Append(c);
                    break;
            }
        }
        return quoted.Append('"').ToString();
    }
}
