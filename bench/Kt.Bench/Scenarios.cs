using System.Diagnostics;
using BenchmarkDotNet.Attributes;

// One class per scenario, each with the same four implementations (Noop as the baseline, Kt,
// Activity, OpenTelemetry) beside the two clock floors it inherits from TracingBenchmark, so
// every scenario's report (Kt.Bench.<Scenario>-report-github.md) is one six-row table. The
// Activity and OpenTelemetry methods make the same calls on different ActivitySources.

namespace Kt.Bench;

/// <summary>Start a span and finish it.</summary>
public class StartFinish : TracingBenchmark
{
    [Benchmark(Baseline = true)]
    public KtStatus Noop()
    {
        var span = NoopTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        return span.Finish();
    }

    [Benchmark]
    public KtStatus Kt()
    {
        var span = KtTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        return span.Finish();
    }

    [Benchmark]
    public void Activity()
    {
        var activity = ActivitySource.StartActivity("GET /items/{id}", ActivityKind.Server);
        activity?.Dispose();
    }

    [Benchmark]
    public void OpenTelemetry()
    {
        var activity = OtelSource.StartActivity("GET /items/{id}", ActivityKind.Server);
        activity?.Dispose();
    }
}

/// <summary>Start a span, set a string and an integer attribute, finish it.</summary>
public class TwoAttributes : TracingBenchmark
{
    [Benchmark(Baseline = true)]
    public KtStatus Noop()
    {
        var span = NoopTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        span.SetAttribute("http.request.method", "GET");
        span.SetAttribute("http.response.status_code", 200);
        return span.Finish();
    }

    [Benchmark]
    public KtStatus Kt()
    {
        var span = KtTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        span.SetAttribute("http.request.method", "GET");
        span.SetAttribute("http.response.status_code", 200);
        return span.Finish();
    }

    [Benchmark]
    public void Activity()
    {
        var activity = ActivitySource.StartActivity("GET /items/{id}", ActivityKind.Server);
        activity?.SetTag("http.request.method", "GET");
        activity?.SetTag("http.response.status_code", 200);
        activity?.Dispose();
    }

    [Benchmark]
    public void OpenTelemetry()
    {
        var activity = OtelSource.StartActivity("GET /items/{id}", ActivityKind.Server);
        activity?.SetTag("http.request.method", "GET");
        activity?.SetTag("http.response.status_code", 200);
        activity?.Dispose();
    }
}

/// <summary>
/// Start a root, a child under it and a grandchild under the child; finish them in reverse
/// order. kt names each parent explicitly; Activity and OpenTelemetry nest under the ambient
/// Activity.Current, which each Dispose restores.
/// </summary>
public class ThreeNested : TracingBenchmark
{
    [Benchmark(Baseline = true)]
    public KtStatus Noop()
    {
        var root = NoopTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        var child = NoopTracer.StartSpan(KtContext, "items.load", new SpanOptions { Kind = SpanKind.Internal, Parent = root });
        var grandchild = NoopTracer.StartSpan(KtContext, "cache.get", new SpanOptions { Kind = SpanKind.Internal, Parent = child });
        grandchild.Finish();
        child.Finish();
        return root.Finish();
    }

    [Benchmark]
    public KtStatus Kt()
    {
        var root = KtTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        var child = KtTracer.StartSpan(KtContext, "items.load", new SpanOptions { Kind = SpanKind.Internal, Parent = root });
        var grandchild = KtTracer.StartSpan(KtContext, "cache.get", new SpanOptions { Kind = SpanKind.Internal, Parent = child });
        grandchild.Finish();
        child.Finish();
        return root.Finish();
    }

    [Benchmark]
    public void Activity()
    {
        var root = ActivitySource.StartActivity("GET /items/{id}", ActivityKind.Server);
        var child = ActivitySource.StartActivity("items.load", ActivityKind.Internal);
        var grandchild = ActivitySource.StartActivity("cache.get", ActivityKind.Internal);
        grandchild?.Dispose();
        child?.Dispose();
        root?.Dispose();
    }

    [Benchmark]
    public void OpenTelemetry()
    {
        var root = OtelSource.StartActivity("GET /items/{id}", ActivityKind.Server);
        var child = OtelSource.StartActivity("items.load", ActivityKind.Internal);
        var grandchild = OtelSource.StartActivity("cache.get", ActivityKind.Internal);
        grandchild?.Dispose();
        child?.Dispose();
        root?.Dispose();
    }
}

/// <summary>Start a span, add one event without attributes, finish it.</summary>
public class OneEvent : TracingBenchmark
{
    [Benchmark(Baseline = true)]
    public KtStatus Noop()
    {
        var span = NoopTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        span.AddEvent("cache.miss");
        return span.Finish();
    }

    [Benchmark]
    public KtStatus Kt()
    {
        var span = KtTracer.StartSpan(KtContext, "GET /items/{id}", new SpanOptions { Kind = SpanKind.Server });
        span.AddEvent("cache.miss");
        return span.Finish();
    }

    [Benchmark]
    public void Activity()
    {
        var activity = ActivitySource.StartActivity("GET /items/{id}", ActivityKind.Server);
        activity?.AddEvent(new ActivityEvent("cache.miss"));
        activity?.Dispose();
    }

    [Benchmark]
    public void OpenTelemetry()
    {
        var activity = OtelSource.StartActivity("GET /items/{id}", ActivityKind.Server);
        activity?.AddEvent(new ActivityEvent("cache.miss"));
        activity?.Dispose();
    }
}
