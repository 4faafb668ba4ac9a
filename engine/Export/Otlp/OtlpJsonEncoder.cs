using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Kt.Store;
using Kt.Timing;
using static Kt.Export.Otlp.JsonWire;

namespace Kt.Export.Otlp;

/// <summary>
/// Encodes a batch of finished spans as an OTLP <c>ExportTraceServiceRequest</c> in the OTLP
/// JSON mapping: lower-case hex ids, enums as numbers, 64-bit integers as decimal strings,
/// text as UTF-8 with only what JSON requires escaped. It reads each span in place from its
/// slot and writes the document's fixed parts as literal bytes into a reused buffer, so
/// encoding allocates nothing once the buffer has grown to the largest batch. The bytes are
/// valid until the next call; one encoder serves one thread.
/// </summary>
public sealed partial class OtlpJsonEncoder
{
    private const uint HasIsRemote = 0x100, IsRemote = 0x200;

    // The most a span's fields before its attributes take besides its escaped name and tracestate.
    private const int SpanHeadBytes = 320;

    // The most a key-value pair takes besides its escaped key and value.
    private const int KeyValueBytes = 64 + MaxDouble;

    // The most the counts, the status but its message, and the closing brackets take.
    private const int SpanTailBytes = 160;

    private readonly EncodeBuffer _buffer = new();
    private readonly byte[] _head;
    private readonly BatchScopes _scopes = new();

    /// <summary>Creates an encoder whose requests carry these resource attributes.</summary>
    public OtlpJsonEncoder(IEnumerable<KeyValuePair<string, string>> resourceAttributes) => _head = EncodeHead(resourceAttributes);

    /// <summary>The request for <paramref name="batch"/> as one line of JSON (no newline), valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(in SpanBatch batch) => EncodeToMemory(batch, 0).Span;

    /// <summary>
    /// The request for <paramref name="batch"/> and a newline after it, in the encoder's reused
    /// buffer: one line of OTLP JSON lines, to write in a single call. Valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> EncodeLine(in SpanBatch batch) => Line(Write(batch, 0));

    private ReadOnlySpan<byte> Line(int p)
    {
        ref byte b = ref _buffer.Ensure(p, 1);
        p = Put(ref b, p, (byte)'\n');
        return _buffer.Memory(0, p).Span;
    }

    /// <summary>The request as memory a transport can send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeToMemory(in SpanBatch batch) => EncodeToMemory(batch, 0);

