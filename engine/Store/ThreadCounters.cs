namespace Kt.Store;

/// <summary>
/// Counters written by one thread only, so the hot path increments them without atomics;
/// readers sum every thread's block, exact once the threads are quiet.
/// </summary>
internal sealed class ThreadCounters
{
    public long Started;
    public long Finished;
    public long SampledOut;
    public long Released;
    public long DroppedNoSlot;
    public long DroppedQueueFull;
    public long DroppedAfterShutdown;
}
