namespace Kt.Export;

/// <summary>
/// Encodes one finished span, on the thread that finishes it, into the bytes its exporter
/// will send: the span's data is still in that core's cache, and its slot is free again at
/// once. Each thread that finishes spans has its own writer.
/// </summary>
public interface ISpanRecordWriter
{
    /// <summary>
    /// Bytes to set aside per queued span in the thread's ring of records: about what a server
    /// span with a dozen attributes takes in this encoding; larger ones take the room of smaller ones.
    /// </summary>
    int RoomPerRecord { get; }

    /// <summary>The span's record, valid until the next call on this writer.</summary>
    ReadOnlySpan<byte> Encode(in SpanView span);
}
