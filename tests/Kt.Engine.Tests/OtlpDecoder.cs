using System.Diagnostics;
using System.Text.Json;

namespace Kt.Tests;

/// <summary>
/// Runs the decoder OpenTelemetry's JavaScript project generates from the official OTLP
/// schema (tests/otlp, installed by ./build.sh setup) and returns what it read, as JSON.
/// </summary>
internal static class OtlpDecoder
{
    internal static Dictionary<string, JsonElement> Attributes(JsonElement list) =>
        list.EnumerateArray().ToDictionary(kv => kv.GetProperty("key").GetString()!, kv => kv.GetProperty("value"));

    internal static IEnumerable<JsonElement> Values(JsonElement anyValue) =>
        anyValue.GetProperty("arrayValue").GetProperty("values").EnumerateArray();

    internal static JsonElement Decode(byte[] request, bool json = false)
    {
        var root = RepositoryRoot();
        var decoder = Path.Combine(root, "tests", "otlp", "decode.js");
        Assert.True(Directory.Exists(Path.Combine(root, "tests", "otlp", "node_modules", "@opentelemetry", "otlp-transformer")),
            "the OTLP decoder is not installed in tests/otlp: run ./build.sh setup (or ./build.sh test), which runs npm ci there");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, request);
            string[] arguments = json ? [decoder, "--json", file] : [decoder, file];
            var start = new ProcessStartInfo("node", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var error = node.StandardError.ReadToEndAsync();
            Assert.True(node.WaitForExit(60_000), "node did not finish decoding in a minute");
            Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}: {error.Result}");
            return JsonDocument.Parse(output.Result).RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("no Engine.sln above " + AppContext.BaseDirectory);
    }
}
