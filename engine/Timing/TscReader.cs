using System.Runtime.InteropServices;

namespace Kt.Timing;

/// <summary>
/// Reads the x86 time-stamp counter. .NET has no intrinsic for RDTSC, so the five
/// instructions are placed in an executable page once and called through an unmanaged
/// function pointer without a GC transition: about a third of a clock_gettime call.
/// </summary>
internal static unsafe class TscReader
{
    // rdtsc; shl rdx, 32; or rax, rdx; ret
    private static ReadOnlySpan<byte> Code => [0x0F, 0x31, 0x48, 0xC1, 0xE2, 0x20, 0x48, 0x09, 0xD0, 0xC3];

    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    /// <summary>The thunk, or null where the counter is not usable.</summary>
    public static readonly delegate* unmanaged[SuppressGCTransition]<ulong> Read = Create();

    private static delegate* unmanaged[SuppressGCTransition]<ulong> Create()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable("KT_CLOCK") == "monotonic" || !IsInvariant())
            return null;
        try
        {
            nint page = mmap(0, 4096, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (page == -1)
                return null;
            Code.CopyTo(new Span<byte>((void*)page, Code.Length));
            if (mprotect(page, 4096, ProtRead | ProtExec) != 0)
                return null;
            return (delegate* unmanaged[SuppressGCTransition]<ulong>)page;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // Without constant_tsc and nonstop_tsc the counter changes rate or stops in idle states.
    private static bool IsInvariant()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (!line.StartsWith("flags", StringComparison.Ordinal))
                    continue;
                var flags = $" {line} ";
                return flags.Contains(" constant_tsc ", StringComparison.Ordinal)
                    && flags.Contains(" nonstop_tsc ", StringComparison.Ordinal);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = false)]
    private static extern int mprotect(nint addr, nuint length, int prot);
}
