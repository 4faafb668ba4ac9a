namespace Kt.Interop;

/// <summary>The engine's counters, field for field as <c>kt_counters_t</c> carries them.</summary>
public readonly struct KtCounters
{
    internal KtCounters(in KtCountersNative c)
    {
        SpansStarted = c.SpansStarted;
        SpansFinished = c.SpansFinished;
        SpansSampledOut = c.SpansSampledOut;
        SpansReleased = c.SpansReleased;
        DroppedNoSlot = c.DroppedNoSlot;
        DroppedQueueFull = c.DroppedQueueFull;
        DroppedAfterShutdown = c.DroppedAfterShutdown;
        SpansExported = c.SpansExported;
        ExportFailedSpans = c.ExportFailedSpans;
        SlotsInUse = c.SlotsInUse;
    }

    /// <summary><c>spans_started</c>: spans given a slot, sampled or not.</summary>
    public ulong SpansStarted { get; }

    /// <summary><c>spans_finished</c>: spans finished through their handle.</summary>
    public ulong SpansFinished { get; }

    /// <summary><c>spans_sampled_out</c>: started spans left unrecorded by sampling.</summary>
    public ulong SpansSampledOut { get; }

    /// <summary><c>spans_released</c>: spans released before they finished; not exported.</summary>
    public ulong SpansReleased { get; }

    /// <summary><c>dropped_no_slot</c>: spans not started because every slot was in use.</summary>
    public ulong DroppedNoSlot { get; }

    /// <summary><c>dropped_queue_full</c>: finished spans dropped because a queue was full.</summary>
    public ulong DroppedQueueFull { get; }

    /// <summary><c>dropped_after_shutdown</c>: spans finished after shutdown began, or still waiting for export when its time ran out; not exported.</summary>
    public ulong DroppedAfterShutdown { get; }

    /// <summary><c>spans_exported</c>: spans handed to the exporter.</summary>
    public ulong SpansExported { get; }

    /// <summary><c>export_failed_spans</c>: spans in batches the exporter reported as failed.</summary>
    public ulong ExportFailedSpans { get; }

    /// <summary><c>slots_in_use</c>: slots not free at the moment of reading.</summary>
    public ulong SlotsInUse { get; }

    /// <summary>The counters as one line, for diagnostics.</summary>
    public override string ToString() =>
        $"started={SpansStarted} finished={SpansFinished} sampled_out={SpansSampledOut} released={SpansReleased} " +
        $"dropped_no_slot={DroppedNoSlot} dropped_queue_full={DroppedQueueFull} dropped_after_shutdown={DroppedAfterShutdown} " +
        $"exported={SpansExported} export_failed={ExportFailedSpans} slots_in_use={SlotsInUse}";
}
