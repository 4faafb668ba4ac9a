using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kt.Tests;

/// <summary>
/// A real OTLP/HTTP receiver on loopback (Kestrel): records every request to /v1/traces and
/// answers as the test says, by attempt number: a status, a Retry-After, or no answer at all.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _attempts;

    public sealed record Received(string ContentType, string? ContentEncoding, byte[] Body, string? UserAgent = null);

    /// <summary>
    /// How to answer: the status; a Retry-After; no answer at all; a body, sent chunked unless
    /// <paramref name="ContentLength"/>; Connection: close (GOAWAY over HTTP/2); the gRPC status, in trailers or (<paramref name="TrailersOnly"/>) in the headers
    /// of an answer without a body, with a grpc-message.
    /// </summary>
    public sealed record Answer(int Status, int? RetryAfterSeconds = null, bool Hang = false, byte[]? Body = null, int GrpcStatus = 0,
        bool ContentLength = false, bool CloseConnection = false, bool TrailersOnly = false, string? GrpcMessage = null);

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Func<int, Answer> Behaviour { get; set; } = _ => new Answer(200);

    /// <summary>Count requests without keeping them (for tests that send many).</summary>
    public bool KeepNoRequests { get; set; }

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The connections requests came on.</summary>
    public int Connections => _connections.Count;

    private readonly ConcurrentDictionary<string, bool> _connections = new();

    public Uri Endpoint { get; private set; } = null!;

    /// <param name="keepAliveTimeout">How long an idle connection stays open (Kestrel's default is 130 s; it checks once a second).</param>
    public static async Task<OtlpReceiver> StartAsync(TimeSpan? keepAliveTimeout = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            if (keepAliveTimeout is { } idle)
                k.Limits.KeepAliveTimeout = idle;
        });
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address + "/v1/traces");
        return receiver;
    }

    /// <summary>An OTLP/gRPC receiver: HTTP/2 without TLS, the gRPC framing and status trailers.</summary>
    /// <param name="smallWindows">The smallest flow-control windows HTTP/2 allows (65,535 bytes), so a large batch waits for WINDOW_UPDATE.</param>
    public static async Task<OtlpReceiver> StartGrpcAsync(bool smallWindows = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            if (smallWindows)
            {
                k.Limits.Http2.InitialConnectionWindowSize = 65535;
                k.Limits.Http2.InitialStreamWindowSize = 65535;
            }
        });
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost(Kt.Export.Otlp.OtlpHttpExporter.GrpcMethod, receiver.HandleGrpcAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    private async Task HandleGrpcAsync(HttpContext context)
    {
        int attempt = Interlocked.Increment(ref _attempts);
        _connections.TryAdd(context.Connection.Id, true);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var frame = body.ToArray();
        var message = frame.AsSpan(5, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1))).ToArray();
        string? encoding = context.Request.Headers["grpc-encoding"];
        if (frame[0] == 1)
        {
            using var unzipped = new MemoryStream();
            using (var gzip = new GZipStream(new MemoryStream(message), CompressionMode.Decompress))
                await gzip.CopyToAsync(unzipped);
            message = unzipped.ToArray();
        }
        var answer = Behaviour(attempt);
        if (answer.Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/grpc";
        if (answer.CloseConnection)
            context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionLifetimeNotificationFeature>()?.RequestClose();
        if (answer.TrailersOnly)
        {
            context.Response.Headers["grpc-status"] = answer.GrpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (answer.GrpcMessage is not null)
                context.Response.Headers["grpc-message"] = answer.GrpcMessage;
            return;
        }
        if (answer.GrpcMessage is not null)
            context.Response.AppendTrailer("grpc-message", answer.GrpcMessage);
        if (answer.GrpcStatus == 0)
        {
            if (!KeepNoRequests)
                Requests.Enqueue(new Received(context.Request.ContentType ?? "", encoding, message, context.Request.Headers.UserAgent));
            await context.Response.Body.WriteAsync(new byte[5]);
        }
        context.Response.AppendTrailer("grpc-status", answer.GrpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task HandleAsync(HttpContext context)
    {
        int attempt = Interlocked.Increment(ref _attempts);
        _connections.TryAdd(context.Connection.Id, true);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        string? encoding = context.Request.Headers.ContentEncoding;
        if (encoding == "gzip")
        {
            using var unzipped = new MemoryStream();
            using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
                await gzip.CopyToAsync(unzipped);
            bytes = unzipped.ToArray();
        }
        var answer = Behaviour(attempt);
        if (answer.Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
            return;
        }
        if (answer.Status / 100 == 2 && !KeepNoRequests)
            Requests.Enqueue(new Received(context.Request.ContentType ?? "", encoding, bytes, context.Request.Headers.UserAgent));
        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (answer.CloseConnection)
            context.Response.Headers.Connection = "close";
        if (answer.Body is not null)
        {
            if (answer.ContentLength)
            {
                context.Response.ContentLength = answer.Body.Length;
                await context.Response.Body.WriteAsync(answer.Body);
            }
            else
            {
                // Two chunks.
                await context.Response.Body.WriteAsync(answer.Body.AsMemory(0, answer.Body.Length / 2));
                await context.Response.Body.FlushAsync();
                await context.Response.Body.WriteAsync(answer.Body.AsMemory(answer.Body.Length / 2));
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
