namespace Kt.TraceViewer;

/// <summary>An attribute: a key and its value.</summary>
internal readonly record struct KeyValue(string Key, AttributeValue Value);
