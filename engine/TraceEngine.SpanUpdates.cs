using Kt.Store;
using Kt.Text;

namespace Kt;

// What a span may change after it started: Kong's create_span/link_span name and time a span
// after its ids exist, and set_should_sample can withdraw a trace from export.
public sealed partial class TraceEngine
{
    internal KtStatus UpdateName(long token, scoped in TextInput name)
    {
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        ref var s = ref Store.Slots[slot];
        if (s.State != SlotState.Recording)
            return KtStatus.Ok;
        int mark = s.ArenaUsed;
        status = Store.AppendText(slot, ref s, name, Store.BytesPerSpan / 4, out var renamed);
        if (status != KtStatus.Ok)
        {
            s.ArenaUsed = mark;
            return status;
        }
        s.Name = renamed;
        return KtStatus.Ok;
    }

    internal KtStatus SetStartTime(long token, long startUnixNanoseconds)
    {
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        if (startUnixNanoseconds <= 0)
            return KtStatus.InvalidArgument;
        ref var s = ref Store.Slots[slot];
        s.Start = startUnixNanoseconds;
        s.StartIsUnixNanoseconds = true;
        return KtStatus.Ok;
    }

    /// <summary>Makes a live span non-recording: it keeps its ids, records nothing more and is not exported.</summary>
    internal void StopRecording(int slot)
    {
        ref var s = ref Store.Slots[slot];
        if (s.State != SlotState.Recording)
            return;
        s.State = SlotState.NonRecording;
        s.Flags &= ~TraceFlags.Sampled;
        CurrentThread().Counters.SampledOut++;
    }

    internal bool OwnerOf(long token, out int slot, out TraceContext? owner)
    {
        owner = null;
        if (Resolve(token, out slot) != KtStatus.Ok)
            return false;
        owner = Store.Owners[slot];
        return true;
    }

    internal long TokenOf(int slot) => SpanToken.Encode(slot, Store.Slots[slot].Generation, _secret);
}
