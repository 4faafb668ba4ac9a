using System.Net.Http;
using Kt.Interop;

namespace Kt.AspNetCore;

/// <summary>CLIENT spans in libkt, through the P/Invoke binding.</summary>
internal sealed class NativeClientTracer : ClientTracer
{
    public static readonly NativeClientTracer Instance = new();

    public override ClientCall Start(HttpRequestMessage request, ReadOnlySpan<PropagationFormat> formats)
    {
        var parent = NativeSpan.Noop;
        if (NativeAmbient.Current is { Mode: TracingMode.Native } served)
            NativeTracer.Global.ActiveSpan(served.NativeContext, out parent);
        string method = request.Method.Method;
        bool known = HttpMethodNames.IsKnown(method);
        if (NativeTracer.Global.StartSpan(NativeContext.None, known ? method : HttpMethodNames.OtherSpanName,
                new NativeSpanOptions { Kind = NativeSpanKind.Client, Parent = parent }, out var span) != KtResult.Ok || span.IsNoop)
            return default;
        var writer = new NativeSpanWriter(span);
        if (writer.IsRecording)
            HttpClientConventions.RecordRequest(writer, request, method, known);
        if (!formats.IsEmpty)
        {
            Span<byte> buffer = stackalloc byte[NativeSpan.MaxInjectedBytes];
            Span<NativeInjectedHeader> written = stackalloc NativeInjectedHeader[NativeSpan.MaxInjectedHeaders];
            foreach (var format in formats)
            {
                RemoveStale(request, format);
                if (span.TryInject((NativePropagationFormat)(int)format, buffer, written, out int count) != KtResult.Ok)
                    continue;
                foreach (var header in written[..count])
                    Add(request, format, header.Name(buffer), header.Value(buffer));
            }
        }
        return new ClientCall(null, (long)span.Handle);
    }

    public override void Succeeded(in ClientCall call, HttpResponseMessage response)
    {
        var span = new NativeSpan((ulong)call.Token);
        var writer = new NativeSpanWriter(span);
        if (writer.IsRecording)
            HttpClientConventions.RecordResponse(writer, response);
        span.Finish();
    }

    public override void Failed(in ClientCall call, Exception exception, bool recordException)
    {
        var span = new NativeSpan((ulong)call.Token);
        var writer = new NativeSpanWriter(span);
        if (writer.IsRecording)
            HttpClientConventions.RecordFailure(writer, exception, recordException);
        span.Finish();
    }
}
