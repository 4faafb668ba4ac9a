namespace Kt.Interop.Tests;

/// <summary>
/// Through the binding, extracting from string headers and injecting every format allocate no
/// managed memory once warm; a control loop that must allocate proves the measurement can fail.
/// </summary>
[Collection(NativeEngineCollection.Name)]
public class PropagationAllocationTests
{
    private const int Iterations = 20_000;

    private static readonly NativePropagationFormat[] AllFormats =
    [
        NativePropagationFormat.W3C, NativePropagationFormat.B3, NativePropagationFormat.B3Single, NativePropagationFormat.Jaeger,
        NativePropagationFormat.OT, NativePropagationFormat.Datadog, NativePropagationFormat.Aws, NativePropagationFormat.Gcp,
    ];

    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("Accept", "*/*"),
        new("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01"),
        new("tracestate", "congo=t61rcWkgMzE"),
        new("X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124"), new("X-B3-SpanId", "a2fb4a1d1a96d312"), new("X-B3-Sampled", "1"),
        new("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1"),
        new("uber-trace-id", "463ac35c9f6413ad48485a3953bb6124:a2fb4a1d1a96d312:0:1"),
        new("ot-tracer-traceid", "463ac35c9f6413ad48485a3953bb6124"), new("ot-tracer-spanid", "a2fb4a1d1a96d312"), new("ot-tracer-sampled", "true"),
        new("x-datadog-trace-id", "5208512171318403364"), new("x-datadog-parent-id", "11744061942159299346"),
        new("x-datadog-sampling-priority", "1"), new("x-datadog-tags", "_dd.p.tid=463ac35c9f6413ad"),
        new("X-Amzn-Trace-Id", "Root=1-463ac35c-9f6413ad48485a3953bb6124;Parent=a2fb4a1d1a96d312;Sampled=1"),
        new("X-Cloud-Trace-Context", "463ac35c9f6413ad48485a3953bb6124/11744061942159299346;o=1"),
    ];

    private static long Measure(NativeContext context, bool allocate, out int failures)
    {
        var buffer = new byte[NativeSpan.MaxInjectedBytes];
        var injected = new NativeInjectedHeader[NativeSpan.MaxInjectedHeaders];
        failures = 0;
        long before = 0;
        for (int i = -2000; i < Iterations; i++)
        {
            if (i == 0)
                before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var format in AllFormats)
            {
                var formats = allocate ? new[] { format } : new ReadOnlySpan<NativePropagationFormat>(in format);
                if (context.Extract(formats, Headers, out var used) != KtResult.Ok || used != format)
                    failures++;
                if (NativeTracer.Global.StartSpan(context, "client", out var span) != KtResult.Ok)
                    failures++;
                if (span.TryInject(format, buffer, injected, out int count) != KtResult.Ok || count == 0)
                    failures++;
                if (span.Release() != KtResult.Ok)
                    failures++;
            }
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Extract_and_inject_through_the_binding_allocate_nothing()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        long allocated = Measure(context, allocate: false, out int failures);
        Ids.Ok(context.End());
        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_control_loop_allocates()
    {
        Ids.Ok(NativeContext.Begin(out var context));
        long allocated = Measure(context, allocate: true, out int failures);
        Ids.Ok(context.End());
        Assert.Equal(0, failures);
        Assert.True(allocated >= Iterations * 8L * 24, $"the control loop allocated only {allocated} bytes");
    }
}
