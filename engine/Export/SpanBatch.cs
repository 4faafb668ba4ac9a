namespace Kt.Export;

/// <summary>Finished spans handed to an exporter, read in place from their slots.</summary>
public readonly ref struct SpanBatch
{
    private readonly TraceEngine _engine;
    private readonly ReadOnlySpan<int> _slots;

    internal SpanBatch(TraceEngine engine, ReadOnlySpan<int> slots)
    {
        _engine = engine;
        _slots = slots;
    }

    internal TraceEngine Engine => _engine;

    /// <summary>The slot index of each span, for encoders that read the slots directly.</summary>
    internal ReadOnlySpan<int> Slots => _slots;

    /// <summary>How many spans.</summary>
    public int Count => _slots.Length;

    /// <summary>The span at <paramref name="index"/>.</summary>
    public SpanView this[int index] => new(_engine, _slots[index]);
}
