using System.Net;
using Kt.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kt.Demo;

/// <summary>
/// A small Kestrel service traced by Kt.AspNetCore: /api/orders/{id} asks /api/stock/{id} of the
/// same service through an IHttpClientFactory client, so each order is a trace of a SERVER span, a
/// CLIENT span and a second SERVER span. It takes a few requests, stops (the engine exports what
/// finished), and prints the OTLP JSON lines file it left, the embedded default: no collector needed.
/// </summary>
internal static class AspNetCoreDemo
{
    private sealed record Call(string Method, string Path, string Case, params (string Name, string Value)[] Headers);

    private static readonly Call[] s_calls =
    [
        new("GET", "/api/orders/42", "a caller's W3C traceparent", ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")),
        new("GET", "/api/orders/7", "a new trace"),
        new("GET", "/api/orders/13", "a caller's B3 headers", ("X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"), ("X-B3-SpanId", "e457b5a2e4d86bd1"), ("X-B3-Sampled", "1")),
        new("GET", "/api/orders/0", "the stock endpoint fails: 500 with an exception"),
        new("GET", "/api/nothing", "no route: 404"),
        new("GET", "/health", "a caller that did not sample: no spans", ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")),
    ];

    public static async Task<int> RunAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var traces = Path.Combine(directory, "traces.jsonl");
        File.Delete(traces);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        // What appsettings.json or Kt__* variables would say.
        builder.Configuration["Kt:ServiceName"] = "kt-demo-aspnetcore";
        builder.Configuration["Kt:File"] = traces;
        builder.Configuration["Kt:Propagation"] = "w3c,b3";
        builder.Services.AddKtTracing();
        builder.Services.AddHttpClient("stock");
        var app = builder.Build();
        Map(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        Console.WriteLine($"Kestrel with Kt.AspNetCore on {address}; spans to {traces}");
        Console.WriteLine("requests:");
        using (var client = new HttpClient { BaseAddress = address })
        {
            // One request first, so that the traces below show a warm service rather than the JIT at work.
            (await client.GetAsync("/api/orders/1")).EnsureSuccessStatusCode();
            foreach (var call in s_calls)
            {
                using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
                request.Headers.Add("X-Demo-Case", call.Case);
                foreach (var (name, value) in call.Headers)
                    request.Headers.TryAddWithoutValidation(name, value);
                using var response = await client.SendAsync(request);
                Console.WriteLine($"  {call.Method,-4} {call.Path,-22} -> {(int)response.StatusCode}   {call.Case}");
            }
        }
        await app.StopAsync();
        await app.DisposeAsync();
        Console.WriteLine("stopped: the engine exported what had finished");
        return TraceSummary.Print(traces, Console.Out, ["http.route", "url.full", "http.request.method", "order.id", "db.system"]);
    }

    private static void Map(WebApplication app)
    {
        // The demo's label for a trace, from the caller's header, on the request's SERVER span.
        app.Use((context, next) =>
        {
            if (context.Request.Headers["X-Demo-Case"].ToString() is { Length: > 0 } label)
                context.GetKtServerSpan().SetAttribute("demo.case", label);
            return next(context);
        });
        app.MapGet("/api/orders/{id}", async (HttpContext context, IHttpClientFactory clients, int id) =>
        {
            context.GetKtServerSpan().SetAttribute("order.id", id);
            using var response = await clients.CreateClient("stock").GetAsync($"http://{context.Request.Host}/api/stock/{id}");
            return response.IsSuccessStatusCode
                ? Results.Ok(new { id, stock = await response.Content.ReadAsStringAsync() })
                : Results.StatusCode(502);
        });
        app.MapGet("/api/stock/{id}", (int id) =>
        {
            // A handler's own span: a child of the request's SERVER span, through the ambient context.
            var lookup = Tracing.Global.StartSpan("SELECT stock", new SpanOptions { Kind = SpanKind.Client });
            lookup.SetAttribute("db.system", "postgresql");
            lookup.Finish();
            return id == 0 ? throw new InvalidOperationException("no stock for item 0") : $"{id * 3} in stock";
        });
        app.MapGet("/health", () => "ok");
    }
}
