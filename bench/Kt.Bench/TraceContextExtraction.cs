using BenchmarkDotNet.Attributes;

namespace Kt.Bench;

/// <summary>
/// Taking a request's W3C context, as a server does once per request: a traceparent alone, with a
/// tracestate of three members, and with the same members on three lines (Level 2 combines them).
/// </summary>
[MemoryDiagnoser]
public class TraceContextExtraction
{
    private static readonly PropagationFormat[] W3C = [PropagationFormat.W3C];

    private readonly TraceContext _context = new();

    private readonly KeyValuePair<string, string>[] _traceparent =
    [
        new("accept", "*/*"), new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), new("user-agent", "curl/8.5.0"),
    ];

    private readonly KeyValuePair<string, string>[] _oneLine =
    [
        new("accept", "*/*"), new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        new("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,dd=s:1;o:rum"), new("user-agent", "curl/8.5.0"),
    ];

    private readonly KeyValuePair<string, string>[] _threeLines =
    [
        new("accept", "*/*"), new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        new("tracestate", "congo=t61rcWkgMzE"), new("tracestate", "rojo=00f067aa0ba902b7"), new("tracestate", "dd=s:1;o:rum"),
        new("user-agent", "curl/8.5.0"),
    ];

    [Benchmark(Baseline = true)]
    public PropagationStatus Traceparent() => _context.Extract(W3C, new StringHeaderList(_traceparent)).Status;

    [Benchmark]
    public PropagationStatus WithTracestate() => _context.Extract(W3C, new StringHeaderList(_oneLine)).Status;

    [Benchmark]
    public PropagationStatus TracestateOnThreeLines() => _context.Extract(W3C, new StringHeaderList(_threeLines)).Status;
}
