namespace Kt.TraceViewer;

/// <summary>A span's event.</summary>
internal sealed record SpanEvent(string Name, ulong TimeUnixNano, IReadOnlyList<KeyValue> Attributes, uint DroppedAttributesCount);
