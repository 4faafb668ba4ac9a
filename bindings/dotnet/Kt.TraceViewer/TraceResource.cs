namespace Kt.TraceViewer;

/// <summary>The resource of a batch of spans: the process that made them.</summary>
internal sealed record TraceResource(IReadOnlyList<KeyValue> Attributes)
{
    /// <summary>The <c>service.name</c> attribute, or OpenTelemetry's default when there is none.</summary>
    public string ServiceName { get; } =
        Attributes.FirstOrDefault(a => a.Key == "service.name").Value is { Type: AttributeType.String, Value: string name } ? name : "unknown_service";
}
