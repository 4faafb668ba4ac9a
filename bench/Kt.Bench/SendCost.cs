using System.Diagnostics;
using System.Globalization;
using System.Net;
using Kt.Export.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kt.Bench;

/// <summary>
/// What sending one batch costs the sending process alone, with the receiver (Kestrel) in a
/// process of its own: `dotnet run -c Release --project bench/Kt.Bench -- sendcost`. For
/// OTLP/HTTP (protobuf) and OTLP/gRPC, the exporter's own connection and the HttpClient sender
/// (what https:// endpoints use, and what every endpoint used before) each send the same
/// 78 KB body (about one batch of 512 spans) 2,000 times from one thread, after 1,500 to warm up
/// and a second's pause, so that tiered compilation has finished (the NativeAOT library that
/// hosts use has none). Reported per batch: the sending process's CPU time, the sending
/// thread's own (the exporter thread's, where the sender is the exporter's own connection; the
/// kernel's loopback work for a send is charged to the sender), the wall time, the thread-pool
/// work items the process completed, and the bytes the sending thread allocated.
/// </summary>
internal static class SendCost
{
    private const int Batches = 2000;

    public static int Run(string[] args)
    {
        if (args.Length > 1 && args[1] == "receiver")
            return Receive(grpc: args[2] == "grpc");
        var body = new byte[78_000];
        new Random(1).NextBytes(body);
        Console.WriteLine("| protocol | sender | process CPU per batch | sending thread CPU per batch | wall per batch | thread-pool work items per batch | allocated per batch |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (bool grpc in new[] { false, true })
        {
            var receiver = Process.Start(new ProcessStartInfo("dotnet", [typeof(SendCost).Assembly.Location, "sendcost", "receiver", grpc ? "grpc" : "http"])
            {
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
            })!;
            int port = int.Parse(receiver.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
            var endpoint = new Uri($"http://127.0.0.1:{port}" + (grpc ? OtlpHttpExporter.GrpcMethod : "/v1/traces"));
            var headers = new Dictionary<string, string>();
            foreach (bool httpClient in new[] { true, false })
            {
                IOtlpSender sender = httpClient
                    ? new HttpClientSender(endpoint, grpc ? OtlpHttpProtocol.Grpc : OtlpHttpProtocol.Protobuf, false, headers)
                    : grpc ? new Export.Otlp.Http2.Http2Connection(endpoint, false, headers) : new Http1Connection(endpoint, OtlpHttpProtocol.Protobuf, false, headers);
                double cpu = 0, threadCpu = 0, wall = 0, items = 0, allocated = 0;
                var thread = new Thread(() =>
                {
                    for (int i = 0; i < 1500; i++)
                        sender.Send(body, Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency);
                    Thread.Sleep(1000);
                    long workItems = ThreadPool.CompletedWorkItemCount;
                    var processor = Process.GetCurrentProcess().TotalProcessorTime;
                    long bytes = GC.GetAllocatedBytesForCurrentThread();
                    long threadTime = ThreadCpuNanoseconds();
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < Batches; i++)
                        sender.Send(body, Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency);
                    wall = clock.Elapsed.TotalMicroseconds / Batches;
                    threadCpu = (ThreadCpuNanoseconds() - threadTime) / 1000.0 / Batches;
                    allocated = (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)Batches;
                    cpu = (Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMicroseconds / Batches;
                    items = (ThreadPool.CompletedWorkItemCount - workItems) / (double)Batches;
                });
                thread.Start();
                thread.Join();
                sender.Dispose();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(grpc ? "grpc" : "http/protobuf")} | {(httpClient ? "HttpClient" : "own connection")} | {cpu:0} µs | {threadCpu:0} µs | {wall:0} µs | {items:0.00} | {allocated:0} B |"));
            }
            receiver.StandardInput.WriteLine();
            receiver.WaitForExit();
        }
        return 0;
    }

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private static long ThreadCpuNanoseconds()
    {
        const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID
        ClockGetTime(ThreadCpuTimeClock, out var time);
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    private static int Receive(bool grpc)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var app = builder.Build();
        app.MapPost(grpc ? OtlpHttpExporter.GrpcMethod : "/v1/traces", async (HttpContext http) =>
        {
            var buffer = new byte[64 * 1024];
            while (await http.Request.Body.ReadAsync(buffer) > 0)
            {
            }
            http.Response.StatusCode = 200;
            if (grpc)
            {
                http.Response.ContentType = "application/grpc";
                await http.Response.Body.WriteAsync(new byte[5]);
                http.Response.AppendTrailer("grpc-status", "0");
            }
        });
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine(new Uri(address).Port);
        Console.In.ReadLine();
        app.StopAsync().GetAwaiter().GetResult();
        return 0;
    }
}
