namespace Kt.Export.Otlp;

/// <summary>
/// A finishing thread's OTLP JSON writer: each span becomes its JSON object, which
/// <see cref="OtlpJsonEncoder.EncodeToMemory(in SpanRecordBatch, int)"/> and
/// <see cref="OtlpJsonEncoder.EncodeLine(in SpanRecordBatch)"/> later put under its resource
/// and scope as they are.
/// </summary>
internal sealed class OtlpJsonSpanRecordWriter : ISpanRecordWriter
{
    private readonly OtlpJsonEncoder _encoder = new([]);

    /// <inheritdoc/>
    public int RoomPerRecord => 1024;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> Encode(in SpanView span) => _encoder.EncodeSpanRecord(span);
}
