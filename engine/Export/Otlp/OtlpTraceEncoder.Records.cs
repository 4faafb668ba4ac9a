using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kt.Timing;
using static Kt.Export.Otlp.ProtobufWire;

namespace Kt.Export.Otlp;

// Spans encoded as they finish (SpanRecordBatch): each record is a span's ScopeSpans.spans
// field, written by EncodeSpanRecord on the finishing thread; a request is the resource, then
// per scope its header and its records' bytes as they are.
public sealed partial class OtlpTraceEncoder
{
    private readonly RecordScopes _recordScopes = new();

    /// <summary>One span as its <c>ScopeSpans.spans</c> field (tag, length, <c>Span</c>), valid until the next call.</summary>
    internal ReadOnlySpan<byte> EncodeSpanRecord(in SpanView span) =>
        _buffer.Memory(0, WriteSpan(span.Engine.Store, span.SlotIndex, 0, Clock.Current)).Span;

    /// <summary>The request for <paramref name="batch"/> as memory a transport can send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeToMemory(in SpanRecordBatch batch) => EncodeToMemory(batch, 0);

    /// <summary>
    /// The request for spans recorded as they finished, after <paramref name="headroom"/> free
    /// bytes (see <see cref="EncodeToMemory(in SpanBatch, int)"/>). Valid until the next call.
    /// </summary>
    public Memory<byte> EncodeToMemory(in SpanRecordBatch batch, int headroom)
    {
        int p = BeginRequest(headroom, out int resourceSpans);
        foreach (int scope in _recordScopes.Collect(batch))
        {
            int scopeSpans = p + 1;
            bool named = false;
            for (int i = 0; i < batch.Count; i++)
            {
                if (batch.ScopeIndex(i) != scope)
                    continue;
                if (!named)
                {
                    p = WriteScope(batch.ScopeName(i), p);
                    named = true;
                }
                var record = batch[i];
                ref byte b = ref _buffer.Ensure(p, record.Length);
                record.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, p), record.Length));
                p += record.Length;
            }
            EndPadded(scopeSpans, p);
        }
        EndPadded(resourceSpans, p);
        return _buffer.Memory(0, p);
    }
}
