using System.Runtime.InteropServices;

namespace Kt.Native.Interop;

// The structs of kt.h, field for field. Sizes and offsets are checked by the C tests.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KtStr
{
    public byte* Ptr;
    public nuint Len;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KtArray
{
    public void* Items;
    public nuint Count;
}

[StructLayout(LayoutKind.Explicit)]
internal struct KtValue
{
    [FieldOffset(0)] public KtStr String;
    [FieldOffset(0)] public int Boolean;
    [FieldOffset(0)] public long Integer;
    [FieldOffset(0)] public double Real;
    [FieldOffset(0)] public KtArray Array;
}

[StructLayout(LayoutKind.Sequential)]
internal struct KtAttribute
{
    public KtStr Key;
    public int Type;
    public KtValue Value;
}

[StructLayout(LayoutKind.Sequential)]
internal struct KtOption
{
    public KtStr Key;
    public KtStr Value;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KtSpanOptions
{
    public long StartTimeNs;
    public int Kind;
    public int ShouldSample;
    public ulong Parent;
    public KtAttribute* Attributes;
    public nuint AttributeCount;
}

[StructLayout(LayoutKind.Sequential)]
internal struct KtCounters
{
    public ulong SpansStarted;
    public ulong SpansFinished;
    public ulong SpansSampledOut;
    public ulong SpansReleased;
    public ulong DroppedNoSlot;
    public ulong DroppedQueueFull;
    public ulong DroppedAfterShutdown;
    public ulong SpansExported;
    public ulong ExportFailedSpans;
    public ulong SlotsInUse;
}

[StructLayout(LayoutKind.Sequential)]
internal struct KtExporterCounters
{
    public ulong BatchesExported;
    public ulong SpansExported;
    public ulong Retries;
    public ulong SpansRejected;
    public ulong SpansFailed;
    public ulong BytesSent;
}

[StructLayout(LayoutKind.Sequential)]
internal struct KtHeader
{
    public KtStr Name;
    public KtStr Value;
}

[StructLayout(LayoutKind.Sequential)]
internal struct KtInputCounters
{
    public ulong ContextsRefused;
    public ulong TracestatesDropped;
    public ulong ValuesRepaired;
    public ulong ValuesRefused;
}

/// <summary>kt_span_info: what a host reads of a span.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KtSpanInfo
{
    public fixed byte TraceId[16];
    public fixed byte SpanId[8];
    public fixed byte ParentSpanId[8];
    public ulong Parent;
    public KtStr Name;
    public KtStr Tracer;
    public KtStr TracerNamespace;
    public KtStr StatusMessage;
    public long StartTimeNs;
    public long EndTimeNs;
    public int Kind;
    public int Status;
    public int Sampled;
    public int Recording;
    public int Finished;
    public int InContext;
    public int ParentIsRemote;
    public uint AttributeCount;
    public uint EventCount;
    public uint LinkCount;
}
