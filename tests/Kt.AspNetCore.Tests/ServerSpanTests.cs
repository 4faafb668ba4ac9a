using System.Net;
using Kt.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Kt.Tests;

/// <summary>
/// The SERVER span of each request a real Kestrel serves, as the independent decoder reads it from
/// what kt exported: name, attributes and status per the HTTP semantic conventions, exceptions,
/// spans a handler starts, and spans a handler forgets.
/// </summary>
public sealed class ServerSpanTests
{
    [Fact]
    public async Task ARoutedRequestIsOneServerSpanNamedByItsRoute()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
            app.MapGet("/users/{id}", (string id) => $"user {id}"));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.Address, "/users/42?fields=name&x=1"));
        request.Headers.UserAgent.ParseAdd("kt-test/1.0");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var span = Assert.Single(await service.StopAndReadAsync(receiver));
        Assert.Equal("GET /users/{id}", span.Name);
        Assert.Equal(ExportedSpan.Server, span.Kind);
        Assert.Equal(ExportedSpan.Unset, span.StatusCode);
        Assert.Null(span.ParentSpanId);
        Assert.Equal("kt", span.Scope);
        Assert.Equal(TestService.ServiceName, span.Service);
        Assert.Equal("GET", span.String("http.request.method"));
        Assert.Equal("http", span.String("url.scheme"));
        Assert.Equal("/users/42", span.String("url.path"));
        Assert.Equal("fields=name&x=1", span.String("url.query"));
        Assert.Equal("/users/{id}", span.String("http.route"));
        Assert.Equal(200, span.Int("http.response.status_code"));
        Assert.Equal("127.0.0.1", span.String("server.address"));
        Assert.Equal(service.Port, span.Int("server.port"));
        Assert.Contains("127.0.0.1", span.String("client.address"));
        Assert.Equal("1.1", span.String("network.protocol.version"));
        Assert.Equal("kt-test/1.0", span.String("user_agent.original"));
        Assert.False(span.Attributes.ContainsKey("error.type"));
    }

    [Fact]
    public async Task StatusesAndMethodsAreNamedAsTheConventionsSay()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
        {
            app.MapGet("/unavailable", () => Results.StatusCode(503));
            app.MapGet("/missing", () => Results.NotFound());
            app.MapMethods("/custom", ["FOO"], () => "custom");
        });
        using var client = new HttpClient { BaseAddress = service.Address };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/unavailable")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/missing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(new HttpRequestMessage(new HttpMethod("FOO"), "/custom"))).StatusCode);

        var spans = await service.StopAndReadAsync(receiver);
        Assert.Equal(4, spans.Count);

        var unavailable = spans.Single(s => s.String("url.path") == "/unavailable");
        Assert.Equal("GET /unavailable", unavailable.Name);
        Assert.Equal(ExportedSpan.Error, unavailable.StatusCode);
        Assert.Equal("503", unavailable.String("error.type"));
        Assert.Equal(503, unavailable.Int("http.response.status_code"));

        // A 4xx is the client's error, not the server's.
        var missing = spans.Single(s => s.String("url.path") == "/missing");
        Assert.Equal(ExportedSpan.Unset, missing.StatusCode);
        Assert.Equal(404, missing.Int("http.response.status_code"));
        Assert.False(missing.Attributes.ContainsKey("error.type"));

        // No route matched: the method alone names it.
        var nowhere = spans.Single(s => s.String("url.path") == "/nowhere");
        Assert.Equal("GET", nowhere.Name);
        Assert.False(nowhere.Attributes.ContainsKey("http.route"));

        var custom = spans.Single(s => s.String("url.path") == "/custom");
        Assert.Equal("HTTP /custom", custom.Name);
        Assert.Equal("_OTHER", custom.String("http.request.method"));
        Assert.Equal("FOO", custom.String("http.request.method_original"));
    }

    [Fact]
    public async Task AnUnhandledExceptionIsAnErrorWithAnExceptionEvent()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
        {
            app.MapGet("/fail", string () => throw new InvalidOperationException("the database is gone"));
            app.MapGet("/fail-async", async Task<string> () =>
            {
                await Task.Yield();
                throw new TimeoutException("too slow");
            });
        });
        using var client = new HttpClient { BaseAddress = service.Address };
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/fail")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/fail-async")).StatusCode);

        var spans = await service.StopAndReadAsync(receiver);
        var failed = spans.Single(s => s.Name == "GET /fail");
        Assert.Equal(ExportedSpan.Error, failed.StatusCode);
        Assert.Equal("the database is gone", failed.StatusMessage);
        Assert.Equal(500, failed.Int("http.response.status_code"));
        Assert.Equal("System.InvalidOperationException", failed.String("error.type"));
        var exception = Assert.Single(failed.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Equal("System.InvalidOperationException", exception.String("exception.type"));
        Assert.Equal("the database is gone", exception.String("exception.message"));
        Assert.Contains("ServerSpanTests", exception.String("exception.stacktrace"));

        var slow = spans.Single(s => s.Name == "GET /fail-async");
        Assert.Equal("System.TimeoutException", slow.String("error.type"));
        Assert.Equal("System.TimeoutException", Assert.Single(slow.Events).String("exception.type"));
    }

    [Fact]
    public async Task AnExceptionAnExceptionHandlerAnsweredIsRecordedToo()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver, ("Kt:RecordExceptions", "false")), app =>
        {
            app.UseExceptionHandler(error => error.Run(context =>
            {
                context.Response.StatusCode = 500;
                return context.Response.WriteAsync("handled " + context.Features.Get<IExceptionHandlerFeature>()!.Error.Message);
            }));
            app.MapGet("/fail", string () => throw new ArgumentException("bad id"));
        });
        using var client = new HttpClient { BaseAddress = service.Address };
        Assert.Equal("handled bad id", await (await client.GetAsync("/fail")).Content.ReadAsStringAsync());

        var span = Assert.Single(await service.StopAndReadAsync(receiver));
        Assert.Equal(ExportedSpan.Error, span.StatusCode);
        Assert.Equal("System.ArgumentException", span.String("error.type"));
        Assert.Empty(span.Events); // Kt:RecordExceptions=false
    }

    [Fact]
    public async Task AHandlerReachesTheRequestsSpanAndStartsChildren()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
            app.MapGet("/orders/{id}", async (HttpContext context, string id) =>
            {
                var server = context.GetKtServerSpan();
                server.SetAttribute("app.order", id);
                // Seed style: the ambient context's active span (the SERVER span) is the parent.
                StartActive("load order");
                // A SpanHandle lives on the stack: across an await, the context's active span finds it again.
                await Task.Delay(1);
                var query = Tracing.Global.StartSpan("SELECT orders");
                query.Finish();
                Tracing.Global.ActiveSpan().Finish();
                // Through the feature, with its context.
                var feature = context.Features.Get<IKtTracingFeature>()!;
                var price = Tracing.New("pricing").StartSpan(feature.Context, "price", new SpanOptions { Parent = feature.ServerSpan });
                price.AddEvent("discount applied");
                price.Finish();
                return "ok";
            }));
        using var client = new HttpClient { BaseAddress = service.Address };
        Assert.Equal("ok", await client.GetStringAsync("/orders/7"));

        var spans = await service.StopAndReadAsync(receiver);
        Assert.Equal(4, spans.Count);
        var server = spans.Single(s => s.Kind == ExportedSpan.Server);
        Assert.Equal("7", server.String("app.order"));
        var load = spans.Single(s => s.Name == "load order");
        var query = spans.Single(s => s.Name == "SELECT orders");
        var price = spans.Single(s => s.Name == "price");
        Assert.Equal(server.SpanId, load.ParentSpanId);
        Assert.Equal(load.SpanId, query.ParentSpanId);
        Assert.Equal(server.SpanId, price.ParentSpanId);
        Assert.Equal("pricing", price.Scope);
        Assert.All(spans, s => Assert.Equal(server.TraceId, s.TraceId));
    }

    private static void StartActive(string name)
    {
        var span = Tracing.Global.StartSpan(name);
        span.SetAttribute("db.system", "postgresql");
        Tracing.Global.SetActiveSpan(span);
    }

    [Fact]
    public async Task SpansARequestLeavesOpenAreReleasedWhenItEnds()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app =>
            app.MapGet("/leaky", () =>
            {
                Tracing.Global.StartSpan("never finished").SetAttribute("leak", true);
                return "ok";
            }));
        using var client = new HttpClient { BaseAddress = service.Address };
        for (int i = 0; i < 5; i++)
            Assert.Equal("ok", await client.GetStringAsync("/leaky"));
        var counters = Tracing.Engine!.ReadCounters();
        Assert.Equal(5, counters.SpansReleased);
        Assert.Equal(5, counters.SpansFinished);

        var spans = await service.StopAndReadAsync(receiver);
        Assert.Equal(5, spans.Count);
        Assert.All(spans, s => Assert.Equal(ExportedSpan.Server, s.Kind));
    }

    [Fact]
    public async Task Http2RequestsAreTracedToo()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver),
            app => app.MapGet("/h2/{n}", (int n) => n * 2), protocols: HttpProtocols.Http2);
        using var client = new HttpClient
        {
            BaseAddress = service.Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        // Streams of one connection at once.
        var answers = await Task.WhenAll(Enumerable.Range(1, 20).Select(n => client.GetStringAsync($"/h2/{n}")));
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (n * 2).ToString()), answers);

        var spans = await service.StopAndReadAsync(receiver);
        Assert.Equal(20, spans.Count);
        Assert.All(spans, s => Assert.Equal("2", s.String("network.protocol.version")));
        Assert.All(spans, s => Assert.Equal("GET /h2/{n}", s.Name));
        Assert.Equal(20, spans.Select(s => s.TraceId).Distinct().Count());
    }
}
