using System.Runtime.ConstrainedExecution;
using System.Runtime.InteropServices;

namespace Kt.Store;

/// <summary>
/// One block of memory outside the managed heap for all of a store's span data, mapped
/// anonymously and advised to use 2 MiB transparent huge pages. Spans recycle slots spread
/// over tens of megabytes; with 4 KiB pages nearly every span would miss the TLB. Pages are
/// committed by the kernel on first touch. The block is unmapped when the store is collected:
/// a handle can reach the store until then, so freeing it earlier could never be safe.
/// </summary>
internal sealed unsafe class NativeRegion : CriticalFinalizerObject
{
    private const int ProtRead = 1, ProtWrite = 2;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;
    private const int MadviseHugePage = 14;
    private const nuint HugePage = 2 * 1024 * 1024;

    private readonly byte* _base;
    private readonly nuint _length;
    private readonly bool _mapped;

    public NativeRegion(nuint length)
    {
        _length = (length + HugePage - 1) & ~(HugePage - 1);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                nint address = mmap(0, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
                if (address != -1)
                {
                    _base = (byte*)address;
                    _mapped = true;
                    _ = madvise(address, _length, MadviseHugePage);
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }
        if (!_mapped)
            _base = (byte*)NativeMemory.AlignedAlloc(_length, 64);
        if (_base == null)
            throw new OutOfMemoryException($"cannot reserve {_length} bytes for the span store");
        if (!_mapped)
            NativeMemory.Clear(_base, _length);
    }

    /// <summary>A typed array at a byte offset of the region.</summary>
    public NativeArray<T> Array<T>(nuint offset, int length) where T : unmanaged =>
        new((T*)(_base + offset), length);

    ~NativeRegion()
    {
        if (_mapped)
            _ = munmap((nint)_base, _length);
        else
            NativeMemory.AlignedFree(_base);
    }

    [DllImport("libc", SetLastError = false)]
    private static extern nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = false)]
    private static extern int madvise(nint addr, nuint length, int advice);

    [DllImport("libc", SetLastError = false)]
    private static extern int munmap(nint addr, nuint length);
}
