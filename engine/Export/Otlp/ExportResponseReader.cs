using System.Buffers.Text;
using System.Text.Json;

namespace Kt.Export.Otlp;

/// <summary>
/// Reads <c>partial_success.rejected_spans</c> from an ExportTraceServiceResponse, in protobuf
/// or in OTLP JSON, without allocating.
/// </summary>
internal static class ExportResponseReader
{
    /// <summary>The spans the receiver rejected; 0 for an empty or full success.</summary>
    /// <exception cref="FormatException">The body is not a well-formed response.</exception>
    /// <exception cref="JsonException">The JSON body is not well-formed.</exception>
    public static long RejectedSpans(ReadOnlySpan<byte> body, bool json) =>
        body.IsEmpty ? 0 : json ? JsonRejected(body) : ProtobufRejected(body);

    // { "partialSuccess": { "rejectedSpans": "2" | 2, "errorMessage": "..." } }
    private static long JsonRejected(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1 || !reader.ValueTextEquals("partialSuccess"u8))
                continue;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return 0;
            while (reader.Read() && reader.CurrentDepth >= 2)
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 2 || !reader.ValueTextEquals("rejectedSpans"u8))
                    continue;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number)
                    return reader.GetInt64();
                if (reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && !reader.ValueIsEscaped
                    && Utf8Parser.TryParse(reader.ValueSpan, out long rejected, out int used) && used == reader.ValueSpan.Length)
                    return rejected;
                throw new FormatException("rejectedSpans is not an integer");
            }
            return 0;
        }
        return 0;
    }

    // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64 rejected_spans = 1; string error_message = 2; } }
    private static long ProtobufRejected(ReadOnlySpan<byte> body)
    {
        while (!body.IsEmpty)
        {
            ulong tag = Varint(ref body);
            if (tag == (1 << 3 | 2))
            {
                var inner = Take(ref body, Varint(ref body));
                while (!inner.IsEmpty)
                {
                    ulong innerTag = Varint(ref inner);
                    if (innerTag == (1 << 3 | 0))
                        return (long)Varint(ref inner);
                    Skip(ref inner, innerTag);
                }
                return 0;
            }
            Skip(ref body, tag);
        }
        return 0;
    }

    private static ulong Varint(ref ReadOnlySpan<byte> span)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (span.IsEmpty)
                throw new FormatException("truncated varint");
            byte b = span[0];
            span = span[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    private static ReadOnlySpan<byte> Take(ref ReadOnlySpan<byte> span, ulong length)
    {
        if (length > (ulong)span.Length)
            throw new FormatException("truncated field");
        var taken = span[..(int)length];
        span = span[(int)length..];
        return taken;
    }

    private static void Skip(ref ReadOnlySpan<byte> span, ulong tag)
    {
        switch (tag & 7)
        {
            case 0: Varint(ref span); break;
            case 1: Take(ref span, 8); break;
            case 2: Take(ref span, Varint(ref span)); break;
            case 5: Take(ref span, 4); break;
            default: throw new FormatException($"wire type {tag & 7}");
        }
    }
}
