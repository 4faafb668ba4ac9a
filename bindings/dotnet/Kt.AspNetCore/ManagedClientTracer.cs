using System.Net.Http;

namespace Kt.AspNetCore;

/// <summary>CLIENT spans in the managed engine (<see cref="Tracing.Global"/>).</summary>
internal sealed class ManagedClientTracer : ClientTracer
{
    public static readonly ManagedClientTracer Instance = new();

    public override ClientCall Start(HttpRequestMessage request, ReadOnlySpan<PropagationFormat> formats)
    {
        var engine = Tracing.Engine;
        if (engine is null || !engine.IsEnabled)
            return default;
        var context = TraceContext.Current;
        var parent = Tracing.Global.ActiveSpan(context);
        string method = request.Method.Method;
        bool known = HttpMethodNames.IsKnown(method);
        var span = Tracing.Global.StartSpan(null, known ? method : HttpMethodNames.OtherSpanName, new SpanOptions
        {
            Kind = SpanKind.Client,
            Parent = parent,
            RemoteParent = parent.IsNoop && context is not null ? context.RemoteParent : default,
            ShouldSample = parent.IsNoop ? context?.ShouldSample : null,
        });
        if (span.IsNoop)
            return default;
        var writer = new ManagedSpanWriter(engine, span.Token);
        if (writer.IsRecording)
            HttpClientConventions.RecordRequest(writer, request, method, known);
        if (!formats.IsEmpty)
        {
            Span<byte> buffer = stackalloc byte[1024];
            Span<InjectedHeader> written = stackalloc InjectedHeader[4];
            foreach (var format in formats)
            {
                RemoveStale(request, format);
                if (span.TryInject(format, buffer, written, out int count) != KtStatus.Ok)
                    continue;
                foreach (var header in written[..count])
                    Add(request, format, header.Name(buffer), header.Value(buffer));
            }
        }
        return new ClientCall(engine, span.Token);
    }

    public override void Succeeded(in ClientCall call, HttpResponseMessage response)
    {
        var writer = new ManagedSpanWriter(call.Engine!, call.Token);
        if (writer.IsRecording)
            HttpClientConventions.RecordResponse(writer, response);
        SpanHandle.FromToken(call.Engine!, call.Token).Finish();
    }

    public override void Failed(in ClientCall call, Exception exception, bool recordException)
    {
        var writer = new ManagedSpanWriter(call.Engine!, call.Token);
        if (writer.IsRecording)
            HttpClientConventions.RecordFailure(writer, exception, recordException);
        SpanHandle.FromToken(call.Engine!, call.Token).Finish();
    }
}
