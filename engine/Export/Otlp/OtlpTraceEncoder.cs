using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Kt.Store;
using Kt.Timing;
using static Kt.Export.Otlp.ProtobufWire;

namespace Kt.Export.Otlp;

/// <summary>
/// Encodes a batch of finished spans as an OTLP <c>ExportTraceServiceRequest</c> (protobuf),
/// reading each span in place from its slot: one resource, one scope per tracer. The bytes
/// are valid until the next call; one encoder serves one thread (the exporter's).
/// </summary>
/// <remarks>
/// Every message inside a span has its exact length written before it: the sizes of keys,
/// values and names are known before they are copied. A span's own length takes the two
/// bytes reserved for it when the span is 128 bytes to 16 KiB long, as spans usually are, and
/// is moved into place otherwise. Only the request's two outer messages, which hold the whole
/// batch, keep a length padded to four bytes.
/// </remarks>
public sealed partial class OtlpTraceEncoder
{
    // Tag bytes (field number << 3 | wire type) of
    // opentelemetry/proto/{collector/trace,trace,resource,common}/v1.
    private const byte RequestResourceSpans = 1 << 3 | LengthType;
    private const byte ResourceSpansResource = 1 << 3 | LengthType, ResourceSpansScopeSpans = 2 << 3 | LengthType;
    private const byte ResourceAttributes = 1 << 3 | LengthType;
    private const byte ScopeSpansScope = 1 << 3 | LengthType, ScopeSpansSpans = 2 << 3 | LengthType;
    private const byte ScopeName = 1 << 3 | LengthType;
    private const byte SpanTraceId = 1 << 3 | LengthType, SpanSpanId = 2 << 3 | LengthType, SpanTraceState = 3 << 3 | LengthType,
        SpanParentSpanId = 4 << 3 | LengthType, SpanName = 5 << 3 | LengthType, SpanKindField = 6 << 3 | VarintType,
        SpanStart = 7 << 3 | Fixed64Type, SpanEnd = 8 << 3 | Fixed64Type, SpanAttributes = 9 << 3 | LengthType,
        SpanDroppedAttributes = 10 << 3 | VarintType, SpanEvents = 11 << 3 | LengthType, SpanDroppedEvents = 12 << 3 | VarintType,
        SpanLinks = 13 << 3 | LengthType, SpanDroppedLinks = 14 << 3 | VarintType, SpanStatus = 15 << 3 | LengthType;
    // Span.flags is field 16: its tag (16 << 3 | fixed32) is a two-byte varint.
    private const byte SpanFlagsTag0 = (16 << 3 | Fixed32Type) & 0x7F | 0x80, SpanFlagsTag1 = (16 << 3 | Fixed32Type) >> 7;
    private const byte EventTime = 1 << 3 | Fixed64Type, EventName = 2 << 3 | LengthType, EventAttributes = 3 << 3 | LengthType,
        EventDroppedAttributes = 4 << 3 | VarintType;
    private const byte LinkTraceState = 3 << 3 | LengthType,
        LinkAttributes = 4 << 3 | LengthType, LinkDroppedAttributes = 5 << 3 | VarintType, LinkFlags = 6 << 3 | Fixed32Type;
    private const byte StatusMessage = 2 << 3 | LengthType, StatusCodeField = 3 << 3 | VarintType;
    private const byte KeyValueKey = 1 << 3 | LengthType, KeyValueValue = 2 << 3 | LengthType;
    private const byte AnyString = 1 << 3 | LengthType, AnyBool = 2 << 3 | VarintType, AnyInt = 3 << 3 | VarintType,
        AnyDouble = 4 << 3 | Fixed64Type, AnyArray = 5 << 3 | LengthType;
    private const byte ArrayValues = 1 << 3 | LengthType;

    // W3C flags in the low byte; bit 8 says whether bit 9 (the parent is remote) is known.
    private const uint HasIsRemote = 0x100, IsRemote = 0x200;

    // The outer messages' lengths, padded: four varint bytes say up to 2^28 - 1.
    private const int PaddedLength = 4;
    private const int MaxPadded = (1 << 28) - 1;

