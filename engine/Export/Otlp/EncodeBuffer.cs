using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kt.Export.Otlp;

/// <summary>
/// The growable byte buffer an encoder writes a request into. The encoder keeps its write
/// position in a local and asks for room once per piece whose size it knows (a span's fixed
/// fields, an attribute), then writes through the returned reference without further checks.
/// The array comes from the pool and is reused: encoding allocates nothing once the buffer has
/// grown to the largest batch.
/// </summary>
internal sealed class EncodeBuffer
{
    private byte[] _array;

    public EncodeBuffer(int initialCapacity = 64 * 1024) => _array = ArrayPool<byte>.Shared.Rent(initialCapacity);

    /// <summary>
    /// A reference to the buffer's first byte, with at least <paramref name="bytes"/> bytes of
    /// room after <paramref name="position"/>. Any reference taken before this call is stale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref byte Ensure(int position, int bytes)
    {
        if ((ulong)(uint)position + (uint)bytes > (uint)_array.Length)
            Grow(position, bytes);
        return ref MemoryMarshal.GetArrayDataReference(_array);
    }

    /// <summary>A reference to the buffer's first byte, for a loop that checks <see cref="Capacity"/> itself; stale after <see cref="Ensure"/>.</summary>
    public ref byte Start => ref MemoryMarshal.GetArrayDataReference(_array);

    /// <summary>How many bytes the buffer holds now.</summary>
    public int Capacity => _array.Length;

    /// <summary>The first <paramref name="length"/> bytes, written.</summary>
    public Memory<byte> Memory(int start, int length) => _array.AsMemory(start, length);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int position, int bytes)
    {
        long needed = (long)position + bytes;
        if (bytes < 0 || needed > Array.MaxLength)
            throw new InvalidOperationException($"an OTLP request of {needed} bytes does not fit in one buffer");
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(2L * _array.Length, needed)));
        _array.AsSpan(0, position).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }
}
