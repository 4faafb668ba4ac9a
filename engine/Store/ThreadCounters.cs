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
    public long EncodeFailed;

    /// <summary>Finished spans handed to the exporter's queue (a ring of slots or of records).</summary>
    public long Queued;

    /// <summary>Finished spans of an engine without an exporter, freed as they finished.</summary>
    public long ExportedNowhere;

    public void Reset()
    {
        Started = Finished = SampledOut = Released = 0;
        DroppedNoSlot = DroppedQueueFull = DroppedAfterShutdown = EncodeFailed = Queued = ExportedNowhere = 0;
    }

    public void Add(ThreadCounters other)
    {
        Started += Volatile.Read(ref other.Started);
        Finished += Volatile.Read(ref other.Finished);
        SampledOut += Volatile.Read(ref other.SampledOut);
        Released += Volatile.Read(ref other.Released);
        DroppedNoSlot += Volatile.Read(ref other.DroppedNoSlot);
        DroppedQueueFull += Volatile.Read(ref other.DroppedQueueFull);
        DroppedAfterShutdown += Volatile.Read(ref other.DroppedAfterShutdown);
        EncodeFailed += Volatile.Read(ref other.EncodeFailed);
        Queued += Volatile.Read(ref other.Queued);
        ExportedNowhere += Volatile.Read(ref other.ExportedNowhere);
    }
}
