namespace Kt.Export;

/// <summary>
/// Spans encoded by an <see cref="ISpanRecordWriter"/> as they finished, read in place from the
/// finishing threads' rings; valid only during <see cref="IEncodedSpanExporter.Export(in SpanRecordBatch)"/>.
/// </summary>
public readonly ref struct SpanRecordBatch
{
    private readonly TraceEngine _engine;
    private readonly ReadOnlySpan<SpanRecord> _records;

    internal SpanRecordBatch(TraceEngine engine, ReadOnlySpan<SpanRecord> records)
    {
        _engine = engine;
        _records = records;
    }

    /// <summary>How many spans.</summary>
    public int Count => _records.Length;

    /// <summary>The bytes of the span at <paramref name="index"/>, as its writer encoded them.</summary>
    public ReadOnlySpan<byte> this[int index] => _records[index].Bytes;

    /// <summary>Which tracer made the span at <paramref name="index"/>, to group spans by scope.</summary>
    public int ScopeIndex(int index) => _records[index].Tracer;

    /// <summary>The instrumentation scope's name (the tracer's name) of the span at <paramref name="index"/>, UTF-8.</summary>
    public ReadOnlySpan<byte> ScopeName(int index) => _engine.TracerNameUtf8(_records[index].Tracer);
}
