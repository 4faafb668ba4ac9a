using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kt.Timing;
using static Kt.Export.Otlp.JsonWire;

namespace Kt.Export.Otlp;

// Spans encoded as they finish (SpanRecordBatch): each record is one span's JSON object,
// written by EncodeSpanRecord on the finishing thread; a request is the head, then per scope
// its header and its records joined by commas.
public sealed partial class OtlpJsonEncoder
{
    private readonly RecordScopes _recordScopes = new();

    /// <summary>One span as its JSON object in a scope's <c>spans</c> list, valid until the next call.</summary>
    internal ReadOnlySpan<byte> EncodeSpanRecord(in SpanView span) =>
        _buffer.Memory(0, WriteSpan(span.Engine.Store, span.SlotIndex, 0, true, Clock.Current)).Span;

    /// <summary>The request for <paramref name="batch"/> as one line of JSON and a newline, valid until the next call.</summary>
    public ReadOnlySpan<byte> EncodeLine(in SpanRecordBatch batch) => Line(Write(batch, 0));

    /// <summary>The request for <paramref name="batch"/> as memory a transport can send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeToMemory(in SpanRecordBatch batch) => EncodeToMemory(batch, 0);

    /// <summary>
    /// The request for spans recorded as they finished, after <paramref name="headroom"/> free
    /// bytes (see <see cref="EncodeToMemory(in SpanBatch, int)"/>). Valid until the next call.
    /// </summary>
    public Memory<byte> EncodeToMemory(in SpanRecordBatch batch, int headroom)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        return _buffer.Memory(0, Write(batch, headroom));
    }

    private int Write(in SpanRecordBatch batch, int p)
    {
        ref byte b = ref _buffer.Ensure(p, _head.Length);
        p = Literal(ref b, p, _head);
        bool firstScope = true;
        foreach (int scope in _recordScopes.Collect(batch))
        {
            bool firstSpan = true;
            for (int i = 0; i < batch.Count; i++)
            {
                if (batch.ScopeIndex(i) != scope)
                    continue;
                if (firstSpan)
                    p = WriteScopeHead(batch.ScopeName(i), p, firstScope);
                var record = batch[i];
                b = ref _buffer.Ensure(p, record.Length + 1);
                if (!firstSpan)
                    p = Put(ref b, p, (byte)',');
                record.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, p), record.Length));
                p += record.Length;
                firstSpan = false;
            }
            b = ref _buffer.Ensure(p, 2);
            p = Literal(ref b, p, "]}"u8);
            firstScope = false;
        }
        return WriteRequestEnd(p);
    }
}
