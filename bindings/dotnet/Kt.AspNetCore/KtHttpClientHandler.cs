using System.Net.Http;

namespace Kt.AspNetCore;

/// <summary>
/// A CLIENT span per request an HttpClient sends, child of the request being served, with its
/// trace context written into the request's headers in the configured formats, and the response's
/// status or the failure recorded. <c>AddKtTracing</c> puts one into every client of
/// IHttpClientFactory; <c>AddHttpClient(...).AddKtTracing()</c> into one client; or wrap a handler
/// yourself: <c>new HttpClient(new KtHttpClientHandler(new SocketsHttpHandler()))</c>.
/// </summary>
public sealed class KtHttpClientHandler : DelegatingHandler
{
    private readonly Func<PropagationFormat[]> _formats;
    private readonly bool _traces;
    private readonly bool _recordExceptions;

    /// <summary>A handler that writes W3C trace context; give it an inner handler before use (IHttpClientFactory does).</summary>
    public KtHttpClientHandler() : this(null, [PropagationFormat.W3C]) { }

    /// <summary>A handler over <paramref name="innerHandler"/> that writes the given formats (W3C when null).</summary>
    /// <exception cref="ArgumentException">A format kt does not know.</exception>
    public KtHttpClientHandler(HttpMessageHandler? innerHandler, IEnumerable<PropagationFormat>? formats = null)
    {
        if (innerHandler is not null)
            InnerHandler = innerHandler;
        var list = (formats ?? [PropagationFormat.W3C]).Distinct().ToArray();
        foreach (var format in list)
        {
            if (PropagationFormatNames.NameOf(format) is null)
                throw new ArgumentException($"{format} is not a trace-context format kt knows", nameof(formats));
        }
        _formats = () => list;
        _traces = true;
        _recordExceptions = true;
    }

    internal KtHttpClientHandler(KtTracingRuntime runtime)
    {
        _formats = () => runtime.Formats;
        _traces = runtime.TracesHttpClients;
        _recordExceptions = runtime.RecordExceptions;
    }

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        TraceEngine? engine = null;
        long token = _traces ? ClientSpans.Start(request, _formats(), out engine) : 0;
        if (token == 0)
            return base.SendAsync(request, cancellationToken);
        return SendTracedAsync(request, engine!, token, cancellationToken);
    }

    /// <inheritdoc/>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        TraceEngine? engine = null;
        long token = _traces ? ClientSpans.Start(request, _formats(), out engine) : 0;
        if (token == 0)
            return base.Send(request, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = base.Send(request, cancellationToken);
        }
        catch (Exception e)
        {
            ClientSpans.Failed(engine!, token, e, _recordExceptions);
            throw;
        }
        ClientSpans.Succeeded(engine!, token, response);
        return response;
    }

    private async Task<HttpResponseMessage> SendTracedAsync(HttpRequestMessage request, TraceEngine engine, long token, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ClientSpans.Failed(engine, token, e, _recordExceptions);
            throw;
        }
        ClientSpans.Succeeded(engine, token, response);
        return response;
    }
}
