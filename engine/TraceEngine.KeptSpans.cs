using Kt.Export;
using Kt.Store;

namespace Kt;

// A context that keeps its finished spans (TraceContext.KeepsFinishedSpans) is how Kong's
// requests hold theirs: a finished span stays in the context's list and its handles stay
// readable until the context ends, and only then goes to export. Nothing is copied at finish,
// so reading no field costs nothing; what the request pays is its slots held until it ends.
public sealed partial class TraceEngine
{
    // The span has ended (its end time is written): writes to it are refused from now on,
    // reads still work, and its context exports it when it ends.
    private void Keep(TraceContext owner, ref SpanSlot s, long token)
    {
        owner.AfterFinish(token, _tracers.NamespaceOf(s.Tracer), s.ParentToken);
        s.State = SlotState.Kept;
    }

    /// <summary>
    /// Called by the keeping context as it ends, for each kept span it has unlinked: the span's
    /// handles become stale and it is exported, or freed when it was withdrawn or never sampled.
    /// </summary>
    internal void EndKept(int slot)
    {
        ref var s = ref Store.Slots[slot];
        s.Generation++;
        Dispatch(CurrentThread(), slot, ref s, (s.Flags & TraceFlags.Sampled) != 0);
    }

    /// <summary>Resolves a handle for reading: a live span, or a finished one its context still keeps.</summary>
    internal KtStatus ResolveReadable(long token, out int slot)
    {
        if (!SpanToken.TryDecode(token, _secret, Store.Slots.Length, out slot, out uint generation))
            return KtStatus.InvalidHandle;
        ref var s = ref Store.Slots[slot];
        if (s.Generation != generation || s.State is SlotState.Free or SlotState.Finished)
            return KtStatus.StaleHandle;
        return KtStatus.Ok;
    }

    /// <summary>
    /// Reads a live span, or a finished one its context keeps, in place. The view is valid until
    /// the span next changes, and at most until its context ends.
    /// </summary>
    internal KtStatus View(long token, out SpanView view)
    {
        var status = ResolveReadable(token, out int slot);
        view = status == KtStatus.Ok ? new SpanView(this, slot) : default;
        return status;
    }

    /// <summary>The handle of a span's local parent while it can still be read, else 0.</summary>
    internal long ReadableParent(int slot)
    {
        long parent = Store.Slots[slot].ParentToken;
        return parent != 0 && ResolveReadable(parent, out _) == KtStatus.Ok ? parent : 0;
    }
}
