using System.Buffers.Binary;

namespace Kt;

/// <summary>A 128-bit W3C trace id; all zero means "no trace".</summary>
public readonly struct TraceId : IEquatable<TraceId>
{
    /// <summary>The first (most significant) eight bytes.</summary>
    public readonly ulong High;

    /// <summary>The last eight bytes; the W3C "random" part lives in its low 56 bits.</summary>
    public readonly ulong Low;

    /// <summary>Builds a trace id from its two halves, big-endian order.</summary>
    public TraceId(ulong high, ulong low)
    {
        High = high;
        Low = low;
    }

    /// <summary>True unless every bit is zero, which W3C forbids.</summary>
    public bool IsValid => (High | Low) != 0;

    /// <summary>Writes the 16 bytes in network order.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    /// <summary>Reads 16 bytes in network order.</summary>
    public static TraceId FromBytes(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[8..]));

    /// <summary>Writes 32 lower-case hex characters as UTF-8.</summary>
    public void WriteHex(Span<byte> destination)
    {
        Hex.WriteUInt64(High, destination);
        Hex.WriteUInt64(Low, destination[16..]);
    }

    /// <summary>Parses exactly 32 lower-case hex characters; upper case is refused as W3C requires.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> hex, out TraceId id)
    {
        id = default;
        if (hex.Length != 32 || !Hex.TryReadUInt64(hex[..16], out var high) || !Hex.TryReadUInt64(hex[16..], out var low))
            return false;
        id = new TraceId(high, low);
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(TraceId other) => High == other.High && Low == other.Low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TraceId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(High, Low);

    /// <summary>32 lower-case hex characters.</summary>
    public override string ToString()
    {
        Span<byte> buffer = stackalloc byte[32];
        WriteHex(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Equality of all 128 bits.</summary>
    public static bool operator ==(TraceId left, TraceId right) => left.Equals(right);

    /// <summary>Inequality of any bit.</summary>
    public static bool operator !=(TraceId left, TraceId right) => !left.Equals(right);
}
