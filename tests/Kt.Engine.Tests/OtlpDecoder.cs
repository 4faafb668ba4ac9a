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
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, request);
            return Run(json ? "--json" : null, file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>An OTLP JSON lines file (kt's file exporter) read by the decoder: the array of its requests.</summary>
    internal static JsonElement DecodeJsonLines(string path) => Run("--jsonl", path);

    private static JsonElement Run(string? mode, string file)
    {
        var root = RepositoryRoot();
        Assert.True(Directory.Exists(Path.Combine(root, "tests", "otlp", "node_modules", "@opentelemetry", "otlp-transformer")),
            "the OTLP decoder is not installed in tests/otlp: run ./build.sh setup (or ./build.sh test), which runs npm ci there");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "tests", "otlp", "decode.js"));
        if (mode is not null)
            start.ArgumentList.Add(mode);
        start.ArgumentList.Add(file);
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        Assert.True(node.WaitForExit(60_000), "node did not finish decoding in a minute");
        Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}: {error.Result}");
        return JsonDocument.Parse(output.Result).RootElement.Clone();
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
