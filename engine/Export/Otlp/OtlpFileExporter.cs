namespace Kt.Export.Otlp;

/// <summary>
/// Appends each batch to a file as one line of OTLP JSON, the format of the OpenTelemetry
/// Collector's file exporter: the embedded default, which needs no collector. Writes on the
/// exporter thread; the caller's path never waits for the disk.
/// </summary>
public sealed class OtlpFileExporter : ISpanExporter, ICountingExporter
{
    private long _batches, _spans, _failed, _bytes;
    private string? _lastError;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly OtlpJsonEncoder _encoder;
    private readonly FileStream _file;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending.</summary>
    public OtlpFileExporter(string path, IEnumerable<KeyValuePair<string, string>> resourceAttributes)
    {
        _encoder = new OtlpJsonEncoder(resourceAttributes);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
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
    public bool Export(in SpanBatch batch)
    {
        try
        {
            var line = _encoder.Encode(batch);
            _file.Write(line);
            _file.Write(NewLine);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _spans, batch.Count);
            Interlocked.Add(ref _bytes, line.Length + 1);
            return true;
        }
        catch (IOException e)
        {
            Interlocked.Add(ref _failed, batch.Count);
            Volatile.Write(ref _lastError, $"kt: writing {Path} failed: {e.Message}");
            return false;
        }
    }

    /// <inheritdoc/>
    public void Shutdown() => _file.Dispose();
}
