namespace Kt.Export;

/// <summary>Where one encoded span lies in a thread's ring.</summary>
internal readonly struct SpanRecord(byte[] ring, int offset, int length, ushort tracer)
{
    public ReadOnlySpan<byte> Bytes => ring.AsSpan(offset, length);

    public ushort Tracer => tracer;
}
