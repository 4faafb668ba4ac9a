namespace Kt;

/// <summary>A snapshot of what the engine has done since it started.</summary>
public readonly record struct EngineCounters
{
    /// <summary>Spans given a slot, sampled or not.</summary>
    public long SpansStarted { get; init; }

    /// <summary>Spans finished through their handle.</summary>
    public long SpansFinished { get; init; }

    /// <summary>Started spans the sampler (or the parent's decision, or should_sample) left unrecorded.</summary>
    public long SpansSampledOut { get; init; }

    /// <summary>Spans released before they finished; not exported.</summary>
    public long SpansReleased { get; init; }

    /// <summary>Spans not started because every slot was in use.</summary>
    public long DroppedNoSlot { get; init; }

    /// <summary>Finished spans dropped because the finishing thread's queue was full.</summary>
    public long DroppedQueueFull { get; init; }

    /// <summary>
    /// Spans lost to shutdown, not exported: finished after it began, or finished before it and
    /// still waiting (or on their way) when its time limit passed.
    /// </summary>
    public long DroppedAfterShutdown { get; init; }

    /// <summary>Spans handed to the exporter.</summary>
    public long SpansExported { get; init; }

    /// <summary>Spans in batches the exporter reported as failed (or that threw).</summary>
    public long ExportFailedSpans { get; init; }

    /// <summary>Slots not free at the moment of reading: alive, finished and waiting, or being exported.</summary>
    public long SlotsInUse { get; init; }
}
