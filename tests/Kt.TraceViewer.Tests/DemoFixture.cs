using System.Diagnostics;

namespace Kt.Tests;

/// <summary>
/// The demo as <c>./build.sh demo</c> runs it (bindings/nginx/demo/run.sh: nginx with the kt
/// module, real requests on loopback), once for the class, into a directory of its own; its
/// file read by the independent decoder.
/// </summary>
public sealed class DemoFixture : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("kt-viewer-demo-").FullName;

    public string Traces => Path.Combine(Directory, "traces.jsonl");

    internal List<DecodedSpan> Spans { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var script = Path.Combine(OtlpDecoder.RepositoryRoot(), "bindings", "nginx", "demo", "run.sh");
        var start = new ProcessStartInfo("bash", [script, Directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var run = Process.Start(start)!;
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, $"the demo (run.sh) exited with {run.ExitCode}:\n{await stdout}\n{await stderr}");
        Spans = DecodedFile.Read(Traces);
        Assert.NotEmpty(Spans);
    }

    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // nginx's temporary directories may still be going away; the system cleans /tmp.
        }
        return Task.CompletedTask;
    }
}
