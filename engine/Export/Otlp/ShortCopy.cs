using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kt.Export.Otlp;

/// <summary>
/// Copies the short runs of text an encoder copies most (keys, values, names: mostly under
/// 32 bytes) with two overlapping loads and stores, instead of a call to a general copy.
/// </summary>
internal static class ShortCopy
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, which does not overlap it and has room.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void To(ReadOnlySpan<byte> source, ref byte destination)
    {
        int n = source.Length;
        ref byte s = ref MemoryMarshal.GetReference(source);
        if (n > 16)
        {
            if (n > 32)
            {
                source.CopyTo(MemoryMarshal.CreateSpan(ref destination, n));
                return;
            }
            var head = Vector128.LoadUnsafe(ref s);
            var tail = Vector128.LoadUnsafe(ref s, (nuint)(n - 16));
            head.StoreUnsafe(ref destination);
            tail.StoreUnsafe(ref destination, (nuint)(n - 16));
        }
        else if (n >= 8)
        {
            ulong head = Unsafe.ReadUnaligned<ulong>(ref s);
            ulong tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, n - 8));
            Unsafe.WriteUnaligned(ref destination, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, n - 8), tail);
        }
        else if (n >= 4)
        {
            uint head = Unsafe.ReadUnaligned<uint>(ref s);
            uint tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, n - 4));
            Unsafe.WriteUnaligned(ref destination, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, n - 4), tail);
        }
        else if (n > 0)
        {
            // One to three bytes: the first, the middle and the last cover them.
            Unsafe.Add(ref destination, n - 1) = Unsafe.Add(ref s, n - 1);
            Unsafe.Add(ref destination, n >> 1) = Unsafe.Add(ref s, n >> 1);
            destination = s;
        }
    }
}
