using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Kt.AspNetCore;

/// <summary>SERVER spans in the managed engine (<see cref="Tracing.Global"/>).</summary>
internal sealed class ManagedServerTracer(PropagationFormat[] formats, bool recordExceptions, ILogger logger)
    : ServerTracer(formats, recordExceptions, logger)
{
    protected override bool StartSpan(RequestState request)
    {
        var engine = Tracing.Engine;
        var http = request.ServerFeatures.Get<IHttpRequestFeature>();
        if (engine is null || !engine.IsEnabled || http is null)
            return false;
        var context = request.Context;
        var extracted = context.Extract(Formats, new HeaderDictionaryHeaders(http.Headers));
        if (extracted.Status is not (PropagationStatus.Ok or PropagationStatus.Empty) && LogsRefusals)
            Refused(extracted.ToString());

        string method = http.Method;
        bool known = HttpMethodNames.IsKnown(method);
        var span = Tracing.Global.StartSpan(context, known ? method : HttpMethodNames.OtherSpanName, new SpanOptions { Kind = SpanKind.Server });
        Tracing.Global.SetActiveSpan(span, context);
        request.Mode = TracingMode.Managed;
        request.Engine = engine;
        request.ServerSpanToken = span.Token;
        var writer = new ManagedSpanWriter(engine, span.Token);
        if (writer.IsRecording)
            HttpServerConventions.RecordRequest(writer, http, request.ServerFeatures, method, known);
        return true;
    }

    protected override void EndSpan(RequestState request, Exception? exception)
    {
        try
        {
            var writer = new ManagedSpanWriter(request.Engine!, request.ServerSpanToken);
            if (writer.IsRecording)
                HttpServerConventions.RecordResponse(writer, request.ServerFeatures, exception, RecordExceptions);
            SpanHandle.FromToken(request.Engine!, request.ServerSpanToken).Finish();
        }
        finally
        {
            request.Context.End();
        }
    }
}
