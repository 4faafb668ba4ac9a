using System.Runtime.InteropServices;

namespace Kt;

/// <summary>
/// Counts forks of this process, through a pthread_atfork child handler. Random generators
/// compare it with the value they were seeded under and reseed when it moved, so a forked
/// child does not hand out its parent's next ids.
/// </summary>
internal static unsafe class ForkEpoch
{
    private static volatile int s_epoch;

    public static int Current => s_epoch;

    static ForkEpoch()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            pthread_atfork(null, null, &OnChildAfterFork);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>Makes sure the handler is registered before the first id is drawn.</summary>
    public static void EnsureRegistered() => _ = s_epoch;

    [UnmanagedCallersOnly]
    private static void OnChildAfterFork() => Advance();

    /// <summary>What the child handler does; tests call it to stand in for a fork.</summary>
    internal static void Advance() => Interlocked.Increment(ref s_epoch);

    [DllImport("libc")]
    private static extern int pthread_atfork(delegate* unmanaged<void> prepare, delegate* unmanaged<void> parent, delegate* unmanaged<void> child);
}
