using Kt.Interop;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Kt.AspNetCore;

/// <summary>
/// SERVER spans in libkt, through the P/Invoke binding: for a process whose native code uses the
/// same libkt.so, so that one engine (one exporter, one set of slots) serves both.
/// </summary>
internal sealed class NativeServerTracer(PropagationFormat[] formats, bool recordExceptions, ILogger logger)
    : ServerTracer(formats, recordExceptions, logger)
{
    private readonly NativePropagationFormat[] _formats = formats.Select(f => (NativePropagationFormat)(int)f).ToArray();

    protected override bool StartSpan(RequestState request)
    {
        var http = request.ServerFeatures.Get<IHttpRequestFeature>();
        if (http is null || NativeContext.Begin(out var context) != KtResult.Ok)
            return false;
        request.Mode = TracingMode.Native;
        request.NativeContext = context;
        if (_formats.Length > 0)
        {
            var pairs = request.HeaderPairs;
            int count = 0;
            var headers = http.Headers;
            foreach (var format in Formats)
            {
                foreach (var name in PropagationHeaders.NamesOf(format))
                {
                    if (headers.TryGetValue(name, out var values) && values.Count > 0 && values[0] is { } value)
                        pairs[count++] = new(name, value);
                }
            }
            if (context.Extract(_formats, pairs.AsSpan(0, count), out _) != KtResult.Ok && LogsRefusals)
                Refused(KtNative.LastError);
            pairs.AsSpan(0, count).Clear();
        }

        string method = http.Method;
        bool known = HttpMethodNames.IsKnown(method);
        NativeTracer.Global.StartSpan(context, known ? method : HttpMethodNames.OtherSpanName, new NativeSpanOptions { Kind = NativeSpanKind.Server }, out var span);
        NativeTracer.Global.SetActiveSpan(context, span);
        request.NativeServerSpan = span;
        var writer = new NativeSpanWriter(span);
        if (writer.IsRecording)
            HttpServerConventions.RecordRequest(writer, http, request.ServerFeatures, method, known);
        return true;
    }

    protected override void EndSpan(RequestState request, Exception? exception)
    {
        try
        {
            var writer = new NativeSpanWriter(request.NativeServerSpan);
            if (writer.IsRecording)
                HttpServerConventions.RecordResponse(writer, request.ServerFeatures, exception, RecordExceptions);
            request.NativeServerSpan.Finish();
        }
        finally
        {
            request.NativeContext.End();
        }
    }
}