    /// <summary>
    /// The request for <paramref name="batch"/> after <paramref name="headroom"/> bytes left
    /// free at the start of the returned memory, for the caller to write a prefix in front of
    /// the request without copying it. Valid until the next call.
    /// </summary>
    public Memory<byte> EncodeToMemory(in SpanBatch batch, int headroom)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        return _buffer.Memory(0, Write(batch, headroom));
    }

    private int Write(in SpanBatch batch, int p)
    {
        ref byte b = ref _buffer.Ensure(p, _head.Length);
        p = Literal(ref b, p, _head);
        if (batch.Count > 0)
        {
            var engine = batch.Engine;
            var store = engine.Store;
            var slots = batch.Slots;
            var clock = Clock.Current;
            _scopes.Group(store, slots);
            for (int scope = 0; scope < _scopes.Count; scope++)
            {
                p = WriteScopeHead(engine.TracerNameUtf8((ushort)_scopes.Tracer(scope)), p, scope == 0);
                var spans = _scopes.Spans(scope, slots);
                for (int i = 0; i < spans.Length; i++)
                {
                    if (i + SlotPrefetch.Distance < spans.Length)
                        SlotPrefetch.Span(store, spans[i + SlotPrefetch.Distance]);
                    p = WriteSpan(store, spans[i], p, i == 0, clock);
                }
                b = ref _buffer.Ensure(p, 2);
                p = Literal(ref b, p, "]}"u8);
            }
        }
        return WriteRequestEnd(p);
    }

    // A scope's object up to its first span, after a comma unless it is the request's first.
    private int WriteScopeHead(ReadOnlySpan<byte> name, int p, bool first)
    {
        ref byte b = ref _buffer.Ensure(p, 64 + MaxEscaped(name.Length));
        if (!first)
            p = Put(ref b, p, (byte)',');
        p = Literal(ref b, p, "{\"scope\":{\"name\":\""u8);
        p = Escaped(ref b, p, name);
        return Literal(ref b, p, "\"},\"spans\":["u8);
    }

    // What the head opened: the list of scopes, the resource's object and list, the request.
    private int WriteRequestEnd(int p)
    {
        ref byte b = ref _buffer.Ensure(p, 4);
        return Literal(ref b, p, "]}]}"u8);
    }

    private int WriteSpan(SpanStore store, int slot, int p, bool first, in ClockCalibration clock)
    {
        ref var s = ref store.Slots[slot];
        var name = store.Text(s.Name);
        var traceState = store.Text(s.TraceState);
        ref byte b = ref _buffer.Ensure(p, SpanHeadBytes + MaxEscaped(name.Length + traceState.Length));
        p = Literal(ref b, p, first ? "{\"traceId\":"u8 : ",{\"traceId\":"u8);
        p = QuotedHex(ref b, p, s.TraceHigh, s.TraceLow);
        p = Literal(ref b, p, ",\"spanId\":"u8);
        p = QuotedHex(ref b, p, s.SpanId);
        if (!traceState.IsEmpty)
        {
            p = Literal(ref b, p, ",\"traceState\":\""u8);
            p = Put(ref b, Escaped(ref b, p, traceState), (byte)'"');
        }
        if (s.ParentSpanId != 0)
        {
            p = Literal(ref b, p, ",\"parentSpanId\":"u8);
            p = QuotedHex(ref b, p, s.ParentSpanId);
        }
        p = Literal(ref b, p, ",\"flags\":"u8);
        p = Number(ref b, p, (uint)s.Flags | HasIsRemote | (s.ParentIsRemote ? IsRemote : 0));
        p = Literal(ref b, p, ",\"name\":\""u8);
        p = Escaped(ref b, p, name);
        p = Literal(ref b, p, "\",\"kind\":"u8);
        p = Number(ref b, p, (byte)s.Kind);
        p = Literal(ref b, p, ",\"startTimeUnixNano\":"u8);
        p = QuotedInt64(ref b, p, clock.ToUnixNanoseconds(s.Start, s.StartIsUnixNanoseconds));
        p = Literal(ref b, p, ",\"endTimeUnixNano\":"u8);
        p = QuotedInt64(ref b, p, clock.ToUnixNanoseconds(s.End, s.EndIsUnixNanoseconds));
        p = WriteAttributes(store, store.Attributes.AsSpan(slot * store.AttributesPerSpan, s.AttributeCount), p);
        if (s.DroppedAttributes > 0)
            p = WriteCount(",\"droppedAttributesCount\":"u8, s.DroppedAttributes, p);
        if (s.EventCount > 0)
            p = WriteEvents(store, slot, ref s, p, clock);
        if (s.DroppedEvents > 0)
            p = WriteCount(",\"droppedEventsCount\":"u8, s.DroppedEvents, p);
        if (s.LinkCount > 0)
            p = WriteLinks(store, slot, ref s, p);
        if (s.DroppedLinks > 0)
            p = WriteCount(",\"droppedLinksCount\":"u8, s.DroppedLinks, p);

        var message = store.Text(s.StatusMessage);
        b = ref _buffer.Ensure(p, SpanTailBytes + MaxEscaped(message.Length));
        if (s.Status != StatusCode.Unset || !message.IsEmpty)
        {
            p = Literal(ref b, p, ",\"status\":{"u8);
            if (!message.IsEmpty)
            {
                p = Literal(ref b, p, "\"message\":\""u8);
                p = Put(ref b, Escaped(ref b, p, message), (byte)'"');
                if (s.Status != StatusCode.Unset)
                    p = Put(ref b, p, (byte)',');
            }
            if (s.Status != StatusCode.Unset)
            {
                p = Literal(ref b, p, "\"code\":"u8);
                p = Number(ref b, p, (byte)s.Status);
            }
            p = Put(ref b, p, (byte)'}');
        }
        return Put(ref b, p, (byte)'}');
    }

    private int WriteCount(ReadOnlySpan<byte> field, int count, int p)
    {
        ref byte b = ref _buffer.Ensure(p, field.Length + 10);
        return Number(ref b, Literal(ref b, p, field), (uint)count);
    }

    private int WriteEvents(SpanStore store, int slot, ref SpanSlot s, int p, in ClockCalibration clock)
    {
        var shared = store.ExtraAttributes.AsSpan(slot * store.ExtraAttributesPerSpan, store.ExtraAttributesPerSpan);
        ref byte b = ref _buffer.Ensure(p, 12);
        p = Literal(ref b, p, ",\"events\":["u8);
        bool first = true;
        foreach (ref readonly var e in store.Events.AsSpan(slot * store.EventsPerSpan, s.EventCount))
        {
            var name = store.Text(e.Name);
            b = ref _buffer.Ensure(p, 64 + MaxEscaped(name.Length));
            p = Literal(ref b, p, first ? "{\"timeUnixNano\":"u8 : ",{\"timeUnixNano\":"u8);
            p = QuotedInt64(ref b, p, clock.ToUnixNanoseconds(e.Time, e.TimeIsUnixNanoseconds));
            p = Literal(ref b, p, ",\"name\":\""u8);
            p = Put(ref b, Escaped(ref b, p, name), (byte)'"');
            p = WriteAttributes(store, shared.Slice(e.AttributeStart, e.AttributeCount), p);
            if (e.DroppedAttributes > 0)
                p = WriteCount(",\"droppedAttributesCount\":"u8, e.DroppedAttributes, p);
            b = ref _buffer.Ensure(p, 1);
            p = Put(ref b, p, (byte)'}');
            first = false;
        }
        b = ref _buffer.Ensure(p, 1);
        return Put(ref b, p, (byte)']');
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int WriteLinks(SpanStore store, int slot, ref SpanSlot s, int p)
    {
        var shared = store.ExtraAttributes.AsSpan(slot * store.ExtraAttributesPerSpan, store.ExtraAttributesPerSpan);
        ref byte b = ref _buffer.Ensure(p, 12);
        p = Literal(ref b, p, ",\"links\":["u8);
        bool first = true;
        foreach (ref readonly var l in store.Links.AsSpan(slot * store.LinksPerSpan, s.LinkCount))
        {
            var traceState = store.Text(l.TraceState);
            b = ref _buffer.Ensure(p, 96 + MaxEscaped(traceState.Length));
            p = Literal(ref b, p, first ? "{\"traceId\":"u8 : ",{\"traceId\":"u8);
            p = QuotedHex(ref b, p, l.TraceHigh, l.TraceLow);
            p = Literal(ref b, p, ",\"spanId\":"u8);
            p = QuotedHex(ref b, p, l.SpanId);
            if (!traceState.IsEmpty)
            {
                p = Literal(ref b, p, ",\"traceState\":\""u8);
                p = Put(ref b, Escaped(ref b, p, traceState), (byte)'"');
            }
            p = WriteAttributes(store, shared.Slice(l.AttributeStart, l.AttributeCount), p);
            if (l.DroppedAttributes > 0)
                p = WriteCount(",\"droppedAttributesCount\":"u8, l.DroppedAttributes, p);
            b = ref _buffer.Ensure(p, 16);
            p = Literal(ref b, p, ",\"flags\":"u8);
            p = Put(ref b, Number(ref b, p, (byte)l.Flags), (byte)'}');
            first = false;
        }
        b = ref _buffer.Ensure(p, 1);
        return Put(ref b, p, (byte)']');
    }

    private int WriteAttributes(SpanStore store, ReadOnlySpan<AttributeEntry> attributes, int p)
    {
        if (attributes.IsEmpty)
            return p;
        ref byte b = ref _buffer.Ensure(p, 16);
        p = Literal(ref b, p, ",\"attributes\":["u8);
        bool first = true;
        foreach (ref readonly var a in attributes)
        {
            p = WriteKeyValue(store, a, p, first);
            first = false;
        }
        b = ref _buffer.Ensure(p, 1);
        return Put(ref b, p, (byte)']');
    }

    private int WriteKeyValue(SpanStore store, in AttributeEntry a, int p, bool first)
    {
        var key = store.Text(a.Key);
        var text = a.Type == AttributeType.String ? store.Arena.AsSpan((int)a.Value, a.Length) : default;
        ref byte b = ref _buffer.Ensure(p, KeyValueBytes + MaxEscaped(key.Length + text.Length));
        p = Literal(ref b, p, first ? "{\"key\":\""u8 : ",{\"key\":\""u8);
        p = Escaped(ref b, p, key);
        p = Literal(ref b, p, "\",\"value\":{"u8);
        switch (a.Type)
        {
            case AttributeType.String:
                p = Literal(ref b, p, "\"stringValue\":\""u8);
                p = Put(ref b, Escaped(ref b, p, text), (byte)'"');
                break;
            case AttributeType.Bool:
                p = Literal(ref b, p, a.Value != 0 ? "\"boolValue\":true"u8 : "\"boolValue\":false"u8);
                break;
            case AttributeType.Int:
                p = Literal(ref b, p, "\"intValue\":"u8);
                p = QuotedInt64(ref b, p, a.Value);
                break;
            case AttributeType.Double:
                p = Literal(ref b, p, "\"doubleValue\":"u8);
                p = Double(ref b, p, BitConverter.Int64BitsToDouble(a.Value));
                break;
            default:
                p = WriteArray(store, a, p);
                b = ref _buffer.Ensure(p, 2);
                break;
        }
        return Literal(ref b, p, "}}"u8);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int WriteArray(SpanStore store, in AttributeEntry a, int p)
    {
        ref byte b = ref _buffer.Ensure(p, 24);
        p = Literal(ref b, p, "\"arrayValue\":{\"values\":["u8);
        var elements = new ArrayElements(store, a);
        for (int i = 0; i < elements.Count; i++)
        {
            var text = a.Type == AttributeType.StringArray ? elements.NextString() : default;
            b = ref _buffer.Ensure(p, KeyValueBytes + MaxEscaped(text.Length));
            if (i > 0)
                p = Put(ref b, p, (byte)',');
            switch (a.Type)
            {
                case AttributeType.StringArray:
                    p = Literal(ref b, p, "{\"stringValue\":\""u8);
                    p = Literal(ref b, Escaped(ref b, p, text), "\"}"u8);
                    break;
                case AttributeType.BoolArray:
                    p = Literal(ref b, p, elements.Bool(i) ? "{\"boolValue\":true}"u8 : "{\"boolValue\":false}"u8);
                    break;
                case AttributeType.IntArray:
                    p = Literal(ref b, p, "{\"intValue\":"u8);
                    p = Put(ref b, QuotedInt64(ref b, p, elements.Int(i)), (byte)'}');
                    break;
                default:
                    p = Literal(ref b, p, "{\"doubleValue\":"u8);
                    p = Put(ref b, Double(ref b, p, BitConverter.Int64BitsToDouble(elements.Int(i))), (byte)'}');
                    break;
            }
        }
        b = ref _buffer.Ensure(p, 2);
        return Literal(ref b, p, "]}"u8);
    }

    // The document up to the first scope: the request, its resource and its attributes.
    private static byte[] EncodeHead(IEnumerable<KeyValuePair<string, string>> resourceAttributes)
    {
        var pairs = resourceAttributes.Select(kv => (Key: Encoding.UTF8.GetBytes(kv.Key), Value: Encoding.UTF8.GetBytes(kv.Value))).ToArray();
        var head = new byte[128 + pairs.Sum(kv => 64 + MaxEscaped(kv.Key.Length + kv.Value.Length))];
        ref byte b = ref MemoryMarshal.GetArrayDataReference(head);
        int p = Literal(ref b, 0, "{\"resourceSpans\":[{\"resource\":{\"attributes\":["u8);
        for (int i = 0; i < pairs.Length; i++)
        {
            p = Literal(ref b, p, i == 0 ? "{\"key\":\""u8 : ",{\"key\":\""u8);
            p = Escaped(ref b, p, pairs[i].Key);
            p = Literal(ref b, p, "\",\"value\":{\"stringValue\":\""u8);
            p = Escaped(ref b, p, pairs[i].Value);
            p = Literal(ref b, p, "\"}}"u8);
        }
        p = Literal(ref b, p, "]},\"scopeSpans\":["u8);
        return head.AsSpan(0, p).ToArray();
    }
}
