using System.Runtime.InteropServices;

namespace Kt.Interop;

// The structs of kt.h, field for field, in declaration order. Every field is blittable, so
// the LibraryImport stubs pass pointers to them straight through. Sizes and offsets are
// checked against the x86-64 C layout by the binding's tests.

/// <summary><c>kt_str</c>: a pointer and a byte length, UTF-8, not NUL-terminated.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KtStr
{
    public byte* Ptr;
    public nuint Len;

    public KtStr(byte* ptr, nuint len)
    {
        Ptr = ptr;
        Len = len;
    }
}

/// <summary>The <c>array</c> member of <c>kt_attribute</c>'s value union.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KtArray
{
    public void* Items;
    public nuint Count;
}

/// <summary>The value union of <c>kt_attribute</c>: every member at offset 0.</summary>
[StructLayout(LayoutKind.Explicit)]
internal struct KtValue
{
    [FieldOffset(0)] public KtStr String;
    [FieldOffset(0)] public int Boolean;
    [FieldOffset(0)] public long Integer;
    [FieldOffset(0)] public double Real;
    [FieldOffset(0)] public KtArray Array;
}

/// <summary><c>kt_attribute</c>: a key, a <c>KT_ATTR_*</c> type and the value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KtAttribute
{
    public KtStr Key;
    public int Type;
    public KtValue Value;
}

/// <summary>The <c>KT_ATTR_*</c> values of <c>kt_attribute.type</c>.</summary>
internal static class KtAttrType
{
    public const int String = 1;
    public const int Bool = 2;
    public const int Int = 3;
    public const int Double = 4;
    public const int StringArray = 5;
    public const int BoolArray = 6;
    public const int IntArray = 7;
    public const int DoubleArray = 8;
}

/// <summary><c>kt_option</c>: one setting of <c>kt_init</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KtOption
{
    public KtStr Key;
    public KtStr Value;
}

/// <summary><c>kt_span_options</c>.</summary>
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

/// <summary><c>kt_counters_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KtCountersNative
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

/// <summary><c>kt_exporter_counters_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KtExporterCountersNative
{
    public ulong BatchesExported;
    public ulong SpansExported;
    public ulong Retries;
    public ulong SpansRejected;
    public ulong SpansFailed;
    public ulong BytesSent;
}

/// <summary><c>kt_input_counters_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KtInputCountersNative
{
    public ulong ContextsRefused;
    public ulong TracestatesDropped;
    public ulong ValuesRepaired;
    public ulong ValuesRefused;
}

/// <summary><c>kt_header</c>: an HTTP header's name and value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KtHeader
{
    public KtStr Name;
    public KtStr Value;
}

/// <summary><c>kt_span_info_t</c>: what <c>kt_span_info</c> reads of a span.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KtSpanInfoNative
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
