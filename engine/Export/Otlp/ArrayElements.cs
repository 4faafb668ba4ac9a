using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kt.Store;

namespace Kt.Export.Otlp;

/// <summary>
/// The elements of an array attribute, read in place from the arena. Numbers are indexed;
/// strings, each a four-byte length and its bytes, are read in order with <see cref="NextString"/>.
/// </summary>
internal ref struct ArrayElements
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _next;

    public ArrayElements(SpanStore store, in AttributeEntry entry)
    {
        Count = entry.Type >= AttributeType.StringArray ? entry.Length : 0;
        _payload = Count == 0 ? default : store.Arena.AsSpan((int)entry.Value);
    }

    public int Count { get; }

    public readonly long Int(int index) => Unsafe.ReadUnaligned<long>(in MemoryMarshal.GetReference(_payload.Slice(index * 8, 8)));

    public readonly ulong Bits(int index) => (ulong)Int(index);

    public readonly bool Bool(int index) => _payload[index] != 0;

    public ReadOnlySpan<byte> NextString()
    {
        int length = Unsafe.ReadUnaligned<int>(in MemoryMarshal.GetReference(_payload.Slice(_next, 4)));
        var text = _payload.Slice(_next + 4, length);
        _next += 4 + length;
        return text;
    }
}
