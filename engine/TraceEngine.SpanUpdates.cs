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

    /// <summary>
    /// Makes a live span non-recording, or withdraws a kept one from export: it keeps its ids,
    /// records nothing more and is not exported.
    /// </summary>
    internal void StopRecording(int slot)
    {
        ref var s = ref Store.Slots[slot];
        if (s.State == SlotState.Recording)
            s.State = SlotState.NonRecording;
        else if (s.State != SlotState.Kept || (s.Flags & TraceFlags.Sampled) == 0)
            return;
        s.Flags &= ~TraceFlags.Sampled;
        CurrentThread().Counters.SampledOut++;
    }

    /// <summary>Kong's <c>span.should_sample = false</c>: an open span, or a finished one its context keeps, is not exported.</summary>
    internal KtStatus Withdraw(long token)
    {
        var status = ResolveReadable(token, out int slot);
        if (status == KtStatus.Ok)
            StopRecording(slot);
        return status;
    }

    /// <summary>
    /// Kong's <c>span.trace_id = id</c>: moves an open span, or a finished one its context keeps,
    /// into another trace. Spans started under it afterwards join that trace; spans already
    /// started keep theirs.
    /// </summary>
    internal KtStatus SetTraceId(long token, TraceId traceId)
    {
        if (!traceId.IsValid)
            return KtStatus.InvalidArgument;
        var status = ResolveReadable(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        ref var s = ref Store.Slots[slot];
        if (s.TraceHigh == traceId.High && s.TraceLow == traceId.Low)
            return KtStatus.Ok;
        s.TraceHigh = traceId.High;
        s.TraceLow = traceId.Low;
        // Nothing says the given id is random, as the W3C random flag would promise.
        s.Flags &= ~TraceFlags.Random;
        return KtStatus.Ok;
    }

    /// <summary>
    /// Kong's <c>span.parent_id = id</c>: makes a span (open, or finished and kept) the child of
    /// a span of another process; an invalid id makes it a root.
    /// </summary>
    internal KtStatus SetParentSpanId(long token, SpanId parentSpanId)
    {
        var status = ResolveReadable(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        ref var s = ref Store.Slots[slot];
        s.ParentSpanId = parentSpanId.Value;
        s.ParentIsRemote = parentSpanId.IsValid;
        return KtStatus.Ok;
    }

    /// <summary>Kong's <c>set_attribute(key, nil)</c>: removes the attribute if the span has it.</summary>
    internal KtStatus RemoveAttribute(long token, ReadOnlySpan<byte> keyUtf8)
    {
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        ref var s = ref Store.Slots[slot];
        if (s.State == SlotState.Recording)
            Store.RemoveAttribute(Store.Attributes.AsSpan(slot * Store.AttributesPerSpan, Store.AttributesPerSpan), ref s.AttributeCount, keyUtf8);
        return KtStatus.Ok;
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
