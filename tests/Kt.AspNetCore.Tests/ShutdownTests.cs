using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kt.Tests;

/// <summary>
/// What a host finished is exported when it stops, after its requests are done; and an exporter
/// that cannot deliver does not hold the host past its shutdown timeout.
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task StoppingTheHostExportsWhatItFinished()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // Nothing would leave for a minute but for the flush at shutdown.
        var service = await TestService.StartAsync(TestService.ExportingTo(receiver, ("Kt:ScheduleDelay", "60000")), app =>
            app.MapGet("/slow", async () =>
            {
                await Task.Delay(500);
                return "done";
            }));
        using var client = new HttpClient();
        for (int i = 0; i < 10; i++)
            Assert.Equal("done", await client.GetStringAsync(new Uri(service.Address, "/slow")));
        // A request still running when the host is told to stop is finished, then exported.
        var last = client.GetStringAsync(new Uri(service.Address, "/slow"));
        while (Tracing.Engine!.ReadCounters().SpansStarted < 11)
            await Task.Delay(10);
        Assert.Equal(0, receiver.Attempts);

        var stopped = service.StopAndReadAsync(receiver);
        Assert.Equal("done", await last);
        var spans = await stopped;
        Assert.Equal(11, spans.Count);
        Assert.Null(Tracing.Engine);
    }

    [Fact]
    public async Task ACollectorThatDoesNotAnswerDoesNotHoldTheHostPastItsShutdownTimeout()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Behaviour = _ => new OtlpReceiver.Answer(200, Hang: true);
        var service = await TestService.StartAsync(
            TestService.ExportingTo(receiver, ("Kt:ScheduleDelay", "60000"), ("Kt:Timeout", "120000")),
            app => app.MapGet("/", () => "ok"),
            services: s => s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2)));
        using var client = new HttpClient();
        Assert.Equal("ok", await client.GetStringAsync(service.Address));

        var clock = Stopwatch.StartNew();
        await service.DisposeAsync();
        // The export's own limit is two minutes; the host's two seconds bound the wait.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"stopping took {clock.Elapsed}");
        Assert.Equal(1, receiver.Attempts);
    }
}
