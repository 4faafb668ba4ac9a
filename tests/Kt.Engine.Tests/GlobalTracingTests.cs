namespace Kt.Tests;

/// <summary>The process-wide tracer: a free no-op until initialised, then bound to the engine.</summary>
[Collection(GlobalTracingCollection.Name)]
public class GlobalTracingTests
{
    [Fact]
    public void The_global_tracer_is_a_noop_that_costs_no_allocation_and_no_slot()
    {
        Assert.Null(Tracing.Engine);
        var tracer = Tracing.Global;
        Assert.True(tracer.IsNoop);
        var context = new TraceContext();
        for (int i = 0; i < 1000; i++)
            Noop(tracer, context);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
            Noop(tracer, context);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(tracer.StartSpan("my-span").IsNoop);
        Assert.True(Tracing.New("custom-tracer").IsNoop);
    }

    private static void Noop(Tracer tracer, TraceContext context)
    {
        var span = tracer.StartSpan(context, "my-span", new SpanOptions { Kind = SpanKind.Server });
        int failures = span.IsNoop ? 0 : 1;
        failures |= (int)tracer.SetActiveSpan(span, context);
        failures |= (int)span.SetAttribute("key", "value");
        failures |= (int)span.AddEvent("e");
        failures |= (int)span.Finish();
        if (failures != 0 || span.Context.IsValid)
            throw new InvalidOperationException("the no-op span did something");
    }

    [Fact]
    public void Initialise_binds_the_global_tracer_and_shutdown_unbinds_it()
    {
        var exporter = new Export.InMemoryExporter();
        var engine = Tracing.Initialize(new EngineOptions { MaxSpans = 64, Exporter = exporter });
        try
        {
            Assert.Throws<InvalidOperationException>(() => Tracing.Initialize());
            Assert.False(Tracing.Global.IsNoop);
            var custom = Tracing.New("custom-tracer");
            Assert.False(custom.IsNoop);
            var root = Tracing.Global.StartSpan(null, "root", default);
            var child = custom.StartSpan(null, "child", new SpanOptions { Parent = root });
            child.Finish();
            root.Finish();
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
            var spans = exporter.Spans;
            Assert.Equal(Tracing.GlobalTracerName, spans.Single(s => s.Name == "root").Scope);
            Assert.Equal("custom-tracer", spans.Single(s => s.Name == "child").Scope);
        }
        finally
        {
            Assert.True(Tracing.Shutdown(TimeSpan.FromSeconds(10)).IsOk);
        }
        Assert.True(Tracing.Global.IsNoop);
        Assert.Null(Tracing.Engine);
        Assert.True(exporter.IsShutDown);
    }

    [Fact]
    public void Initialising_from_a_disabled_environment_leaves_the_global_tracer_a_noop()
    {
        Assert.Null(Tracing.InitializeFromEnvironment(name => name == "OTEL_SDK_DISABLED" ? "true" : null));
        Assert.Null(Tracing.Engine);
        Assert.True(Tracing.Global.IsNoop);
    }

    [Fact]
    public async Task Initialising_from_the_environment_exports_to_its_endpoint()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var engine = Tracing.InitializeFromEnvironment(name => name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" ? receiver.Endpoint.ToString() : null);
        Assert.NotNull(engine);
        try
        {
            Tracing.Global.StartSpan(null, "global", default).Finish();
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            Assert.True(Tracing.Shutdown(TimeSpan.FromSeconds(10)).IsOk);
        }
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public void Bad_options_are_refused_at_initialisation_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentException>(() => Tracing.Initialize(new EngineOptions { MaxSpans = 0 }));
        Assert.Contains("MaxSpans", e.Message);
        Assert.Null(Tracing.Engine);
        Assert.True(Tracing.Global.IsNoop);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public class GlobalTracingCollection
{
    public const string Name = "global tracing";
}
