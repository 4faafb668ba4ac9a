namespace Kt.Export.Otlp;

/// <summary>
/// Appends each batch to a file as one line of OTLP JSON, the format of the OpenTelemetry
/// Collector's file exporter: the embedded default, which needs no collector. Each span is
/// encoded as it finishes, on the thread that finishes it; the lines are written on the
/// exporter thread, so the caller's path never waits for the disk. Several processes (nginx's
/// workers) may append to the same file: each line is one <c>O_APPEND</c> write, so lines
/// never interleave.
/// </summary>
public sealed class OtlpFileExporter : IEncodedSpanExporter, ICountingExporter
{
    private long _batches, _spans, _failed, _bytes;
    private string? _lastError;
    private bool _delivering = true;

    private readonly OtlpJsonEncoder _encoder;
    private readonly AppendOnlyFile _file;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending.</summary>
    public OtlpFileExporter(string path, IEnumerable<KeyValuePair<string, string>> resourceAttributes)
    {
        _encoder = new OtlpJsonEncoder(resourceAttributes);
        _file = new AppendOnlyFile(path);
        Path = path;
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public ExporterCounters Counters => new()
    {
        BatchesExported = Interlocked.Read(ref _batches),
        SpansExported = Interlocked.Read(ref _spans),
        SpansFailed = Interlocked.Read(ref _failed),
        BytesSent = Interlocked.Read(ref _bytes),
        LastError = Volatile.Read(ref _lastError),
    };

    /// <inheritdoc/>
    public bool TakesRecords => true;

    /// <inheritdoc/>
    public ISpanRecordWriter CreateRecordWriter() => new OtlpJsonSpanRecordWriter();

    /// <inheritdoc/>
    public bool Export(in SpanRecordBatch batch) => Append(batch.Count, _encoder.EncodeLine(batch));

    /// <inheritdoc/>
    public bool Export(in SpanBatch batch) => Append(batch.Count, _encoder.EncodeLine(batch));

    private bool Append(int spans, ReadOnlySpan<byte> line)
    {
        try
        {
            _file.Append(line);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _spans, spans);
            Interlocked.Add(ref _bytes, line.Length);
            if (Volatile.Read(ref _lastError) is not null && !_delivering)
            {
                _delivering = true;
                KtLog.Write(KtLogLevel.Notice, $"writing {Path} works again");
            }
            return true;
        }
        catch (IOException e)
        {
            Interlocked.Add(ref _failed, spans);
            var message = e.Message.StartsWith("kt: ", StringComparison.Ordinal) ? e.Message : $"kt: writing {Path} failed: {e.Message}";
            if (_delivering || message != Volatile.Read(ref _lastError))
                KtLog.Write(KtLogLevel.Error, message[4..]);
            _delivering = false;
            Volatile.Write(ref _lastError, message);
            return false;
        }
    }

    /// <inheritdoc/>
    public void Shutdown() => _file.Dispose();
}