    // A span's length is reserved as two bytes (128 bytes to 16 KiB).
    private const int SpanLengthBytes = 2;

    // Keys and values shorter than this make a KeyValue under 128 bytes: every length in it
    // is one byte.
    private const int ShortText = 56;
    private const int MaxShortKeyValue = 4 + ShortText + 4 + ShortText;

    // The most a span's fields before its attributes take besides its name and tracestate:
    // tag and length, trace id, span id, tracestate's tag and length, parent id, name's tag
    // and length, kind, start, end.
    private const int SpanHeadBytes = 1 + SpanLengthBytes + 18 + 10 + 1 + 5 + 10 + 1 + 5 + 1 + MaxVarint + 9 + 9;

    // The most a span's status takes besides its message, and its flags: status tag and length,
    // message tag and length, code; flags.
    private const int SpanTailBytes = 1 + 5 + 1 + 5 + 1 + MaxVarint + 6;

    private readonly EncodeBuffer _buffer = new();
    private readonly byte[] _resource;
    private readonly BatchScopes _scopes = new();

    /// <summary>Creates an encoder whose requests carry these resource attributes (<c>service.name</c> and the rest).</summary>
    public OtlpTraceEncoder(IEnumerable<KeyValuePair<string, string>> resourceAttributes) =>
        _resource = EncodeResource(resourceAttributes);

    /// <summary>The request for <paramref name="batch"/>, valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(in SpanBatch batch) => EncodeToMemory(batch, 0).Span;

    /// <summary>The request for <paramref name="batch"/> as memory a transport can send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeToMemory(in SpanBatch batch) => EncodeToMemory(batch, 0);

    /// <summary>
    /// The request for <paramref name="batch"/> after <paramref name="headroom"/> bytes left
    /// free at the start of the returned memory, for the caller to write a prefix in front of
    /// the request without copying it (gRPC's five-byte message header, say). Valid until the
    /// next call.
    /// </summary>
    public Memory<byte> EncodeToMemory(in SpanBatch batch, int headroom)
    {
        int p = BeginRequest(headroom, out int resourceSpans);
        if (batch.Count > 0)
        {
            var engine = batch.Engine;
            var store = engine.Store;
            var slots = batch.Slots;
            var clock = Clock.Current;
            _scopes.Group(store, slots);
            for (int scope = 0; scope < _scopes.Count; scope++)
            {
                int scopeSpans = p + 1;
                p = WriteScope(engine.TracerNameUtf8((ushort)_scopes.Tracer(scope)), p);
                var spans = _scopes.Spans(scope, slots);
                for (int i = 0; i < spans.Length; i++)
                {
                    if (i + SlotPrefetch.Distance < spans.Length)
                        SlotPrefetch.Span(store, spans[i + SlotPrefetch.Distance]);
                    p = WriteSpan(store, spans[i], p, clock);
                }
                EndPadded(scopeSpans, p);
            }
        }
        EndPadded(resourceSpans, p);
        return _buffer.Memory(0, p);
    }

