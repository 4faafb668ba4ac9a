using System.Net.Http.Json;
using Kt.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Kt.Tests;

/// <summary>
/// kt's settings from the "Kt" section, OTEL_* and code: a bad value stops the host from starting
/// with a message that names the setting and the value; good ones are what the spans show.
/// </summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Kt:Protocol", "carrier-pigeon", "Kt:Protocol='carrier-pigeon' is not http/protobuf, http/json or grpc" },
        { "Kt:Endpoint", "not a url", "Kt:Endpoint='not a url" },
        { "Kt:Sampler", "sometimes", "Kt:Sampler='sometimes'" },
        { "Kt:SamplerArg", "2", "Kt:SamplerArg='2' is not a number from 0 to 1" },
        { "Kt:Timeout", "-5", "Kt:Timeout='-5' is not a positive integer" },
        { "Kt:Propagation", "w3c,zipkin", "Kt:Propagation='w3c,zipkin': 'zipkin' is not a format kt knows" },
        { "Kt:RecordExceptions", "maybe", "Kt:RecordExceptions='maybe' is not true or false" },
        { "Kt:MaxSpans", "lots", "Kt:MaxSpans='lots' is not a positive integer" },
        { "Kt:Endpiont", "http://collector:4318", "Kt:Endpiont is not a setting kt knows" },
        { "Kt:Engine", "rust", "Kt:Engine='rust' is not managed or libkt" },
        { "OTEL_EXPORTER_OTLP_PROTOCOL", "smoke", "OTEL_EXPORTER_OTLP_PROTOCOL='smoke'" },
        { "OTEL_PROPAGATORS", "tracecontext,zipkin", "OTEL_PROPAGATORS='tracecontext,zipkin': 'zipkin' is not a propagator kt knows" },
        { "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "x", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task ABadValueStopsTheHostAndIsNamed(string key, string value, string message)
    {
        // Settings that are read only beside others (a timeout beside an endpoint, a ratio beside its sampler) have them.
        var settings = new Dictionary<string, string?>
        {
            ["Kt:Exporter"] = "none",
            ["Kt:Endpoint"] = "http://127.0.0.1:9",
            ["Kt:Sampler"] = "parentbased_traceidratio",
            [key] = value,
        };
        ArgumentException? e = null;
        try
        {
            await using var service = await TestService.StartAsync(settings, app => app.MapGet("/", () => "ok"));
        }
        catch (ArgumentException refused)
        {
            e = refused;
        }
        Assert.NotNull(e);
        Assert.Contains(message, e.Message);
        Assert.Null(Tracing.Engine);
    }

    [Fact]
    public async Task AFormatCodeGivesIsChecked()
    {
        var settings = new Dictionary<string, string?> { ["Kt:Exporter"] = "none" };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TestService.StartAsync(settings, app => app.MapGet("/", () => "ok"),
            configure: o => o.Propagation = [PropagationFormat.W3C, (PropagationFormat)17]));
        Assert.Contains("KtTracingOptions.Propagation holds 17", e.Message);
    }

    [Fact]
    public async Task AnEngineCodeGivesIsChecked()
    {
        var settings = new Dictionary<string, string?> { ["Kt:Exporter"] = "none" };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TestService.StartAsync(settings, app => app.MapGet("/", () => "ok"),
            configure: o => o.Engine = (KtEngine)9));
        Assert.Contains("KtTracingOptions.Engine is 9", e.Message);
        e = await Assert.ThrowsAsync<ArgumentException>(() => TestService.StartAsync(settings, app => app.MapGet("/", () => "ok"),
            configure: o => o.ConfigureEngine = engine => engine with { MaxSpans = 0 }));
        Assert.Contains("MaxSpans", e.Message);
        Assert.Null(Tracing.Engine);
    }

    [Fact]
    public void NullsAreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => KtTracingServiceCollectionExtensions.AddKtTracing((IServiceCollection)null!));
        Assert.Throws<ArgumentNullException>(() => KtTracingServiceCollectionExtensions.AddKtTracing((IHttpClientBuilder)null!));
        Assert.Throws<ArgumentNullException>(() => HttpContextTracingExtensions.GetKtServerSpan(null!));
        Assert.Throws<ArgumentNullException>(() => HttpContextTracingExtensions.GetKtTraceContext(null!));
        Assert.Throws<ArgumentNullException>(() => HttpContextTracingExtensions.GetKtNativeServerSpan(null!));
    }

    [Fact]
    public void AnUntracedRequestHasNoSpans()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        Assert.True(context.GetKtServerSpan().IsNoop);
        Assert.Null(context.GetKtTraceContext());
        Assert.True(context.GetKtNativeServerSpan().IsNoop);
    }

    [Fact]
    public void WithoutAServerThereIsNothingToTrace()
    {
        var services = new ServiceCollection();
        var e = Assert.Throws<InvalidOperationException>(() => services.AddKtTracing());
        Assert.Contains("found no IServer", e.Message);
    }

    [Fact]
    public async Task OtelVariablesFillInWhatTheSectionLeavesOut()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var echo = await EchoService.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "from-otel",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=test",
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://127.0.0.1:9/never-used",
            // The section wins where both speak.
            ["Kt:Endpoint"] = new Uri(receiver.Endpoint, "/").ToString(),
            ["OTEL_PROPAGATORS"] = "b3multi,baggage",
        };
        var service = await TestService.StartAsync(settings, app =>
            app.MapGet("/front", async (IHttpClientFactory clients) =>
                await EchoService.ReadAsync(await clients.CreateClient().GetAsync(new Uri(echo.Address, "/echo")))));
        using var client = new HttpClient();
        var received = await client.GetFromJsonAsync<Dictionary<string, string>>(new Uri(service.Address, "/front"));
        Assert.True(received!.ContainsKey("x-b3-traceid"));
        Assert.False(received.ContainsKey("traceparent"));

        var spans = await service.StopAndReadAsync(receiver);
        Assert.Equal(2, spans.Count);
        Assert.All(spans, s => Assert.Equal("from-otel", s.Service));
    }

    [Fact]
    public async Task DisabledTracingLeavesTheServiceAsItWas()
    {
        var settings = new Dictionary<string, string?> { ["Kt:Disabled"] = "true", ["Kt:Endpoint"] = "http://127.0.0.1:9" };
        await using var service = await TestService.StartAsync(settings, app =>
            app.MapGet("/", (Microsoft.AspNetCore.Http.HttpContext context) => context.Features.Get<IKtTracingFeature>() is null ? "untraced" : "traced"));
        Assert.Null(Tracing.Engine);
        using var client = new HttpClient();
        Assert.Equal("untraced", await client.GetStringAsync(service.Address));
    }

    [Fact]
    public async Task AnEngineTheApplicationStartedIsUsedAndLeftRunning()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var exporter = new Kt.Export.InMemoryExporter();
        using var engine = Tracing.Initialize(new EngineOptions { Exporter = exporter });
        try
        {
            var service = await TestService.StartAsync(TestService.ExportingTo(receiver), app => app.MapGet("/", () => "ok"));
            using var client = new HttpClient();
            Assert.Equal("ok", await client.GetStringAsync(service.Address));
            Assert.Empty(await service.StopAndReadAsync(receiver));
            Assert.Same(engine, Tracing.Engine);
            Assert.True(engine.IsEnabled);
            // The host flushed it when it stopped.
            Assert.Single(exporter.Spans);
        }
        finally
        {
            Tracing.Shutdown(TimeSpan.FromSeconds(10));
        }
    }
}
