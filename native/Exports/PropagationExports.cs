using System.Runtime.InteropServices;
using Kt.Native.Interop;
using Kt.Text;

namespace Kt.Native.Exports;

/// <summary>The trace-context formats: names, extraction from request headers, injection by a span.</summary>
internal static unsafe class PropagationExports
{
    private const nuint MaxFormats = 64;

    [UnmanagedCallersOnly(EntryPoint = "kt_format_from_name")]
    public static int FormatFromName(byte* name, nuint nameLen, int* output)
    {
        try
        {
            int status = Arguments.NotNull(output, "out");
            if (status != Status.Ok)
                return status;
            status = Arguments.Text(name, nameLen, "name", out var text);
            if (status != Status.Ok)
                return status;
            if (!PropagationFormatNames.TryParse(text, out var format))
                return LastError.Set(Status.InvalidArgument, $"name: '{System.Text.Encoding.UTF8.GetString(text)}' is not a format (w3c, b3, b3-single, jaeger, ot, datadog, aws, gcp)");
            *output = (int)format;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_format_from_name", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_context_extract_headers")]
    public static int ExtractHeaders(ulong context, int* formats, nuint formatCount, KtHeader* headers, nuint headerCount, int* usedFormat)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_context_extract_headers");
            int status = Arguments.NotNull(usedFormat, "used_format");
            if (status != Status.Ok)
                return status;
            status = runtime.RequiredContext(context, out var ctx);
            if (status != Status.Ok)
                return status;
            status = ValidateFormats(formats, formatCount);
            if (status != Status.Ok)
                return status;
            status = NativeHeaders.Validate(headers, headerCount);
            if (status != Status.Ok)
                return status;

            // Validated as 1..8, and kt.h's int is the enum's underlying type.
            var order = new ReadOnlySpan<PropagationFormat>(formats, (int)formatCount);
            var source = new NativeHeaders(headers, (int)headerCount);
            var result = ctx.ExtractUtf8(order, source);
            if (result.Status is PropagationStatus.Ok or PropagationStatus.Empty)
            {
                *usedFormat = (int)result.Format;
                return Status.Ok;
            }
            return Refused(result, source);
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_context_extract_headers", e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "kt_span_inject_headers")]
    public static int InjectHeaders(ulong span, int format, byte* buffer, nuint capacity, KtHeader* headers, nuint headerCapacity, nuint* headerCount)
    {
        try
        {
            var runtime = NativeRuntime.Current;
            if (runtime is null)
                return Fail.NotInitialized("kt_span_inject_headers");
            int status = Arguments.NotNull(headerCount, "header_count");
            if (status != Status.Ok)
                return status;
            if (buffer == null && capacity > 0)
                return LastError.Set(Status.InvalidArgument, $"buffer: NULL pointer with capacity {capacity}");
            if (headers == null && headerCapacity > 0)
                return LastError.Set(Status.InvalidArgument, $"headers: NULL pointer with header_capacity {headerCapacity}");
            if (PropagationFormatNames.NameOf((PropagationFormat)format) is null)
                return LastError.Set(Status.InvalidArgument, $"format: {format} is not a KT_FORMAT_* value (1 to 8)");
            if (span == 0)
                return LastError.Set(Status.InvalidArgument, "span: the no-op span has no trace context to inject");

            // Written here first, so a refused call leaves the caller's buffer as it was.
            Span<byte> text = stackalloc byte[Propagators.MaxInjectedBytes];
            Span<InjectedHeader> written = stackalloc InjectedHeader[Propagators.MaxInjectedHeaders];
            var handle = SpanHandle.FromToken(runtime.Engine, (long)span);
            var result = handle.TryInject((PropagationFormat)format, text, written, out int count);
            if (result != KtStatus.Ok)
                return Arguments.From(result, "span");
            int length = count == 0 ? 0 : written[count - 1].ValueStart + written[count - 1].ValueLength;
            string formatName = PropagationFormatNames.NameOf((PropagationFormat)format)!;
            if ((nuint)length > capacity)
                return LastError.Set(Status.BufferTooSmall, $"buffer: capacity {capacity} is less than the {length} bytes of the {formatName} headers");
            if ((nuint)count > headerCapacity)
                return LastError.Set(Status.BufferTooSmall, $"headers: header_capacity {headerCapacity} is less than the {count} {formatName} headers");

            text[..length].CopyTo(new Span<byte>(buffer, length));
            for (int i = 0; i < count; i++)
            {
                headers[i].Name = new KtStr { Ptr = buffer + written[i].NameStart, Len = (nuint)written[i].NameLength };
                headers[i].Value = new KtStr { Ptr = buffer + written[i].ValueStart, Len = (nuint)written[i].ValueLength };
            }
            *headerCount = (nuint)count;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_span_inject_headers", e);
        }
    }

    private static int ValidateFormats(int* formats, nuint count)
    {
        if (count > MaxFormats)
            return LastError.Set(Status.InvalidArgument, $"format_count: {count} is more than {MaxFormats}");
        if (formats == null)
            return count == 0 ? Status.Ok : LastError.Set(Status.InvalidArgument, $"formats: NULL pointer with format_count {count}");
        for (nuint i = 0; i < count; i++)
        {
            if (PropagationFormatNames.NameOf((PropagationFormat)formats[i]) is null)
                return LastError.Set(Status.InvalidArgument, $"formats[{i}]: {formats[i]} is not a KT_FORMAT_* value (1 to 8)");
        }
        return Status.Ok;
    }

    // Names the header at fault, and why, the way a log line should read.
    private static int Refused(ExtractionResult result, NativeHeaders headers)
    {
        string header = result.Header ?? "headers";
        string format = PropagationFormatNames.NameOf(result.Format) ?? result.Format.ToString();
        string why = result.Status switch
        {
            PropagationStatus.Missing => "absent, but the other headers need it",
            PropagationStatus.BadTraceId => "malformed trace id",
            PropagationStatus.BadSpanId => "malformed span id",
            PropagationStatus.ZeroTraceId => "all-zero trace id",
            PropagationStatus.ZeroSpanId => "all-zero span id",
            PropagationStatus.BadSampling => "malformed sampling decision",
            PropagationStatus.BadFlags => "malformed flags",
            PropagationStatus.BadLength => "wrong length",
            PropagationStatus.BadVersion => "unsupported version",
            PropagationStatus.RepeatedHeader => "sent on more than one line",
            _ => "malformed",
        };
        int position = 0;
        if (result.Header is not null && result.Status != PropagationStatus.RepeatedHeader
            && headers.TryGetNextValue(result.Header, ref position, out var value) && !Utf8Text.IsValid(value))
            why = "not valid UTF-8";
        return LastError.Set(Status.InvalidArgument, $"{header}: {why} ({format} format, {result.Status}); no parent, a new trace starts");
    }
}
