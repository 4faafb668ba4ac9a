namespace Kt.TraceViewer;

/// <summary>The instrumentation scope of a batch of spans: the tracer that made them.</summary>
internal sealed record TraceScope(string Name, string Version, IReadOnlyList<KeyValue> Attributes);
