using System.Net.Http;

namespace Kt.AspNetCore;

/// <summary>
/// A CLIENT span per request an HttpClient sends, child of the request being served, with its
/// trace context written into the request's headers in the configured formats, and the response's
/// status or the failure recorded. <c>AddKtTracing</c> puts one into every client of
/// IHttpClientFactory; <c>AddHttpClient(...).AddKtTracing()</c> into one client; or wrap a handler
/// yourself: <c>new HttpClient(new KtHttpClientHandler(new SocketsHttpHandler()))</c> (the
/// managed engine's spans).
/// </summary>
public sealed class KtHttpClientHandler : DelegatingHandler
{
    private readonly KtTracingRuntime? _runtime;
    private readonly PropagationFormat[] _formats = [PropagationFormat.W3C];

    /// <summary>A handler that writes W3C trace context; give it an inner handler before use (IHttpClientFactory does).</summary>
    public KtHttpClientHandler() { }

    /// <summary>A handler over <paramref name="innerHandler"/> that writes the given formats (W3C when null).</summary>
    /// <exception cref="ArgumentException">A format kt does not know.</exception>
    public KtHttpClientHandler(HttpMessageHandler? innerHandler, IEnumerable<PropagationFormat>? formats = null)
    {
        if (innerHandler is not null)
            InnerHandler = innerHandler;
        if (formats is null)
            return;
        _formats = formats.Distinct().ToArray();
        foreach (var format in _formats)
        {
            if (PropagationFormatNames.NameOf(format) is null)
                throw new ArgumentException($"{format} is not a trace-context format kt knows", nameof(formats));
        }
    }

    internal KtHttpClientHandler(KtTracingRuntime runtime) => _runtime = runtime;

    private ClientTracer? Tracer => _runtime is null ? ManagedClientTracer.Instance : _runtime.ClientTracer;

    private bool RecordExceptions => _runtime?.RecordExceptions ?? true;

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tracer = Tracer;
        var call = tracer?.Start(request, _runtime?.Formats ?? _formats) ?? default;
        if (!call.IsTraced)
            return base.SendAsync(request, cancellationToken);
        return SendTracedAsync(tracer!, call, request, cancellationToken);
    }

    /// <inheritdoc/>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tracer = Tracer;
        var call = tracer?.Start(request, _runtime?.Formats ?? _formats) ?? default;
        if (!call.IsTraced)
            return base.Send(request, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = base.Send(request, cancellationToken);
        }
        catch (Exception e)
        {
            tracer!.Failed(call, e, RecordExceptions);
            throw;
        }
        tracer!.Succeeded(call, response);
        return response;
    }

    private async Task<HttpResponseMessage> SendTracedAsync(ClientTracer tracer, ClientCall call, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            tracer.Failed(call, e, RecordExceptions);
            throw;
        }
        tracer.Succeeded(call, response);
        return response;
    }
}
