using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kt.Tests;

/// <summary>An untraced service whose /echo answers with the headers it received (lower-case names, first values).</summary>
internal static class EchoService
{
    public static Task<TestService> StartAsync() =>
        TestService.StartAsync(new Dictionary<string, string?>(), app =>
            app.MapGet("/echo", (HttpContext context) =>
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value[0] ?? "")), traced: false);

    public static async Task<Dictionary<string, string>> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!;
}
