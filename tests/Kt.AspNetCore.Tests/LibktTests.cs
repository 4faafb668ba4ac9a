using Kt.AspNetCore;
using Kt.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kt.Tests;

/// <summary>
/// kt on libkt.so through the P/Invoke binding (Kt:Engine = libkt), for a host whose native code
/// shares the library: the same spans as with the managed engine, read by the independent decoder
/// from what libkt exported, and an engine the native code started is used and left running.
/// </summary>
public sealed class LibktTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentId = "00f067aa0ba902b7";

    private static Dictionary<string, string?> Settings(OtlpReceiver receiver) =>
        TestService.ExportingTo(receiver, ("Kt:Engine", "libkt"), ("Kt:Library", LibktFixture.LibraryPath), ("Kt:Propagation", "w3c,b3"));

    private static void Map(WebApplication app)
    {
        app.MapGet("/front/{id}", async (HttpContext context, IHttpClientFactory clients, int id) =>
        {
            var feature = context.Features.Get<IKtNativeTracingFeature>()!;
            context.GetKtNativeServerSpan().SetAttribute("order.id", (long)id);
            NativeTracer.Global.StartSpan(feature.Context, "price", new NativeSpanOptions { Kind = NativeSpanKind.Internal }, out var price);
            price.Finish();
            return await clients.CreateClient().GetStringAsync($"http://{context.Request.Host}/back/{id}");
        });
        app.MapGet("/back/{id}", (int id) => id == 0 ? throw new InvalidOperationException("no item 0") : $"item {id}");
    }

    [Fact]
    public async Task LibktTracesRequestsAsTheManagedEngineDoes()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var service = await TestService.StartAsync(Settings(receiver), Map);
        Assert.Null(Tracing.Engine);
        using var client = new HttpClient { BaseAddress = service.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/front/7");
        request.Headers.TryAddWithoutValidation("X-B3-TraceId", TraceId);
        request.Headers.TryAddWithoutValidation("X-B3-SpanId", ParentId);
        request.Headers.TryAddWithoutValidation("X-B3-Sampled", "1");
        Assert.Equal("item 7", await (await client.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, (await client.GetAsync("/front/0")).StatusCode);

        var spans = await service.StopAndReadAsync(receiver);
        var front = spans.Single(s => s.Name == "GET /front/{id}" && s.TraceId == TraceId);
        Assert.Equal(ParentId, front.ParentSpanId);
        Assert.Equal(ExportedSpan.Server, front.Kind);
        Assert.Equal("/front/7", front.String("url.path"));
        Assert.Equal("/front/{id}", front.String("http.route"));
        Assert.Equal(200, front.Int("http.response.status_code"));
        Assert.Equal(7, front.Int("order.id"));
        Assert.Equal(TestService.ServiceName, front.Service);
        var price = spans.Single(s => s.Name == "price" && s.TraceId == TraceId);
        Assert.Equal(front.SpanId, price.ParentSpanId);
        var call = spans.Single(s => s.Kind == ExportedSpan.Client && s.TraceId == TraceId);
        Assert.Equal(front.SpanId, call.ParentSpanId);
        Assert.Equal(200, call.Int("http.response.status_code"));
        var back = spans.Single(s => s.Name == "GET /back/{id}" && s.TraceId == TraceId);
        Assert.Equal(call.SpanId, back.ParentSpanId);

        // The failing lookup: an error, with the exception's message as an event.
        var failed = spans.Single(s => s.Name == "GET /back/{id}" && s.TraceId != TraceId);
        Assert.Equal(ExportedSpan.Error, failed.StatusCode);
        Assert.Equal("System.InvalidOperationException", failed.String("error.type"));
        Assert.Equal("no item 0", Assert.Single(failed.Events).String("exception.message"));
        var failedCall = spans.Single(s => s.Kind == ExportedSpan.Client && s.TraceId == failed.TraceId);
        Assert.Equal("500", failedCall.String("error.type"));
        // The engine kt started is stopped with the host.
        Assert.Equal(KtResult.NotInitialized, KtNative.Flush(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task AnEngineTheNativeCodeStartedIsUsedAndLeftRunning()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        _ = LibktFixture.LibraryPath;
        var init = KtNative.Init([new("endpoint", receiver.Endpoint.ToString()), new("service_name", "native-code"), new("schedule_delay_ms", "60000")]);
        Assert.True(init == KtResult.Ok, $"kt_init: {init}: {KtNative.LastError}");
        try
        {
            var service = await TestService.StartAsync(Settings(receiver), Map);
            using var client = new HttpClient { BaseAddress = service.Address };
            Assert.Equal("item 3", await client.GetStringAsync("/front/3"));
            var spans = await service.StopAndReadAsync(receiver);
            // The host flushed the engine it shared when it stopped, and left it running.
            Assert.Equal(4, spans.Count); // front, price, the call and back
            Assert.All(spans, s => Assert.Equal("native-code", s.Service));
            Assert.Equal(KtResult.Ok, KtNative.Flush(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task ALibraryThatIsNotThereIsNamed()
    {
        var settings = new Dictionary<string, string?> { ["Kt:Engine"] = "libkt", ["Kt:Library"] = "/nowhere/libkt.so", ["Kt:Exporter"] = "none" };
        var e = await Assert.ThrowsAnyAsync<Exception>(() => TestService.StartAsync(settings, app => app.MapGet("/", () => "ok")));
        Assert.Contains("/nowhere/libkt.so", e.Message);
    }
}
