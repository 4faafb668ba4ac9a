using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Kt.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kt.Tests;

/// <summary>
/// CLIENT spans of HttpClient requests: one per request, child of the request being served and
/// parent of the next service's SERVER span, with the response's status or the failure.
/// </summary>
public sealed class HttpClientTests
{
    private static Uri Back(HttpContext context, string path) => new($"http://{context.Request.Host}{path}");

    [Fact]
    public async Task ServerClientServerIsOneTree()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
        {
            app.MapGet("/front", async (HttpContext context, IHttpClientFactory clients) =>
                "front+" + await clients.CreateClient("back").GetStringAsync(Back(context, "/back/1")));
            app.MapGet("/back/{n}", (int n) => $"back {n}");
        }, services: s => s.AddHttpClient("back"));
        using var client = new HttpClient();
        Assert.Equal("front+back 1", await client.GetStringAsync(new Uri(service.Address, "/front")));

        var spans = await service.StopAndReadAsync(receiver);
        Assert.Equal(3, spans.Count);
        var front = spans.Single(s => s.Name == "GET /front");
        var outgoing = spans.Single(s => s.Kind == ExportedSpan.Client);
        var back = spans.Single(s => s.Name == "GET /back/{n}");
        Assert.Null(front.ParentSpanId);
        Assert.Equal(front.SpanId, outgoing.ParentSpanId);
        Assert.Equal(outgoing.SpanId, back.ParentSpanId);
        Assert.All(spans, s => Assert.Equal(front.TraceId, s.TraceId));

        Assert.Equal("GET", outgoing.Name);
        Assert.Equal(ExportedSpan.Unset, outgoing.StatusCode);
        Assert.Equal("GET", outgoing.String("http.request.method"));
        Assert.Equal("127.0.0.1", outgoing.String("server.address"));
        Assert.Equal(service.Port, outgoing.Int("server.port"));
        Assert.Equal(new Uri(service.Address, "/back/1").ToString(), outgoing.String("url.full"));
        Assert.Equal(200, outgoing.Int("http.response.status_code"));
        Assert.Equal("1.1", outgoing.String("network.protocol.version"));
    }

    [Fact]
    public async Task ParallelCallsOfOneRequestAreEachAChildOfIt()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
        {
            app.MapGet("/fan-out", async (HttpContext context, IHttpClientFactory clients) =>
            {
                var client = clients.CreateClient();
                var answers = await Task.WhenAll(Enumerable.Range(1, 8).Select(n => client.GetStringAsync(Back(context, $"/back/{n}"))));
                return string.Join(",", answers);
            });
            app.MapGet("/back/{n}", (int n) => n.ToString());
        });
        using var client = new HttpClient();
        Assert.Equal("1,2,3,4,5,6,7,8", await client.GetStringAsync(new Uri(service.Address, "/fan-out")));

        var spans = await service.StopAndReadAsync(receiver);
        var front = spans.Single(s => s.Name == "GET /fan-out");
        var calls = spans.Where(s => s.Kind == ExportedSpan.Client).ToList();
        Assert.Equal(8, calls.Count);
        Assert.All(calls, c => Assert.Equal(front.SpanId, c.ParentSpanId));
        var backs = spans.Where(s => s.Name == "GET /back/{n}").ToList();
        Assert.Equal(calls.Select(c => c.SpanId).Order(), backs.Select(b => b.ParentSpanId!).Order());
    }

    [Fact]
    public async Task FailuresAndErrorStatusesAreErrors()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
        {
            app.MapGet("/refused", async (IHttpClientFactory clients) =>
            {
                try
                {
                    await clients.CreateClient().GetStringAsync($"http://127.0.0.1:{closedPort}/");
                    return Results.Ok();
                }
                catch (HttpRequestException)
                {
                    return Results.StatusCode(502);
                }
            });
            app.MapGet("/missing", async (HttpContext context, IHttpClientFactory clients) =>
                (int)(await clients.CreateClient().GetAsync(Back(context, "/nowhere"))).StatusCode);
        });
        using var client = new HttpClient { BaseAddress = service.Address };
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/refused")).StatusCode);
        Assert.Equal("404", await client.GetStringAsync("/missing"));

        var spans = await service.StopAndReadAsync(receiver);
        var refused = spans.Single(s => s.Kind == ExportedSpan.Client && s.Int("server.port") == closedPort);
        Assert.Equal(ExportedSpan.Error, refused.StatusCode);
        Assert.Equal("connection_error", refused.String("error.type"));
        Assert.False(refused.Attributes.ContainsKey("http.response.status_code"));
        Assert.Equal("System.Net.Http.HttpRequestException", Assert.Single(refused.Events).String("exception.type"));

        var missing = spans.Single(s => s.Kind == ExportedSpan.Client && s.String("url.full")!.EndsWith("/nowhere"));
        Assert.Equal(ExportedSpan.Error, missing.StatusCode);
        Assert.Equal("404", missing.String("error.type"));
        Assert.Equal(404, missing.Int("http.response.status_code"));
        // The 502 the front answered is not its server span's error: 5xx is.
        Assert.Equal(ExportedSpan.Error, spans.Single(s => s.Name == "GET /refused").StatusCode);
        Assert.Equal(ExportedSpan.Unset, spans.Single(s => s.Name == "GET /missing").StatusCode);
    }

    [Fact]
    public async Task ACallOutsideAnyRequestStartsATrace()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app => app.MapGet("/back", () => "back"));
        var clients = service.App.Services.GetRequiredService<IHttpClientFactory>();
        Assert.Equal("back", await clients.CreateClient().GetStringAsync(new Uri(service.Address, "/back")));

        var spans = await service.StopAndReadAsync(receiver);
        var outgoing = spans.Single(s => s.Kind == ExportedSpan.Client);
        var back = spans.Single(s => s.Kind == ExportedSpan.Server);
        Assert.Null(outgoing.ParentSpanId);
        Assert.Equal(outgoing.SpanId, back.ParentSpanId);
        Assert.Equal(outgoing.TraceId, back.TraceId);
    }

    [Fact]
    public async Task AHandlerMadeByHandWritesItsFormatsAndHidesCredentials()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var echo = await EchoService.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app => app.MapGet("/", () => "ok"));
        using var client = new HttpClient(new KtHttpClientHandler(new SocketsHttpHandler(), [PropagationFormat.B3, PropagationFormat.W3C]));
        var url = $"http://user:secret@127.0.0.1:{echo.Port}/echo";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        // Stale trace context on the request is replaced, not added to.
        request.Headers.TryAddWithoutValidation("traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
        request.Headers.TryAddWithoutValidation("tracestate", "stale=1");
        var received = await EchoService.ReadAsync(await client.SendAsync(request));

        var outgoing = Assert.Single(await service.StopAndReadAsync(receiver));
        Assert.Equal(ExportedSpan.Client, outgoing.Kind);
        Assert.Equal($"http://REDACTED:REDACTED@127.0.0.1:{echo.Port}/echo", outgoing.String("url.full"));
        Assert.Equal(outgoing.TraceId, received["x-b3-traceid"]);
        Assert.Equal(outgoing.SpanId, received["x-b3-spanid"]);
        // A root kt started: sampled, and its trace id random (W3C level 2's flag 02).
        Assert.Equal($"00-{outgoing.TraceId}-{outgoing.SpanId}-03", received["traceparent"]);
        Assert.False(received.ContainsKey("tracestate"));
    }

    [Fact]
    public async Task ClientsCanBeLeftUntraced()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var echo = await EchoService.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
            app.MapGet("/front", async (IHttpClientFactory clients) =>
                await EchoService.ReadAsync(await clients.CreateClient().GetAsync(new Uri(echo.Address, "/echo")))),
            configure: o => o.TraceHttpClients = false);
        using var client = new HttpClient();
        var received = await client.GetFromJsonAsync<Dictionary<string, string>>(new Uri(service.Address, "/front"));
        Assert.False(received!.ContainsKey("traceparent"));

        var span = Assert.Single(await service.StopAndReadAsync(receiver));
        Assert.Equal(ExportedSpan.Server, span.Kind);
    }

    [Fact]
    public void AFormatKtDoesNotKnowIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new KtHttpClientHandler(null, [PropagationFormat.W3C, (PropagationFormat)42]));
        Assert.Equal("formats", e.ParamName);
        Assert.Contains("42", e.Message);
        Assert.Throws<ArgumentException>(() => new KtHttpClientHandler(null, [PropagationFormat.None]));
    }

    // HttpClient and HttpMessageInvoker refuse a null request before any handler sees it, so the
    // handler's own check is reached here through its protected methods, as a handler chained
    // before it would reach them; with an engine running, so that the check, not the inner
    // handler's, is what refuses it.
    [Fact]
    public void ARequestThatIsNotThereIsRefused()
    {
        using var engine = Tracing.Initialize(new EngineOptions { Exporter = new Kt.Export.InMemoryExporter() });
        try
        {
            using var handler = new KtHttpClientHandler(new SocketsHttpHandler());
            var flags = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic;
            Type[] parameters = [typeof(HttpRequestMessage), typeof(CancellationToken)];
            foreach (var name in new[] { "SendAsync", "Send" })
            {
                var method = typeof(KtHttpClientHandler).GetMethod(name, flags, parameters)!;
                var e = Assert.Throws<System.Reflection.TargetInvocationException>(() => method.Invoke(handler, [null, CancellationToken.None]));
                var refused = Assert.IsType<ArgumentNullException>(e.InnerException);
                Assert.Contains(nameof(KtHttpClientHandler), refused.StackTrace);
            }
            Assert.Equal(0, engine.ReadCounters().SpansStarted);
        }
        finally
        {
            Tracing.Shutdown(TimeSpan.FromSeconds(10));
        }
    }
}
