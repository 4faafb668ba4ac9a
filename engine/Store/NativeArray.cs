using System.Runtime.CompilerServices;

namespace Kt.Store;

/// <summary>
/// A bounds-checked view of unmanaged elements in a <see cref="NativeRegion"/>; used like an
/// array (<c>ref a[i]</c>, <c>AsSpan</c>). Valid while the region is reachable.
/// </summary>
internal readonly unsafe struct NativeArray<T> where T : unmanaged
{
    private readonly T* _items;

    public NativeArray(T* items, int length)
    {
        _items = items;
        Length = length;
    }

    public int Length { get; }

    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Length)
                ThrowOutOfRange();
            return ref _items[index];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> AsSpan(int start, int length)
    {
        if ((ulong)(uint)start + (uint)length > (uint)Length)
            ThrowOutOfRange();
        return new Span<T>(_items + start, length);
    }

    public Span<T> AsSpan(int start) => AsSpan(start, Length - start);

    private static void ThrowOutOfRange() => throw new IndexOutOfRangeException();
}
