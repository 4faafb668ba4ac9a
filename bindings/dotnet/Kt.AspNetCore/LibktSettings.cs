using System.Globalization;
using Kt.Export.Otlp;
using Kt.Interop;

namespace Kt.AspNetCore;

/// <summary>
/// kt's settings for a host as kt_init's keys, so that libkt runs as the managed engine would:
/// the exporter, the resource, the sampler, the engine's sizes and the span limits, all given (the
/// values were checked when they were read).
/// </summary>
internal static class LibktSettings
{
    public static KtSetting[] From(KtTracingSettings settings, Func<EngineOptions, EngineOptions>? configure)
    {
        var environment = settings.Environment;
        var engine = environment.Engine;
        if (settings.MaxSpans is { } maxSpans)
            engine = engine with { MaxSpans = maxSpans };
        if (configure is not null)
            engine = configure(engine);

        var list = new List<KtSetting>
        {
            new("service_name", environment.Resource[0].Value),
            new("exporter", environment.Exports ? "otlp" : "none"),
            new("sampling_rate", Text(environment.SamplingRate)),
            new("max_spans", Text(engine.MaxSpans)),
            new("attributes_per_span", Text(engine.AttributesPerSpan)),
            new("events_per_span", Text(engine.EventsPerSpan)),
            new("links_per_span", Text(engine.LinksPerSpan)),
            new("event_and_link_attributes_per_span", Text(engine.EventAndLinkAttributesPerSpan)),
            new("bytes_per_span", Text(engine.BytesPerSpan)),
            new("queue_capacity_per_thread", Text(engine.QueueCapacityPerThread)),
            new("max_export_batch_size", Text(engine.MaxExportBatchSize)),
            new("schedule_delay_ms", Text((long)engine.ScheduleDelay.TotalMilliseconds)),
            new("poll_interval_ms", Text((long)engine.PollInterval.TotalMilliseconds)),
            new("attribute_count_limit", Text(engine.Limits.AttributeCountLimit)),
            new("attribute_value_length_limit", Text(engine.Limits.AttributeValueLengthLimit)),
            new("event_count_limit", Text(engine.Limits.EventCountLimit)),
            new("link_count_limit", Text(engine.Limits.LinkCountLimit)),
            new("event_attribute_count_limit", Text(engine.Limits.EventAttributeCountLimit)),
            new("link_attribute_count_limit", Text(engine.Limits.LinkAttributeCountLimit)),
        };
        if (environment.Resource.Count > 1)
            list.Add(new("resource_attributes", Pairs(environment.Resource.Skip(1))));
        if (environment.Http is { } http)
        {
            list.Add(new("endpoint", http.Endpoint.ToString()));
            list.Add(new("protocol", http.Protocol switch
            {
                OtlpHttpProtocol.Json => "http/json",
                OtlpHttpProtocol.Grpc => "grpc",
                _ => "http/protobuf",
            }));
            if (http.Headers.Count > 0)
                list.Add(new("headers", Pairs(http.Headers)));
            list.Add(new("timeout_ms", Text((long)http.Timeout.TotalMilliseconds)));
            list.Add(new("compression", http.Gzip ? "gzip" : "none"));
        }
        else
        {
            list.Add(new("file", environment.File));
        }
        return [.. list];
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // OTEL_RESOURCE_ATTRIBUTES' form, which kt_init reads: key=value pairs, each part percent-encoded.
    private static string Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join(",", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}
