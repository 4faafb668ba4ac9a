using System.Text;

namespace Kt.Export.Otlp;

/// <summary>
/// Encodes a batch of finished spans as an OTLP <c>ExportTraceServiceRequest</c> (protobuf),
/// reading each span in place from its slot: one resource, one scope per tracer. The bytes
/// are valid until the next call; one encoder serves one thread (the exporter's).
/// </summary>
public sealed class OtlpTraceEncoder
{
    // Field numbers of opentelemetry/proto/{collector/trace,trace,resource,common}/v1.
    private const int RequestResourceSpans = 1;
    private const int ResourceSpansResource = 1, ResourceSpansScopeSpans = 2;
    private const int ResourceAttributes = 1;
    private const int ScopeSpansScope = 1, ScopeSpansSpans = 2;
    private const int ScopeName = 1;
    private const int SpanTraceId = 1, SpanSpanId = 2, SpanTraceState = 3, SpanParentSpanId = 4, SpanName = 5, SpanKindField = 6,
        SpanStart = 7, SpanEnd = 8, SpanAttributes = 9, SpanDroppedAttributes = 10, SpanEvents = 11, SpanDroppedEvents = 12,
        SpanLinks = 13, SpanDroppedLinks = 14, SpanStatus = 15, SpanFlags = 16;
    private const int EventTime = 1, EventName = 2, EventAttributes = 3, EventDroppedAttributes = 4;
    private const int LinkTraceId = 1, LinkSpanId = 2, LinkTraceState = 3, LinkAttributes = 4, LinkDroppedAttributes = 5, LinkFlags = 6;
    private const int StatusMessage = 2, StatusCodeField = 3;
    private const int KeyValueKey = 1, KeyValueValue = 2;
    private const int AnyString = 1, AnyBool = 2, AnyInt = 3, AnyDouble = 4, AnyArray = 5;
    private const int ArrayValues = 1;

    // W3C flags in the low byte; bit 8 says whether bit 9 (the parent is remote) is known.
    private const uint HasIsRemote = 0x100, IsRemote = 0x200;

    private readonly ProtobufBuffer _buffer = new();
    private readonly byte[] _resource;
    private readonly BatchScopes _scopes = new();

    /// <summary>Creates an encoder whose requests carry these resource attributes (<c>service.name</c> and the rest).</summary>
    public OtlpTraceEncoder(IEnumerable<KeyValuePair<string, string>> resourceAttributes)
    {
        var resource = new ProtobufBuffer(1024);
        foreach (var (key, value) in resourceAttributes)
        {
            int kv = resource.BeginMessage(ResourceAttributes);
            resource.Bytes(KeyValueKey, Encoding.UTF8.GetBytes(key));
            int any = resource.BeginMessage(KeyValueValue);
            resource.Bytes(AnyString, Encoding.UTF8.GetBytes(value));
            resource.EndMessage(any);
            resource.EndMessage(kv);
        }
        _resource = resource.Written.ToArray();
    }

    /// <summary>The request for <paramref name="batch"/>, valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(in SpanBatch batch) => EncodeToMemory(batch).Span;

    /// <summary>The request for <paramref name="batch"/> as memory a transport can send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeToMemory(in SpanBatch batch)
    {
        _buffer.Reset();
        int resourceSpans = _buffer.BeginMessage(RequestResourceSpans);
        int resource = _buffer.BeginMessage(ResourceSpansResource);
        _buffer.Raw(_resource);
        _buffer.EndMessage(resource);

        foreach (int scopeIndex in _scopes.Collect(batch))
        {
            int scopeSpans = _buffer.BeginMessage(ResourceSpansScopeSpans);
            bool named = false;
            for (int i = 0; i < batch.Count; i++)
            {
                var span = batch[i];
                if (span.ScopeIndex != scopeIndex)
                    continue;
                if (!named)
                {
                    int scope = _buffer.BeginMessage(ScopeSpansScope);
                    _buffer.Bytes(ScopeName, span.ScopeName);
                    _buffer.EndMessage(scope);
                    named = true;
                }
                WriteSpan(span);
            }
            _buffer.EndMessage(scopeSpans);
        }
        _buffer.EndMessage(resourceSpans);
        return _buffer.WrittenMemory;
    }