    // The request's ResourceSpans tag, its reserved length and the resource; returns the position after them.
    private int BeginRequest(int headroom, out int resourceSpans)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        int p = headroom;
        ref byte b = ref _buffer.Ensure(p, 1 + PaddedLength + _resource.Length);
        p = Put(ref b, p, RequestResourceSpans);
        resourceSpans = p;
        p += PaddedLength;
        _resource.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, p), _resource.Length));
        return p + _resource.Length;
    }

    // The ScopeSpans' tag, its reserved length and its scope.
    private int WriteScope(ReadOnlySpan<byte> name, int p)
    {
        int scopeSize = BytesFieldSize(name.Length);
        ref byte b = ref _buffer.Ensure(p, 1 + PaddedLength + 1 + 5 + scopeSize);
        p = Put(ref b, p, ResourceSpansScopeSpans) + PaddedLength;
        p = Put(ref b, p, ScopeSpansScope);
        p = Varint(ref b, p, (uint)scopeSize);
        return Bytes(ref b, p, ScopeName, name);
    }

    private void EndPadded(int at, int end)
    {
        int length = end - at - PaddedLength;
        if (length > MaxPadded)
            ThrowTooLong(length);
        PaddedVarint(ref _buffer.Ensure(at, PaddedLength), at, (uint)length, PaddedLength);
    }

    private int WriteSpan(SpanStore store, int slot, int p, in ClockCalibration clock)
    {
        ref var s = ref store.Slots[slot];
        var name = store.Text(s.Name);
        var traceState = store.Text(s.TraceState);
        ref byte b = ref _buffer.Ensure(p, SpanHeadBytes + name.Length + traceState.Length);
        p = Put(ref b, p, ScopeSpansSpans);
        int lengthAt = p;
        p += SpanLengthBytes;
        int start = p;
        p = WriteIds(ref b, p, s.TraceHigh, s.TraceLow, s.SpanId);
        if (!traceState.IsEmpty)
            p = Bytes(ref b, p, SpanTraceState, traceState);
        if (s.ParentSpanId != 0)
        {
            p = Put(ref b, p, SpanParentSpanId);
            p = Put(ref b, p, 8);
            p = BigEndian(ref b, p, s.ParentSpanId);
        }
        p = Bytes(ref b, p, SpanName, name);
        if (s.Kind != SpanKind.Unspecified)
            p = Varint(ref b, Put(ref b, p, SpanKindField), (byte)s.Kind);
        p = Put(ref b, p, SpanStart);
        p = Fixed64(ref b, p, (ulong)clock.ToUnixNanoseconds(s.Start, s.StartIsUnixNanoseconds));
        p = Put(ref b, p, SpanEnd);
        p = Fixed64(ref b, p, (ulong)clock.ToUnixNanoseconds(s.End, s.EndIsUnixNanoseconds));

        p = WriteAttributes(store, SpanAttributes, store.Attributes.AsSpan(slot * store.AttributesPerSpan, s.AttributeCount), p);
        if (s.DroppedAttributes > 0)
            p = WriteVarintField(SpanDroppedAttributes, (uint)s.DroppedAttributes, p);
        if (s.EventCount > 0)
            p = WriteEvents(store, slot, ref s, p, clock);
        if (s.DroppedEvents > 0)
            p = WriteVarintField(SpanDroppedEvents, (uint)s.DroppedEvents, p);
        if (s.LinkCount > 0)
            p = WriteLinks(store, slot, ref s, p);
        if (s.DroppedLinks > 0)
            p = WriteVarintField(SpanDroppedLinks, (uint)s.DroppedLinks, p);

        var message = store.Text(s.StatusMessage);
        b = ref _buffer.Ensure(p, SpanTailBytes + message.Length);
        if (s.Status != StatusCode.Unset || !message.IsEmpty)
        {
            int size = (message.IsEmpty ? 0 : BytesFieldSize(message.Length)) + (s.Status == StatusCode.Unset ? 0 : 1 + VarintSize((byte)s.Status));
            p = Put(ref b, p, SpanStatus);
            p = Varint(ref b, p, (uint)size);
            if (!message.IsEmpty)
                p = Bytes(ref b, p, StatusMessage, message);
            if (s.Status != StatusCode.Unset)
                p = Varint(ref b, Put(ref b, p, StatusCodeField), (byte)s.Status);
        }
        p = Put(ref b, p, SpanFlagsTag0);
        p = Put(ref b, p, SpanFlagsTag1);
        p = Fixed32(ref b, p, (uint)s.Flags | HasIsRemote | (s.ParentIsRemote ? IsRemote : 0));

        int length = p - start;
        if (length is < 128 or >= 1 << 14)
            return FitLength(lengthAt, SpanLengthBytes, p);
        Unsafe.Add(ref b, lengthAt) = (byte)(length | 0x80);
        Unsafe.Add(ref b, lengthAt + 1) = (byte)(length >> 7);
        return p;
    }

    // trace_id (16 bytes) and span_id (8), big-endian: fields 1 and 2 of both Span and Span.Link.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteIds(ref byte b, int p, ulong traceHigh, ulong traceLow, ulong spanId)
    {
        p = Put(ref b, p, SpanTraceId);
        p = Put(ref b, p, 16);
        p = BigEndian(ref b, p, traceHigh);
        p = BigEndian(ref b, p, traceLow);
        p = Put(ref b, p, SpanSpanId);
        p = Put(ref b, p, 8);
        return BigEndian(ref b, p, spanId);
    }

    // A message whose length does not take the bytes reserved for it: its body moves to
    // leave the length's exact size before it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int FitLength(int lengthAt, int reserved, int end)
    {
        int start = lengthAt + reserved;
        int length = end - start;
        int shift = VarintSize((uint)length) - reserved;
        ref byte b = ref _buffer.Ensure(end, Math.Max(shift, 0));
        var body = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, start), length);
        body.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, start + shift), length));
        Varint(ref b, lengthAt, (uint)length);
        return end + shift;
    }

    private int WriteVarintField(byte tag, uint value, int p)
    {
        ref byte b = ref _buffer.Ensure(p, 1 + MaxVarint);
        return Varint(ref b, Put(ref b, p, tag), value);
    }

    // Events and links reserve one byte for their length, enough unless their attributes are long.
    private int WriteEvents(SpanStore store, int slot, ref SpanSlot s, int p, in ClockCalibration clock)
    {
        var shared = store.ExtraAttributes.AsSpan(slot * store.ExtraAttributesPerSpan, store.ExtraAttributesPerSpan);
        foreach (ref readonly var e in store.Events.AsSpan(slot * store.EventsPerSpan, s.EventCount))
        {
            var name = store.Text(e.Name);
            ref byte b = ref _buffer.Ensure(p, 1 + 1 + 9 + 1 + 5 + name.Length);
            p = Put(ref b, p, SpanEvents);
            int lengthAt = p++;
            p = Put(ref b, p, EventTime);
            p = Fixed64(ref b, p, (ulong)clock.ToUnixNanoseconds(e.Time, e.TimeIsUnixNanoseconds));
            p = Bytes(ref b, p, EventName, name);
            p = WriteAttributes(store, EventAttributes, shared.Slice(e.AttributeStart, e.AttributeCount), p);
            if (e.DroppedAttributes > 0)
                p = WriteVarintField(EventDroppedAttributes, (uint)e.DroppedAttributes, p);
            p = EndShortMessage(lengthAt, p);
        }
        return p;
    }

    private int EndShortMessage(int lengthAt, int end)
    {
        int length = end - lengthAt - 1;
        if (length >= 128)
            return FitLength(lengthAt, 1, end);
        Unsafe.Add(ref _buffer.Start, lengthAt) = (byte)length;
        return end;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int WriteLinks(SpanStore store, int slot, ref SpanSlot s, int p)
    {
        var shared = store.ExtraAttributes.AsSpan(slot * store.ExtraAttributesPerSpan, store.ExtraAttributesPerSpan);
        foreach (ref readonly var l in store.Links.AsSpan(slot * store.LinksPerSpan, s.LinkCount))
        {
            var traceState = store.Text(l.TraceState);
            ref byte b = ref _buffer.Ensure(p, 1 + 1 + 18 + 10 + 1 + 5 + traceState.Length);
            p = Put(ref b, p, SpanLinks);
            int lengthAt = p++;
            p = WriteIds(ref b, p, l.TraceHigh, l.TraceLow, l.SpanId);
            if (!traceState.IsEmpty)
                p = Bytes(ref b, p, LinkTraceState, traceState);
            p = WriteAttributes(store, LinkAttributes, shared.Slice(l.AttributeStart, l.AttributeCount), p);
            if (l.DroppedAttributes > 0)
                p = WriteVarintField(LinkDroppedAttributes, (uint)l.DroppedAttributes, p);
            b = ref _buffer.Ensure(p, 5);
            p = Put(ref b, p, LinkFlags);
            p = Fixed32(ref b, p, (uint)l.Flags);
            p = EndShortMessage(lengthAt, p);
        }
        return p;
    }

    /// <summary>
    /// KeyValues, each in the field <paramref name="tag"/>. Keys and values shorter than
    /// <see cref="ShortText"/> bytes, as they nearly always are, take one-byte lengths known
    /// before anything is written, and the room check is against a capacity kept in a local.
    /// </summary>
    private int WriteAttributes(SpanStore store, byte tag, ReadOnlySpan<AttributeEntry> attributes, int p)
    {
        var arena = store.Arena;
        ref byte b = ref _buffer.Start;
        int capacity = _buffer.Capacity;
        foreach (ref readonly var a in attributes)
        {
            if (p > capacity - MaxShortKeyValue)
            {
                b = ref _buffer.Ensure(p, MaxShortKeyValue);
                capacity = _buffer.Capacity;
            }
            var key = arena.AsSpan(a.Key.Offset, a.Key.Length);
            if (key.Length < ShortText)
            {
                switch (a.Type)
                {
                    case AttributeType.String when a.Length < ShortText:
                        var value = arena.AsSpan((int)a.Value, a.Length);
                        p = ShortHead(ref b, p, tag, key, 4 + value.Length);
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p),
                            KeyValueValue | (uint)(2 + value.Length) << 8 | (uint)AnyString << 16 | (uint)value.Length << 24);
                        ShortCopy.To(value, ref Unsafe.Add(ref b, p + 4));
                        p += 4 + value.Length;
                        continue;
                    case AttributeType.Int:
                        int size = VarintSize((ulong)a.Value);
                        p = ShortHead(ref b, p, tag, key, 3 + size);
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p), (ushort)(KeyValueValue | (1 + size) << 8));
                        p = Varint(ref b, Put(ref b, p + 2, AnyInt), (ulong)a.Value);
                        continue;
                    case AttributeType.Bool:
                        p = ShortHead(ref b, p, tag, key, 4);
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p),
                            KeyValueValue | 2u << 8 | (uint)AnyBool << 16 | (a.Value != 0 ? 1u : 0u) << 24);
                        p += 4;
                        continue;
                    case AttributeType.Double:
                        p = ShortHead(ref b, p, tag, key, 11);
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p), (ushort)(KeyValueValue | 9 << 8));
                        p = Fixed64(ref b, Put(ref b, p + 2, AnyDouble), (ulong)a.Value);
                        continue;
                }
            }
            p = WriteKeyValue(store, tag, a, p);
            b = ref _buffer.Start;
            capacity = _buffer.Capacity;
        }
        return p;
    }

    // A short KeyValue's tag, its one-byte length, and its key; the value's field takes
    // valueField bytes. Four bytes written as one little-endian word, as in the value fields
    // above (kt runs on little-endian CPUs only).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ShortHead(ref byte b, int p, byte tag, ReadOnlySpan<byte> key, int valueField)
    {
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p),
            tag | (uint)(2 + key.Length + valueField) << 8 | (uint)KeyValueKey << 16 | (uint)key.Length << 24);
        ShortCopy.To(key, ref Unsafe.Add(ref b, p + 4));
        return p + 4 + key.Length;
    }

    /// <summary>A KeyValue of any size: the tag of the field that holds it, its exact length, the key, the value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int WriteKeyValue(SpanStore store, byte tag, in AttributeEntry a, int p)
    {
        if (a.Type is not (AttributeType.String or AttributeType.Bool or AttributeType.Int or AttributeType.Double))
            return WriteArrayKeyValue(store, tag, a, p);
        var key = store.Text(a.Key);
        var text = a.Type == AttributeType.String ? store.Arena.AsSpan((int)a.Value, a.Length) : default;
        int anySize = a.Type switch
        {
            AttributeType.String => BytesFieldSize(text.Length),
            AttributeType.Bool => 2,
            AttributeType.Int => 1 + VarintSize((ulong)a.Value),
            _ => 9,
        };
        int size = BytesFieldSize(key.Length) + BytesFieldSize(anySize);
        ref byte b = ref _buffer.Ensure(p, 1 + 5 + size);
        p = Put(ref b, p, tag);
        p = Varint(ref b, p, (uint)size);
        p = Bytes(ref b, p, KeyValueKey, key);
        p = Put(ref b, p, KeyValueValue);
        p = Varint(ref b, p, (uint)anySize);
        switch (a.Type)
        {
            case AttributeType.String:
                return Bytes(ref b, p, AnyString, text);
            case AttributeType.Bool:
                p = Put(ref b, p, AnyBool);
                return Put(ref b, p, a.Value != 0 ? (byte)1 : (byte)0);
            case AttributeType.Int:
                return Varint(ref b, Put(ref b, p, AnyInt), (ulong)a.Value);
            default:
                return Fixed64(ref b, Put(ref b, p, AnyDouble), (ulong)a.Value);
        }
    }

    // An array value's elements, one AnyValue each, sized before they are written.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int WriteArrayKeyValue(SpanStore store, byte tag, in AttributeEntry a, int p)
    {
        var key = store.Text(a.Key);
        int arraySize = ArrayValueSize(store, a);
        int anySize = BytesFieldSize(arraySize);
        int size = BytesFieldSize(key.Length) + BytesFieldSize(anySize);
        ref byte b = ref _buffer.Ensure(p, 1 + 5 + size);
        p = Put(ref b, p, tag);
        p = Varint(ref b, p, (uint)size);
        p = Bytes(ref b, p, KeyValueKey, key);
        p = Put(ref b, p, KeyValueValue);
        p = Varint(ref b, p, (uint)anySize);
        p = Put(ref b, p, AnyArray);
        p = Varint(ref b, p, (uint)arraySize);
        var elements = new ArrayElements(store, a);
        for (int i = 0; i < elements.Count; i++)
        {
            p = Put(ref b, p, ArrayValues);
            switch (a.Type)
            {
                case AttributeType.StringArray:
                    var text = elements.NextString();
                    p = Varint(ref b, p, (uint)BytesFieldSize(text.Length));
                    p = Bytes(ref b, p, AnyString, text);
                    break;
                case AttributeType.BoolArray:
                    p = Put(ref b, p, 2);
                    p = Put(ref b, p, AnyBool);
                    p = Put(ref b, p, elements.Bool(i) ? (byte)1 : (byte)0);
                    break;
                case AttributeType.IntArray:
                    long value = elements.Int(i);
                    p = Put(ref b, p, (byte)(1 + VarintSize((ulong)value)));
                    p = Varint(ref b, Put(ref b, p, AnyInt), (ulong)value);
                    break;
                default:
                    p = Put(ref b, p, 9);
                    p = Fixed64(ref b, Put(ref b, p, AnyDouble), elements.Bits(i));
                    break;
            }
        }
        return p;
    }

    private static int ArrayValueSize(SpanStore store, in AttributeEntry a)
    {
        var elements = new ArrayElements(store, a);
        int size = 0;
        for (int i = 0; i < elements.Count; i++)
        {
            size += BytesFieldSize(a.Type switch
            {
                AttributeType.StringArray => BytesFieldSize(elements.NextString().Length),
                AttributeType.BoolArray => 2,
                AttributeType.IntArray => 1 + VarintSize((ulong)elements.Int(i)),
                _ => 9,
            });
        }
        return size;
    }

    private static byte[] EncodeResource(IEnumerable<KeyValuePair<string, string>> attributes)
    {
        var pairs = attributes.Select(kv => (Key: Encoding.UTF8.GetBytes(kv.Key), Value: Encoding.UTF8.GetBytes(kv.Value))).ToArray();
        int KeyValueSize((byte[] Key, byte[] Value) kv) => BytesFieldSize(kv.Key.Length) + BytesFieldSize(BytesFieldSize(kv.Value.Length));
        int size = pairs.Sum(kv => BytesFieldSize(KeyValueSize(kv)));
        var resource = new byte[BytesFieldSize(size)];
        ref byte b = ref MemoryMarshal.GetArrayDataReference(resource);
        int p = Varint(ref b, Put(ref b, 0, ResourceSpansResource), (uint)size);
        foreach (var kv in pairs)
        {
            p = Varint(ref b, Put(ref b, p, ResourceAttributes), (uint)KeyValueSize(kv));
            p = Bytes(ref b, p, KeyValueKey, kv.Key);
            p = Varint(ref b, Put(ref b, p, KeyValueValue), (uint)BytesFieldSize(kv.Value.Length));
            p = Bytes(ref b, p, AnyString, kv.Value);
        }
        return resource;
    }

    [DoesNotReturn]
    private static void ThrowTooLong(int length) =>
        throw new InvalidOperationException($"an OTLP message of {length} bytes is more than four varint bytes can say");
}
