using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kt.Export;
using Kt.Native.Interop;

namespace Kt.Native.Exports;

/// <summary>
/// Kong's span fields: reading a span (open, or finished and kept by its context) in place, and
/// the fields Kong's code writes (trace_id, parent_id, should_sample, an attribute set to nil).
/// </summary>
internal static unsafe class SpanFieldExports
{
    [UnmanagedCallersOnly(EntryPoint = "kt_span_info")]
    public static int Info(ulong span, KtSpanInfo* output)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_info");
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            return Fill(runtime, span, output);
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_info", e);
        }
    }

    // Apart from the entry point: a struct with fixed buffers on the stack gets a security
    // cookie, and the entry point's would be read before the first call starts the runtime.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Fill(NativeRuntime runtime, ulong span, KtSpanInfo* output)
    {
        var info = default(KtSpanInfo);
        if (span != 0)
        {
            int status = View(runtime, span, out var view);
            if (status != Status.Ok)
                return status;
            view.TraceId.CopyTo(new Span<byte>(info.TraceId, 16));
            view.SpanId.CopyTo(new Span<byte>(info.SpanId, 8));
            view.ParentSpanId.CopyTo(new Span<byte>(info.ParentSpanId, 8));
            info.Parent = (ulong)view.ParentToken;
            info.Name = Str(view.Name);
            info.Tracer = Str(view.ScopeName);
            info.TracerNamespace = Str(view.ScopeNamespace);
            info.StatusMessage = Str(view.StatusMessage);
            info.StartTimeNs = view.StartUnixNanoseconds;
            info.EndTimeNs = view.IsFinished ? view.EndUnixNanoseconds : 0;
            info.Kind = (int)view.Kind;
            info.Status = (int)view.Status;
            info.Sampled = (view.Flags & TraceFlags.Sampled) != 0 ? 1 : 0;
            info.Recording = view.IsRecording ? 1 : 0;
            info.Finished = view.IsFinished ? 1 : 0;
            info.InContext = view.InContext ? 1 : 0;
            info.ParentIsRemote = view.ParentIsRemote ? 1 : 0;
            info.AttributeCount = (uint)view.Attributes.Count;
            info.EventCount = (uint)view.Events.Count;
            info.LinkCount = (uint)view.Links.Count;
        }
        *output = info;
        return Status.Ok;
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_attribute")]
    public static int Attribute(ulong span, int eventIndex, nuint index, KtAttribute* output)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_attribute");
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            int status = Attributes(runtime, span, eventIndex, out var attributes);
            if (status != Status.Ok)
                return status;
            if (index >= (nuint)attributes.Count)
                return LastError.Set(Status.InvalidArgument, $"index: {index} is not below the attribute count {attributes.Count}");
            var attribute = attributes[(int)index];
            var result = new KtAttribute { Key = Str(attribute.Key), Type = (int)attribute.Type };
            switch (attribute.Type)
            {
                case AttributeType.String:
                    result.Value.String = Str(attribute.StringValue);
                    break;
                case AttributeType.Bool:
                    result.Value.Boolean = attribute.BoolValue ? 1 : 0;
                    break;
                case AttributeType.Int:
                    result.Value.Integer = attribute.IntValue;
                    break;
                case AttributeType.Double:
                    result.Value.Real = attribute.DoubleValue;
                    break;
                case AttributeType.StringArray:
                    result.Value.Array = new KtArray { Items = null, Count = (nuint)attribute.ArrayLength };
                    break;
                default:
                    result.Value.Array = new KtArray { Items = Str(attribute.ArrayBytes).Ptr, Count = (nuint)attribute.ArrayLength };
                    break;
            }
            *output = result;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_attribute", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_attribute_string")]
    public static int AttributeString(ulong span, int eventIndex, nuint index, nuint item, KtStr* output)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_attribute_string");
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            int status = Attributes(runtime, span, eventIndex, out var attributes);
            if (status != Status.Ok)
                return status;
            if (index >= (nuint)attributes.Count)
                return LastError.Set(Status.InvalidArgument, $"index: {index} is not below the attribute count {attributes.Count}");
            var attribute = attributes[(int)index];
            if (attribute.Type != AttributeType.StringArray)
                return LastError.Set(Status.InvalidArgument, $"index: attribute {index} is not a string array");
            if (item >= (nuint)attribute.ArrayLength)
                return LastError.Set(Status.InvalidArgument, $"item: {item} is not below the array's length {attribute.ArrayLength}");
            *output = Str(attribute.StringAt((int)item));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_attribute_string", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_event")]
    public static int Event(ulong span, nuint index, KtStr* name, long* timeNs, nuint* attributeCount)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_event");
            int status = View(runtime, span, out var view);
            if (status != Status.Ok)
                return status;
            var events = span == 0 ? default : view.Events;
            if (index >= (nuint)events.Count)
                return LastError.Set(Status.InvalidArgument, $"index: {index} is not below the event count {events.Count}");
            var e = events[(int)index];
            if (name != null)
                *name = Str(e.Name);
            if (timeNs != null)
                *timeNs = e.TimeUnixNanoseconds;
            if (attributeCount != null)
                *attributeCount = (nuint)e.Attributes.Count;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_event", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_remove_attribute")]
    public static int RemoveAttribute(ulong span, byte* key, nuint keyLen)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_remove_attribute");
            int status = Arguments.Text(key, keyLen, "key", out var k);
            if (status != Status.Ok || span == 0)
                return status;
            return Arguments.From(runtime.Engine.RemoveAttribute((long)span, k), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_remove_attribute", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_trace_id")]
    public static int SetTraceId(ulong span, byte* traceId)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_set_trace_id");
            if (traceId == null)
                return LastError.Set(Status.InvalidArgument, "trace_id: NULL pointer");
            var id = TraceId.FromBytes(new ReadOnlySpan<byte>(traceId, 16));
            if (!id.IsValid)
                return LastError.Set(Status.InvalidArgument, "trace_id: all zero");
            return span == 0 ? Status.Ok : Arguments.From(runtime.Engine.SetTraceId((long)span, id), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_set_trace_id", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_parent_id")]
    public static int SetParentId(ulong span, byte* parentSpanId)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_set_parent_id");
            var id = parentSpanId == null ? default : new SpanId(BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(parentSpanId, 8)));
            return span == 0 ? Status.Ok : Arguments.From(runtime.Engine.SetParentSpanId((long)span, id), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_set_parent_id", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_withdraw")]
    public static int Withdraw(ulong span)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_withdraw");
            return span == 0 ? Status.Ok : Arguments.From(runtime.Engine.Withdraw((long)span), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_withdraw", e);
        }
    }

    private static int View(NativeRuntime runtime, ulong span, out SpanView view)
    {
        view = default;
        if (span == 0)
            return Status.Ok;
        return Arguments.From(runtime.Engine.View((long)span, out view), "span");
    }

    // The span's attributes (eventIndex -1) or one event's; the no-op span has none.
    private static int Attributes(NativeRuntime runtime, ulong span, int eventIndex, out AttributeList attributes)
    {
        attributes = default;
        if (eventIndex < -1)
            return LastError.Set(Status.InvalidArgument, $"event: {eventIndex} is neither -1 (the span's own attributes) nor an event index");
        int status = View(runtime, span, out var view);
        if (status != Status.Ok)
            return status;
        if (span == 0)
            return eventIndex == -1 ? Status.Ok : LastError.Set(Status.InvalidArgument, $"event: {eventIndex} is not below the event count 0");
        if (eventIndex == -1)
        {
            attributes = view.Attributes;
            return Status.Ok;
        }
        var events = view.Events;
        if (eventIndex >= events.Count)
            return LastError.Set(Status.InvalidArgument, $"event: {eventIndex} is not below the event count {events.Count}");
        attributes = events[eventIndex].Attributes;
        return Status.Ok;
    }

    // The engine's text lives in native memory (the store) or pinned arrays (tracer names), so a
    // pointer taken here stays valid after the fixed block.
    private static KtStr Str(ReadOnlySpan<byte> text)
    {
        fixed (byte* p = text)
            return new KtStr { Ptr = p, Len = (nuint)text.Length };
    }
}