    private void WriteSpan(SpanView span)
    {
        var b = _buffer;
        int at = b.BeginMessage(ScopeSpansSpans);
        var traceId = span.TraceId;
        b.Id(SpanTraceId, traceId.High, traceId.Low);
        b.Id(SpanSpanId, span.SpanId.Value);
        if (!span.TraceState.IsEmpty)
            b.Bytes(SpanTraceState, span.TraceState);
        if (span.ParentSpanId.IsValid)
            b.Id(SpanParentSpanId, span.ParentSpanId.Value);
        b.Bytes(SpanName, span.Name);
        if (span.Kind != SpanKind.Unspecified)
            b.VarintField(SpanKindField, (ulong)span.Kind);
        b.Fixed64(SpanStart, (ulong)span.StartUnixNanoseconds);
        b.Fixed64(SpanEnd, (ulong)span.EndUnixNanoseconds);
        WriteAttributes(SpanAttributes, span.Attributes);
        if (span.DroppedAttributes > 0)
            b.VarintField(SpanDroppedAttributes, (uint)span.DroppedAttributes);
        var events = span.Events;
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            int ev = b.BeginMessage(SpanEvents);
            b.Fixed64(EventTime, (ulong)e.TimeUnixNanoseconds);
            b.Bytes(EventName, e.Name);
            WriteAttributes(EventAttributes, e.Attributes);
            if (e.DroppedAttributes > 0)
                b.VarintField(EventDroppedAttributes, (uint)e.DroppedAttributes);
            b.EndMessage(ev);
        }
        if (span.DroppedEvents > 0)
            b.VarintField(SpanDroppedEvents, (uint)span.DroppedEvents);
        var links = span.Links;
        for (int i = 0; i < links.Count; i++)
        {
            var l = links[i];
            var context = l.Context;
            int link = b.BeginMessage(SpanLinks);
            b.Id(LinkTraceId, context.TraceId.High, context.TraceId.Low);
            b.Id(LinkSpanId, context.SpanId.Value);
            if (!l.TraceState.IsEmpty)
                b.Bytes(LinkTraceState, l.TraceState);
            WriteAttributes(LinkAttributes, l.Attributes);
            if (l.DroppedAttributes > 0)
                b.VarintField(LinkDroppedAttributes, (uint)l.DroppedAttributes);
            b.Fixed32(LinkFlags, (uint)context.Flags);
            b.EndMessage(link);
        }
        if (span.DroppedLinks > 0)
            b.VarintField(SpanDroppedLinks, (uint)span.DroppedLinks);
        if (span.Status != StatusCode.Unset || !span.StatusMessage.IsEmpty)
        {
            int status = b.BeginMessage(SpanStatus);
            if (!span.StatusMessage.IsEmpty)
                b.Bytes(StatusMessage, span.StatusMessage);
            if (span.Status != StatusCode.Unset)
                b.VarintField(StatusCodeField, (ulong)span.Status);
            b.EndMessage(status);
        }
        b.Fixed32(SpanFlags, (uint)span.Flags | HasIsRemote | (span.ParentIsRemote ? IsRemote : 0));
        b.EndMessage(at);
    }

    private void WriteAttributes(int field, AttributeList attributes)
    {
        var b = _buffer;
        for (int i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            int kv = b.BeginMessage(field);
            b.Bytes(KeyValueKey, a.Key);
            int any = b.BeginMessage(KeyValueValue);
            switch (a.Type)
            {
                case AttributeType.String:
                    b.Bytes(AnyString, a.StringValue);
                    break;
                case AttributeType.Bool:
                    b.VarintField(AnyBool, a.BoolValue ? 1UL : 0UL);
                    break;
                case AttributeType.Int:
                    b.VarintField(AnyInt, (ulong)a.IntValue);
                    break;
                case AttributeType.Double:
                    b.Double(AnyDouble, a.DoubleValue);
                    break;
                default:
                    WriteArray(a);
                    break;
            }
            b.EndMessage(any);
            b.EndMessage(kv);
        }
    }

    private void WriteArray(AttributeView a)
    {
        var b = _buffer;
        int array = b.BeginMessage(AnyArray);
        for (int i = 0; i < a.ArrayLength; i++)
        {
            int value = b.BeginMessage(ArrayValues);
            switch (a.Type)
            {
                case AttributeType.StringArray:
                    b.Bytes(AnyString, a.StringAt(i));
                    break;
                case AttributeType.BoolArray:
                    b.VarintField(AnyBool, a.BoolAt(i) ? 1UL : 0UL);
                    break;
                case AttributeType.IntArray:
                    b.VarintField(AnyInt, (ulong)a.IntAt(i));
                    break;
                default:
                    b.Double(AnyDouble, a.DoubleAt(i));
                    break;
            }
            b.EndMessage(value);
        }
        b.EndMessage(array);
    }
}
