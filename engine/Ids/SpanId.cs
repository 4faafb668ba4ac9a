using System.Buffers.Binary;

namespace Kt;

/// <summary>A 64-bit W3C span id; zero means "no span".</summary>
public readonly struct SpanId : IEquatable<SpanId>
{
    /// <summary>The eight bytes, big-endian.</summary>
    public readonly ulong Value;

    /// <summary>Wraps a raw value.</summary>
    public SpanId(ulong value) => Value = value;

    /// <summary>True unless zero, which W3C forbids.</summary>
    public bool IsValid => Value != 0;

    /// <summary>Writes the 8 bytes in network order.</summary>
    public void CopyTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, Value);

    /// <summary>Writes 16 lower-case hex characters as UTF-8.</summary>
    public void WriteHex(Span<byte> destination) => Hex.WriteUInt64(Value, destination);

    /// <summary>Parses exactly 16 lower-case hex characters.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> hex, out SpanId id)
    {
        id = default;
        if (hex.Length != 16 || !Hex.TryReadUInt64(hex, out var value))
            return false;
        id = new SpanId(value);
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(SpanId other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SpanId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>16 lower-case hex characters.</summary>
    public override string ToString()
    {
        Span<byte> buffer = stackalloc byte[16];
        WriteHex(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(SpanId left, SpanId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SpanId left, SpanId right) => !left.Equals(right);
}
