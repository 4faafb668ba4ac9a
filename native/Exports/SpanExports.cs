using System.Runtime.InteropServices;
using Kt.Native.Interop;
using Kt.Store;

namespace Kt.Native.Exports;

/// <summary>kt_start_span and everything done to a span.</summary>
internal static unsafe class SpanExports
{
    [UnmanagedCallersOnly(EntryPoint = "kt_start_span")]
    public static int StartSpan(ulong tracer, ulong context, byte* name, nuint nameLen, KtSpanOptions* options, ulong* output) =>
        Start(tracer, context, name, nameLen, options, default, default, output, "kt_start_span");

    [UnmanagedCallersOnly(EntryPoint = "kt_start_span_in_trace")]
    public static int StartSpanInTrace(ulong tracer, ulong context, byte* name, nuint nameLen, KtSpanOptions* options,
        byte* traceId, byte* parentSpanId, ulong* output)
    {
        TraceId trace = default;
        SpanId parent = default;
        try
        {
            if (NativeRuntime.Current is not null)
            {
                if (traceId != null)
                {
                    trace = TraceId.FromBytes(new ReadOnlySpan<byte>(traceId, 16));
                    if (!trace.IsValid)
                        return LastError.Set(Status.InvalidArgument, "trace_id: all zero");
                }
                if (parentSpanId != null)
                {
                    parent = new SpanId(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(parentSpanId, 8)));
                    if (!parent.IsValid)
                        return LastError.Set(Status.InvalidArgument, "parent_span_id: all zero");
                }
            }
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_start_span_in_trace", e);
        }
        return Start(tracer, context, name, nameLen, options, trace, parent, output, "kt_start_span_in_trace");
    }

    private static int Start(ulong tracer, ulong context, byte* name, nuint nameLen, KtSpanOptions* options,
        TraceId traceId, SpanId parentSpanId, ulong* output, string function)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized(function);
            if (output == null)
                return LastError.Set(Status.InvalidArgument, "out: NULL pointer");
            int status = runtime.Tracer(tracer, out var t);
            if (status != Status.Ok)
                return status;
            status = runtime.Context(context, out var ctx);
            if (status != Status.Ok)
                return status;
            status = Arguments.SpanText(name, nameLen, "name", out var nameText);
            if (status != Status.Ok)
                return status;
            var spanOptions = default(SpanOptions);
            bool attributesValidated = true;
            spanOptions.TraceId = traceId;
            spanOptions.ParentSpanId = parentSpanId;
            if (options != null)
            {
                if ((uint)options->Kind > (uint)SpanKind.Consumer)
                    return Arguments.BadValue("options.kind", options->Kind, "is not a KT_KIND_* value (0 to 5)");
                if (options->StartTimeNs < 0)
                    return Arguments.BadValue("options.start_time_ns", options->StartTimeNs, "is negative");
                if (options->ShouldSample is < -1 or > 1)
                    return Arguments.BadValue("options.should_sample", options->ShouldSample, "is not -1, 0 or 1");
                status = AttributeReader.ValidateAll(options->Attributes, options->AttributeCount, "options.attributes", out attributesValidated);
                if (status != Status.Ok)
                    return status;
                spanOptions.Kind = (SpanKind)options->Kind;
                spanOptions.StartTimeUnixNanoseconds = options->StartTimeNs;
                spanOptions.ShouldSample = options->ShouldSample < 0 ? null : options->ShouldSample == 1;
                spanOptions.Parent = SpanHandle.FromToken(runtime.Engine, (long)options->Parent);
            }
            var span = runtime.Engine.StartSpan(t!, ctx, nameText, spanOptions);
            *output = (ulong)span.Token;
            if (options != null && options->AttributeCount > 0 && runtime.Engine.RecordingSlot(span.Token, out int slot) == KtStatus.Ok && slot >= 0)
                AttributeReader.ApplyAll(new SlotTarget(runtime.Engine, slot), options->Attributes, options->AttributeCount, "options.attributes", attributesValidated);
            return Status.Ok;
        }
        catch (InvalidOperationException e)
        {
            return LastError.Set(Status.InvalidArgument, $"context: {e.Message}");
        }
        catch (Exception e)
        {
            return Fail.Internal(function, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_finish")]
    public static int Finish(ulong span, long endTimeNs)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_finish");
            if (endTimeNs < 0)
                return Arguments.BadValue("end_time_ns", endTimeNs, "is negative");
            var status = SpanHandle.FromToken(runtime.Engine, (long)span).Finish(endTimeNs);
            if (status == KtStatus.InvalidArgument)
                return Arguments.BadValue("end_time_ns", endTimeNs, "is before the span's start; the span is still open");
            return Arguments.From(status, "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_finish", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_release")]
    public static int Release(ulong span)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_release");
            return Arguments.From(SpanHandle.FromToken(runtime.Engine, (long)span).Release(), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_release", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_attribute")]
    public static int SetAttribute(ulong span, KtAttribute* attribute)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_set_attribute");
            if (attribute == null)
                return LastError.Set(Status.InvalidArgument, "attribute: NULL pointer");
            int status = AttributeReader.Validate(attribute, "attribute", out bool validated);
            if (status != Status.Ok || span == 0)
                return status;
            return Arguments.From(AttributeReader.Apply(new SpanTarget(runtime.Engine, (long)span), attribute, validated), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_set_attribute", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_attributes")]
    public static int SetAttributes(ulong span, KtAttribute* attributes, nuint count)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_set_attributes");
            int status = AttributeReader.ValidateAll(attributes, count, "attributes", out bool validated);
            if (status != Status.Ok || span == 0)
                return status;
            var engine = runtime.Engine;
            var resolved = engine.RecordingSlot((long)span, out int slot);
            if (resolved != KtStatus.Ok)
                return Arguments.From(resolved, "span");
            if (slot < 0)
                return Status.Ok;
            return AttributeReader.ApplyAll(new SlotTarget(engine, slot), attributes, count, "attributes", validated, limitIsStatus: true);
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_set_attributes", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_string")]
    public static int SetString(ulong span, byte* key, nuint keyLen, byte* value, nuint valueLen)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_set_string");
            int status = Arguments.Key(key, keyLen, "key", out var k);
            if (status != Status.Ok)
                return status;
            status = Arguments.SpanText(value, valueLen, "value", out var v);
            if (status != Status.Ok)
                return status;
            return span == 0 ? Status.Ok : Arguments.From(runtime.Engine.SetAttribute((long)span, k, new TextValue(v)), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_set_string", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_int")]
    public static int SetInt(ulong span, byte* key, nuint keyLen, long value) => SetScalar(span, key, keyLen, ScalarValue.Of(value), "kt_span_set_int");

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_double")]
    public static int SetDouble(ulong span, byte* key, nuint keyLen, double value) => SetScalar(span, key, keyLen, ScalarValue.Of(value), "kt_span_set_double");

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_bool")]
    public static int SetBool(ulong span, byte* key, nuint keyLen, int value) => SetScalar(span, key, keyLen, ScalarValue.Of(value != 0), "kt_span_set_bool");

    private static int SetScalar(ulong span, byte* key, nuint keyLen, ScalarValue value, string function)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized(function);
            int status = Arguments.Key(key, keyLen, "key", out var k);
            if (status != Status.Ok)
                return status;
            return span == 0 ? Status.Ok : Arguments.From(runtime.Engine.SetAttribute((long)span, k, value), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal(function, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_add_event")]
    public static int AddEvent(ulong span, byte* name, nuint nameLen, long timeNs, KtAttribute* attributes, nuint count) =>
        AddEventCore(span, name, nameLen, timeNs, attributes, count, "kt_span_add_event");

    [UnmanagedCallersOnly(EntryPoint = "kt_span_record_error")]
    public static int RecordError(ulong span, byte* message, nuint messageLen)
    {
        try
        {
            if (NativeRuntime.Current is not null)
            {
                int status = Arguments.SpanText(message, messageLen, "message", out _);
                if (status != Status.Ok)
                    return status;
            }
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_record_error", e);
        }
        fixed (byte* key = "exception.message"u8)
        fixed (byte* eventName = "exception"u8)
        {
            var attribute = new KtAttribute
            {
                Key = new KtStr { Ptr = key, Len = 17 },
                Type = 1,
                Value = new KtValue { String = new KtStr { Ptr = message, Len = messageLen } },
            };
            return AddEventCore(span, eventName, 9, 0, &attribute, 1, "kt_span_record_error");
        }
    }

    private static int AddEventCore(ulong span, byte* name, nuint nameLen, long timeNs, KtAttribute* attributes, nuint count, string function)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized(function);
            int status = Arguments.SpanText(name, nameLen, "name", out var n);
            if (status != Status.Ok)
                return status;
            if (timeNs < 0)
                return LastError.Set(Status.InvalidArgument, $"time_ns: {timeNs} is negative");
            status = AttributeReader.ValidateAll(attributes, count, "attributes", out bool validated);
            if (status != Status.Ok || span == 0)
                return status;
            status = Arguments.From(runtime.Engine.BeginEvent((long)span, n, timeNs, out int slot), "span");
            if (status != Status.Ok || slot < 0)
                return status;
            return AttributeReader.ApplyAll(new EventTarget(runtime.Engine, slot), attributes, count, "attributes", validated);
        }
        catch (Exception e)
        {
            return Fail.Internal(function, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_set_status")]
    public static int SetStatus(ulong span, int code, byte* message, nuint messageLen)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_set_status");
            if ((uint)code > 2)
                return LastError.Set(Status.InvalidArgument, $"code: {code} is not KT_STATUS_UNSET, KT_STATUS_OK or KT_STATUS_ERROR");
            int status = Arguments.SpanText(message, messageLen, "message", out var m);
            if (status != Status.Ok)
                return status;
            return span == 0 ? Status.Ok : Arguments.From(runtime.Engine.SetStatus((long)span, (StatusCode)code, m), "span");
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_set_status", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_add_link")]
    public static int AddLink(ulong span, byte* traceId, byte* spanId, byte flags, KtAttribute* attributes, nuint count)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_add_link");
            if (traceId == null)
                return LastError.Set(Status.InvalidArgument, "trace_id: NULL pointer");
            if (spanId == null)
                return LastError.Set(Status.InvalidArgument, "span_id: NULL pointer");
            int status = AttributeReader.ValidateAll(attributes, count, "attributes", out bool validated);
            if (status != Status.Ok)
                return status;
            var linked = new SpanContext(TraceId.FromBytes(new ReadOnlySpan<byte>(traceId, 16)),
                new SpanId(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(spanId, 8))), (TraceFlags)flags);
            if (!linked.TraceId.IsValid)
                return LastError.Set(Status.InvalidArgument, "trace_id: all zero");
            if (!linked.SpanId.IsValid)
                return LastError.Set(Status.InvalidArgument, "span_id: all zero");
            if (span == 0)
                return Status.Ok;
            status = Arguments.From(runtime.Engine.BeginLink((long)span, linked, out int slot), "span");
            if (status != Status.Ok || slot < 0)
                return status;
            return AttributeReader.ApplyAll(new LinkTarget(runtime.Engine, slot), attributes, count, "attributes", validated);
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_add_link", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_ids")]
    public static int Ids(ulong span, byte* traceId, byte* spanId, int* sampled)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_ids");
            var handle = SpanHandle.FromToken(runtime.Engine, (long)span);
            if (span != 0)
            {
                var status = runtime.Engine.ResolveReadable((long)span, out _);
                if (status != KtStatus.Ok)
                    return Arguments.From(status, "span");
            }
            var context = handle.Context;
            if (traceId != null)
                context.TraceId.CopyTo(new Span<byte>(traceId, 16));
            if (spanId != null)
                context.SpanId.CopyTo(new Span<byte>(spanId, 8));
            if (sampled != null)
                *sampled = context.IsSampled ? 1 : 0;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_ids", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_inject")]
    public static int Inject(ulong span, byte* buffer, nuint capacity, nuint* written)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_inject");
            if (written == null)
                return LastError.Set(Status.InvalidArgument, "written: NULL pointer");
            if (buffer == null && capacity > 0)
                return LastError.Set(Status.InvalidArgument, $"buffer: NULL pointer with capacity {capacity}");
            if (span == 0)
                return LastError.Set(Status.InvalidArgument, "span: the no-op span has no traceparent");
            var destination = new Span<byte>(buffer, (int)Math.Min(capacity, (nuint)int.MaxValue));
            var status = SpanHandle.FromToken(runtime.Engine, (long)span).TryFormatTraceparent(destination, out int count);
            if (status == KtStatus.BufferTooSmall)
                return LastError.Set(Status.BufferTooSmall, $"buffer: capacity {capacity} is less than {Traceparent.Length}");
            if (status != KtStatus.Ok)
                return Arguments.From(status, "span");
            *written = (nuint)count;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_inject", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_tracestate")]
    public static int TraceState(ulong span, byte* buffer, nuint capacity, nuint* written)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_tracestate");
            if (written == null)
                return LastError.Set(Status.InvalidArgument, "written: NULL pointer");
            if (buffer == null && capacity > 0)
                return LastError.Set(Status.InvalidArgument, $"buffer: NULL pointer with capacity {capacity}");
            if (span == 0)
            {
                *written = 0;
                return Status.Ok;
            }
            var status = runtime.Engine.Resolve((long)span, out _);
            if (status != KtStatus.Ok)
                return Arguments.From(status, "span");
            var state = SpanHandle.FromToken(runtime.Engine, (long)span).TraceState;
            if ((nuint)state.Length > capacity)
                return LastError.Set(Status.BufferTooSmall, $"buffer: capacity {capacity} is less than the tracestate's {state.Length} bytes");
            state.CopyTo(new Span<byte>(buffer, state.Length));
            *written = (nuint)state.Length;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_tracestate", e);
        }
    }
}
