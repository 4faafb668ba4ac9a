using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Kt.Store;

namespace Kt.Export.Otlp;

/// <summary>
/// Asks the CPU to start loading a span an encoder will read soon: its slot, the start of
/// its attribute entries, its first event and the start of its text. A batch's spans lie far
/// apart in the store (each slot's arena is kilobytes from the next), so the loads would
/// otherwise wait on memory one span at a time.
/// </summary>
internal static unsafe class SlotPrefetch
{
    /// <summary>How many spans ahead of the one being encoded to prefetch.</summary>
    public const int Distance = 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Span(SpanStore store, int slot)
    {
        if (!Sse.IsSupported)
            return;
        byte* s = (byte*)Unsafe.AsPointer(ref store.Slots[slot]);
        Sse.Prefetch0(s);
        Sse.Prefetch0(s + 64);
        Sse.Prefetch0(s + sizeof(SpanSlot) - 1);
        byte* attributes = (byte*)Unsafe.AsPointer(ref store.Attributes[slot * store.AttributesPerSpan]);
        Sse.Prefetch0(attributes);
        Sse.Prefetch0(attributes + 64);
        Sse.Prefetch0(attributes + 128);
        Sse.Prefetch0(Unsafe.AsPointer(ref store.Events[slot * store.EventsPerSpan]));
        Sse.Prefetch0(Unsafe.AsPointer(ref store.ExtraAttributes[slot * store.ExtraAttributesPerSpan]));
        byte* text = (byte*)Unsafe.AsPointer(ref store.Arena[store.TextStart(slot)]);
        Sse.Prefetch0(text);
        Sse.Prefetch0(text + 64);
        Sse.Prefetch0(text + 128);
        Sse.Prefetch0(text + 192);
    }
}
