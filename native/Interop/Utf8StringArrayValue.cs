using System.Runtime.CompilerServices;
using Kt.Store;

namespace Kt.Native.Interop;

/// <summary>
/// An array of C strings as an attribute value; the strings were checked beforehand, unless
/// <paramref name="validated"/> is false (the store then checks and repairs them).
/// </summary>
internal readonly unsafe ref struct Utf8StringArrayValue(KtStr* items, int count, bool validated) : IAttributeValue
{
    public KtStatus WriteTo(SpanStore store, int slot, ref SpanSlot s, ref AttributeEntry entry)
    {
        entry.Type = AttributeType.StringArray;
        entry.Value = store.TextStart(slot) + s.ArenaUsed;
        entry.Length = count;
        Span<byte> length = stackalloc byte[4];
        for (int i = 0; i < count; i++)
        {
            if (!store.AppendBytes(slot, ref s, length, out var lengthRef))
                return KtStatus.LimitReached;
            var text = new ReadOnlySpan<byte>(items[i].Ptr, (int)items[i].Len);
            var status = store.AppendText(slot, ref s, new TextInput(text, validated), store.ValueLengthLimit, out var stored);
            if (status != KtStatus.Ok)
                return status;
            Unsafe.WriteUnaligned(ref store.Arena[lengthRef.Offset], stored.Length);
        }
        return KtStatus.Ok;
    }
}
