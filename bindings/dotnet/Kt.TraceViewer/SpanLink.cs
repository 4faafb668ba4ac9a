namespace Kt.TraceViewer;

/// <summary>A span's link to another span; <see cref="IsRemote"/> is null when the writer did not say.</summary>
internal sealed record SpanLink(string TraceId, string SpanId, string TraceState, IReadOnlyList<KeyValue> Attributes, uint DroppedAttributesCount, bool? IsRemote);
