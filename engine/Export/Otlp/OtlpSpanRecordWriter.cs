namespace Kt.Export.Otlp;

/// <summary>
/// A finishing thread's OTLP protobuf writer: each span becomes the bytes it takes inside an
/// <c>ExportTraceServiceRequest</c>, which <see cref="OtlpTraceEncoder.EncodeToMemory(in SpanRecordBatch, int)"/>
/// later puts under its resource and scope as they are.
/// </summary>
internal sealed class OtlpSpanRecordWriter : ISpanRecordWriter
{
    private readonly OtlpTraceEncoder _encoder = new([]);

    /// <inheritdoc/>
    public int RoomPerRecord => 512;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> Encode(in SpanView span) => _encoder.EncodeSpanRecord(span);
}
