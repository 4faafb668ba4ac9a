namespace Kt.Store;

/// <summary>Where a slot is in its life.</summary>
internal enum SlotState : byte
{
    /// <summary>On a free list.</summary>
    Free = 0,

    /// <summary>A sampled span, between start and finish.</summary>
    Recording = 1,

    /// <summary>An unsampled span: it has ids for propagation and records nothing.</summary>
    NonRecording = 2,

    /// <summary>Finished and waiting for the exporter.</summary>
    Finished = 3,

    /// <summary>
    /// Finished, in a context that keeps its finished spans: readable through its handle, and
    /// exported (or dropped, if withdrawn) when the context ends.
    /// </summary>
    Kept = 4,
}
