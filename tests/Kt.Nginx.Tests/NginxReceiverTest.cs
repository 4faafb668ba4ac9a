namespace Kt.Tests;

/// <summary>
/// What the nginx tests share: a real nginx in a temporary prefix, an OTLP/HTTP receiver on
/// loopback for it to export to, the spans it received as the independent decoder reads them,
/// and an HTTP client for the requests.
/// </summary>
public abstract class NginxReceiverTest(int ports) : IAsyncLifetime
{
    private protected OtlpReceiver Receiver { get; private set; } = null!;

    private protected ReceivedSpans Spans { get; private set; } = null!;

    protected NginxServer Nginx { get; } = new(ports);

    protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        Receiver = await OtlpReceiver.StartAsync();
        Spans = new ReceivedSpans(Receiver);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Nginx.Dispose();
        await Receiver.DisposeAsync();
    }
}
