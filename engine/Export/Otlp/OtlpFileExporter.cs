namespace Kt.Export.Otlp;

/// <summary>
/// Appends each batch to a file as one line of OTLP JSON, the format of the OpenTelemetry
/// Collector's file exporter: the embedded default, which needs no collector. Writes on the
/// exporter thread; the caller's path never waits for the disk.
/// </summary>
public sealed class OtlpFileExporter : ISpanExporter
{
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
    public bool Export(in SpanBatch batch)
    {
        try
        {
            _file.Write(_encoder.Encode(batch));
            _file.Write(NewLine);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Shutdown() => _file.Dispose();
}
