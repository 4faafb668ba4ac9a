namespace Kt.Interop.Tests;

/// <summary>
/// Through the binding, a span allocates no managed memory: 100,000 iterations of start (UTF-16
/// name) + a string and a long attribute + an event + finish allocate 0 bytes once warm. A
/// control loop that must allocate proves the measurement can fail.
/// </summary>
[Collection(NativeEngineCollection.Name)]
public class AllocationTests
{
    private const int Warmup = 20_000;
    private const int Iterations = 100_000;

    private static int OneSpan(NativeTracer tracer, NativeContext context, string name, bool allocate)
    {
        int failures = 0;
        if (tracer.StartSpan(context, name, out var span) != KtResult.Ok)
            failures++;
        if (span.SetAttribute("http.route", "/users/{id}") != KtResult.Ok)
            failures++;
        if (span.SetAttribute("http.response.status_code", 200L) != KtResult.Ok)
            failures++;
        if (span.AddEvent("cache.miss") != KtResult.Ok)
            failures++;
        if (allocate)
            failures += span.ToString().Length == 0 ? 1 : 0;
        if (span.Finish() != KtResult.Ok)
            failures++;
        return failures;
    }

    private static long Measure(NativeTracer tracer, NativeContext context, string name, bool allocate, out int failures)
    {
        failures = 0;
        for (int i = 0; i < Warmup; i++)
            failures += OneSpan(tracer, context, name, allocate);
        Ids.Ok(KtNative.Flush(TimeSpan.FromSeconds(10)));
        GC.Collect();
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
            failures += OneSpan(tracer, context, name, allocate);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Ids.Ok(KtNative.Flush(TimeSpan.FromSeconds(10)));
        return allocated;
    }

    [Theory]
    [InlineData(1.0, false, 15)]
    [InlineData(1.0, true, 15)]
    [InlineData(0.0, true, 15)]
    [InlineData(1.0, true, 700)]
    public void Spans_through_the_binding_allocate_nothing(double rate, bool withContext, int nameLength)
    {
        Ids.Ok(NativeTracer.Create("alloc", out var tracer, rate));
        var context = NativeContext.None;
        if (withContext)
            Ids.Ok(NativeContext.Begin(out context));
        string name = nameLength == 15 ? "GET /users/{id}" : new string('n', nameLength);
        Ids.Ok(KtNative.Counters(out var before));

        long allocated = Measure(tracer, context, name, allocate: false, out int failures);

        Ids.Ok(KtNative.Counters(out var after));
        if (withContext)
            Ids.Ok(context.End());
        Assert.Equal(0, failures);
        Assert.Equal((ulong)(Warmup + Iterations), after.SpansStarted - before.SpansStarted);
        Assert.Equal(before.DroppedNoSlot, after.DroppedNoSlot);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_control_loop_allocates()
    {
        Ids.Ok(NativeTracer.Create("alloc control", out var tracer));
        long allocated = Measure(tracer, NativeContext.None, "GET /users/{id}", allocate: true, out int failures);
        Assert.Equal(0, failures);
        Assert.True(allocated >= Iterations * 32L, $"the control loop allocated only {allocated} bytes");
    }
}
