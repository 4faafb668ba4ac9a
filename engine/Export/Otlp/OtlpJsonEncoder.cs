using System.Buffers;
using System.Text.Json;

namespace Kt.Export.Otlp;

/// <summary>
/// Encodes a batch of finished spans as an OTLP <c>ExportTraceServiceRequest</c> in the OTLP
/// JSON mapping: lower-case hex ids, enums as numbers, 64-bit integers as decimal strings. The
/// writer and its buffer are reused, so encoding allocates nothing once the buffer has grown
/// to the largest batch. The bytes are valid until the next call; one encoder serves one thread.
/// </summary>
public sealed class OtlpJsonEncoder
{
    private const uint HasIsRemote = 0x100, IsRemote = 0x200;

    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly KeyValuePair<string, string>[] _resource;
    private readonly byte[] _hex = new byte[32];
    private readonly BatchScopes _scopes = new();

    /// <summary>Creates an encoder whose requests carry these resource attributes.</summary>
    public OtlpJsonEncoder(IEnumerable<KeyValuePair<string, string>> resourceAttributes)
    {
        _resource = resourceAttributes.ToArray();
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>The request for <paramref name="batch"/> as one line of JSON (no newline), valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(in SpanBatch batch) => EncodeToMemory(batch).Span;

    /// <summary>
    /// The request for <paramref name="batch"/> and a newline after it, in the encoder's reused
    /// buffer: one line of OTLP JSON lines, to write in a single call. Valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> EncodeLine(in SpanBatch batch)
    {
        EncodeToMemory(batch);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        return _buffer.WrittenSpan;
    }

    /// <summary>The request as memory a transport can send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeToMemory(in SpanBatch batch)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        var w = _json;
        w.WriteStartObject();
        w.WriteStartArray("resourceSpans"u8);
        w.WriteStartObject();
        w.WriteStartObject("resource"u8);
        w.WriteStartArray("attributes"u8);
        foreach (var (key, value) in _resource)
        {
            w.WriteStartObject();
            w.WriteString("key"u8, key);
            w.WriteStartObject("value"u8);
            w.WriteString("stringValue"u8, value);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("scopeSpans"u8);
        foreach (int scopeIndex in _scopes.Collect(batch))
        {
            w.WriteStartObject();
            bool opened = false;
            for (int i = 0; i < batch.Count; i++)
            {
                var span = batch[i];
                if (span.ScopeIndex != scopeIndex)
                    continue;
                if (!opened)
                {
                    w.WriteStartObject("scope"u8);
                    w.WriteString("name"u8, span.ScopeName);
                    w.WriteEndObject();
                    w.WriteStartArray("spans"u8);
                    opened = true;
                }
                WriteSpan(span);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenMemory;
    }

    private void WriteSpan(SpanView span)
    {
        var w = _json;
        w.WriteStartObject();
        span.TraceId.WriteHex(_hex);
        w.WriteString("traceId"u8, _hex.AsSpan(0, 32));
        span.SpanId.WriteHex(_hex);
        w.WriteString("spanId"u8, _hex.AsSpan(0, 16));
        if (!span.TraceState.IsEmpty)
            w.WriteString("traceState"u8, span.TraceState);
        if (span.ParentSpanId.IsValid)
        {
            span.ParentSpanId.WriteHex(_hex);
            w.WriteString("parentSpanId"u8, _hex.AsSpan(0, 16));
        }
        w.WriteNumber("flags"u8, (uint)span.Flags | HasIsRemote | (span.ParentIsRemote ? IsRemote : 0));
        w.WriteString("name"u8, span.Name);
        w.WriteNumber("kind"u8, (int)span.Kind);
        WriteInt64("startTimeUnixNano"u8, span.StartUnixNanoseconds);
        WriteInt64("endTimeUnixNano"u8, span.EndUnixNanoseconds);
        WriteAttributes(span.Attributes);
        if (span.DroppedAttributes > 0)
            w.WriteNumber("droppedAttributesCount"u8, span.DroppedAttributes);
        var events = span.Events;
        if (events.Count > 0)
        {
            w.WriteStartArray("events"u8);
            for (int i = 0; i < events.Count; i++)
            {
                var e = events[i];
                w.WriteStartObject();
                WriteInt64("timeUnixNano"u8, e.TimeUnixNanoseconds);
                w.WriteString("name"u8, e.Name);
                WriteAttributes(e.Attributes);
                if (e.DroppedAttributes > 0)
                    w.WriteNumber("droppedAttributesCount"u8, e.DroppedAttributes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (span.DroppedEvents > 0)
            w.WriteNumber("droppedEventsCount"u8, span.DroppedEvents);
        var links = span.Links;
        if (links.Count > 0)
        {
            w.WriteStartArray("links"u8);
            for (int i = 0; i < links.Count; i++)
            {
                var l = links[i];
                var context = l.Context;
                w.WriteStartObject();
                context.TraceId.WriteHex(_hex);
                w.WriteString("traceId"u8, _hex.AsSpan(0, 32));
                context.SpanId.WriteHex(_hex);
                w.WriteString("spanId"u8, _hex.AsSpan(0, 16));
                if (!l.TraceState.IsEmpty)
                    w.WriteString("traceState"u8, l.TraceState);
                WriteAttributes(l.Attributes);
                if (l.DroppedAttributes > 0)
                    w.WriteNumber("droppedAttributesCount"u8, l.DroppedAttributes);
                w.WriteNumber("flags"u8, (uint)context.Flags);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (span.DroppedLinks > 0)
            w.WriteNumber("droppedLinksCount"u8, span.DroppedLinks);
        if (span.Status != StatusCode.Unset || !span.StatusMessage.IsEmpty)
        {
            w.WriteStartObject("status"u8);
            if (!span.StatusMessage.IsEmpty)
                w.WriteString("message"u8, span.StatusMessage);
            if (span.Status != StatusCode.Unset)
                w.WriteNumber("code"u8, (int)span.Status);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    // 64-bit integers exceed what JSON numbers hold exactly in most readers; OTLP JSON takes strings.
    private void WriteInt64(ReadOnlySpan<byte> name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        _json.WriteString(name, digits[..written]);
    }

    // JSON has no NaN or infinities; the protobuf JSON mapping spells them as strings.
    private void WriteDouble(double value)
    {
        if (double.IsFinite(value))
            _json.WriteNumber("doubleValue"u8, value);
        else
            _json.WriteString("doubleValue"u8, double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8);
    }

    private void WriteAttributes(AttributeList attributes)
    {
        if (attributes.Count == 0)
            return;
        var w = _json;
        w.WriteStartArray("attributes"u8);
        for (int i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            w.WriteStartObject();
            w.WriteString("key"u8, a.Key);
            w.WriteStartObject("value"u8);
            switch (a.Type)
            {
                case AttributeType.String:
                    w.WriteString("stringValue"u8, a.StringValue);
                    break;
                case AttributeType.Bool:
                    w.WriteBoolean("boolValue"u8, a.BoolValue);
                    break;
                case AttributeType.Int:
                    WriteInt64("intValue"u8, a.IntValue);
                    break;
                case AttributeType.Double:
                    WriteDouble(a.DoubleValue);
                    break;
                default:
                    WriteArray(a);
                    break;
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteArray(AttributeView a)
    {
        var w = _json;
        w.WriteStartObject("arrayValue"u8);
        w.WriteStartArray("values"u8);
        for (int i = 0; i < a.ArrayLength; i++)
        {
            w.WriteStartObject();
            switch (a.Type)
            {
                case AttributeType.StringArray:
                    w.WriteString("stringValue"u8, a.StringAt(i));
                    break;
                case AttributeType.BoolArray:
                    w.WriteBoolean("boolValue"u8, a.BoolAt(i));
                    break;
                case AttributeType.IntArray:
                    WriteInt64("intValue"u8, a.IntAt(i));
                    break;
                default:
                    WriteDouble(a.DoubleAt(i));
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
