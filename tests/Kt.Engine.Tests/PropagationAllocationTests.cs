using System.Text;

namespace Kt.Tests;

/// <summary>
/// Extracting and injecting every format allocates nothing, through the UTF-8 and the UTF-16
/// entry points; a control that must allocate proves the measurement can fail.
/// </summary>
public class PropagationAllocationTests
{
    private const int Iterations = 20_000;

    private static readonly PropagationFormat[] AllFormats =
    [
        PropagationFormat.W3C, PropagationFormat.B3, PropagationFormat.B3Single, PropagationFormat.Jaeger,
        PropagationFormat.OT, PropagationFormat.Datadog, PropagationFormat.Aws, PropagationFormat.Gcp,
    ];

    // Every format's headers, as a span of each injects them, plus headers no format reads.
    private static (KeyValuePair<string, string>[] Strings, Utf8HeaderList Bytes) AllHeaders(TestEngine t)
    {
        var context = new TraceContext();
        context.Extract("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "congo=t61rcWkgMzE");
        var span = t.Engine.CreateTracer("headers").StartSpan(context, "client", default);
        var pairs = new List<(string Name, string Value)> { ("Accept", "*/*"), ("User-Agent", "kt-test") };
        foreach (var format in AllFormats)
            pairs.AddRange(RequestHeaders.Inject(span, format).Select(h => (h.Name.ToUpperInvariant(), h.Value)));
        span.Finish();
        return (pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToArray(),
            new Utf8HeaderList(pairs.Select(p => Encoding.ASCII.GetBytes(p.Name)).ToArray(), pairs.Select(p => Encoding.ASCII.GetBytes(p.Value)).ToArray()));
    }

    private static long Measure(Action body)
    {
        for (int i = 0; i < 1000; i++)
            body();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
            body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Extract_and_inject_of_every_format_allocate_nothing()
    {
        using var t = new TestEngine(new EngineOptions { MaxSpans = 1024 });
        var tracer = t.Engine.CreateTracer("alloc");
        var (strings, bytes) = AllHeaders(t);
        var context = new TraceContext();
        var buffer = new byte[1024];
        var injected = new InjectedHeader[4];
        int failures = 0;

        long allocated = Measure(() =>
        {
            foreach (var format in AllFormats)
            {
                if (context.ExtractUtf8(format, bytes).Status != PropagationStatus.Ok)
                    failures++;
                if (context.Extract(format, new StringHeaderList(strings)).Status != PropagationStatus.Ok)
                    failures++;
                var span = tracer.StartSpan(context, "client", default);
                if (span.TryInject(format, buffer, injected, out int count) != KtStatus.Ok || count == 0)
                    failures++;
                span.Release();
            }
            if (context.ExtractUtf8([PropagationFormat.Gcp, PropagationFormat.Aws, PropagationFormat.W3C], bytes).Format != PropagationFormat.Gcp)
                failures++;
            if (context.ExtractUtf8(PropagationFormat.B3, new Utf8HeaderList([], [])).Status != PropagationStatus.Empty)
                failures++;
        });

        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_measurement_sees_an_allocation_when_there_is_one()
    {
        using var t = new TestEngine();
        var (strings, _) = AllHeaders(t);
        var context = new TraceContext();
        long allocated = Measure(() => context.Extract(PropagationFormat.B3, new StringHeaderList(strings.ToArray())));
        Assert.True(allocated >= Iterations * 100L, $"the control allocated only {allocated} bytes");
    }
}
