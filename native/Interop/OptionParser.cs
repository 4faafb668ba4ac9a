using System.Globalization;
using System.Text;

namespace Kt.Native.Interop;

/// <summary>Turns kt_init's key/value settings into engine options, refusing what it does not know.</summary>
internal static unsafe class OptionParser
{
    public static int Parse(KtOption* options, nuint count, out EngineOptions engine, out TracerOptions global)
    {
        engine = new EngineOptions();
        global = new TracerOptions();
        if (count > 1024)
            return LastError.Set(Status.InvalidArgument, $"count: {count} settings is more than 1024");
        if (options == null && count > 0)
            return LastError.Set(Status.InvalidArgument, $"options: NULL pointer with count {count}");
        OtelEnvironment environment;
        try
        {
            environment = OtelEnvironment.Read();
        }
        catch (ArgumentException e)
        {
            return LastError.Set(Status.InvalidArgument, $"environment: {e.Message}");
        }
        engine = environment.Engine;
        global = global with { SamplingRate = environment.Disabled ? 0 : environment.SamplingRate };
        var exporter = new Dictionary<string, string>(StringComparer.Ordinal);
        var limits = engine.Limits;
        for (nuint i = 0; i < count; i++)
        {
            int status = Arguments.Text(options[i].Key.Ptr, options[i].Key.Len, new ArgName("options", (long)i).Field("key"), out var keyBytes);
            if (status != Status.Ok)
                return status;
            status = Arguments.Text(options[i].Value.Ptr, options[i].Value.Len, new ArgName("options", (long)i).Field("value"), out var valueBytes);
            if (status != Status.Ok)
                return status;
            string key = Encoding.UTF8.GetString(keyBytes);
            string value = Encoding.UTF8.GetString(valueBytes).Trim();
            if (ExporterKeys.Contains(key))
            {
                exporter[key] = value;
                continue;
            }
            status = Apply(key, value, ref engine, ref global, ref limits);
            if (status != Status.Ok)
                return status;
        }
        engine = engine with { Limits = limits };
        try
        {
            engine.Validate();
            if (!environment.Disabled)
                engine = engine with { Exporter = Exporter(environment, exporter) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return LastError.Set(Status.InvalidArgument, $"options: file: cannot open for appending: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // The engine names its own property; the caller knows the key it passed.
            var key = e.ParamName is not null && KeyOf.TryGetValue(e.ParamName, out var k) ? k : e.ParamName ?? "options";
            var message = e.Message;
            int suffix = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            if (suffix >= 0)
                message = message[..suffix];
            if (e.ParamName is not null)
                message = message.Replace(e.ParamName, key, StringComparison.Ordinal);
            return LastError.Set(Status.InvalidArgument, $"options: {key}: {message}");
        }
        return Status.Ok;
    }

    private static int Apply(string key, string value, ref EngineOptions e, ref TracerOptions g, ref SpanLimits l)
    {
        switch (key)
        {
            case "sampling_rate":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) || !(rate >= 0 && rate <= 1))
                    return Bad(key, value, "a number from 0 to 1");
                g = g with { SamplingRate = rate };
                return Status.Ok;
            case "schedule_delay_ms":
            case "poll_interval_ms":
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms <= 0 || ms > int.MaxValue)
                    return Bad(key, value, "a positive number of milliseconds");
                e = key == "schedule_delay_ms" ? e with { ScheduleDelay = TimeSpan.FromMilliseconds(ms) } : e with { PollInterval = TimeSpan.FromMilliseconds(ms) };
                return Status.Ok;
            case "invalid_utf8":
                if (value is not ("refuse" or "replace"))
                    return Bad(key, value, "refuse or replace");
                e = e with { InvalidUtf8 = value == "replace" ? InvalidUtf8Handling.Replace : InvalidUtf8Handling.Refuse };
                return Status.Ok;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            return IsKnown(key) ? Bad(key, value, "a non-negative integer") : Unknown(key);
        switch (key)
        {
            case "max_spans": e = e with { MaxSpans = n }; break;
            case "attributes_per_span": e = e with { AttributesPerSpan = n }; break;
            case "events_per_span": e = e with { EventsPerSpan = n }; break;
            case "links_per_span": e = e with { LinksPerSpan = n }; break;
            case "event_and_link_attributes_per_span": e = e with { EventAndLinkAttributesPerSpan = n }; break;
            case "bytes_per_span": e = e with { BytesPerSpan = n }; break;
            case "queue_capacity_per_thread": e = e with { QueueCapacityPerThread = n }; break;
            case "max_export_batch_size": e = e with { MaxExportBatchSize = n }; break;
            case "attribute_count_limit": l = l with { AttributeCountLimit = n }; break;
            case "attribute_value_length_limit": l = l with { AttributeValueLengthLimit = n }; break;
            case "event_count_limit": l = l with { EventCountLimit = n }; break;
            case "link_count_limit": l = l with { LinkCountLimit = n }; break;
            case "event_attribute_count_limit": l = l with { EventAttributeCountLimit = n }; break;
            case "link_attribute_count_limit": l = l with { LinkAttributeCountLimit = n }; break;
            default: return Unknown(key);
        }
        return Status.Ok;
    }

    // Settings of the exporter: they override the OTEL_* variables of the same meaning.
    private static readonly HashSet<string> ExporterKeys = new(StringComparer.Ordinal)
    {
        "exporter", "endpoint", "protocol", "headers", "timeout_ms", "compression", "service_name", "resource_attributes", "file",
    };

    private static Export.ISpanExporter? Exporter(OtelEnvironment environment, Dictionary<string, string> settings)
    {
        // Rebuild through the same reader as the environment, with the options in place of the
        // variables they override, so both are checked and named the same way.
        var names = new Dictionary<string, string>
        {
            ["exporter"] = "OTEL_TRACES_EXPORTER",
            ["endpoint"] = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            ["protocol"] = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            ["headers"] = "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            ["timeout_ms"] = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
            ["compression"] = "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
            ["service_name"] = "OTEL_SERVICE_NAME",
            ["resource_attributes"] = "OTEL_RESOURCE_ATTRIBUTES",
        };
        var overridden = settings.Where(s => names.ContainsKey(s.Key)).ToDictionary(s => names[s.Key], s => s.Value);
        var combined = overridden.Count == 0 ? environment : OtelEnvironment.Read(name =>
            overridden.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name));
        if (settings.TryGetValue("file", out var file))
            combined = combined with { File = file };
        return combined.CreateExporter();
    }

    private static readonly Dictionary<string, string> KeyOf = new(StringComparer.Ordinal)
    {
        [nameof(EngineOptions.MaxSpans)] = "max_spans",
        [nameof(EngineOptions.AttributesPerSpan)] = "attributes_per_span",
        [nameof(EngineOptions.EventsPerSpan)] = "events_per_span",
        [nameof(EngineOptions.LinksPerSpan)] = "links_per_span",
        [nameof(EngineOptions.EventAndLinkAttributesPerSpan)] = "event_and_link_attributes_per_span",
        [nameof(EngineOptions.BytesPerSpan)] = "bytes_per_span",
        [nameof(EngineOptions.QueueCapacityPerThread)] = "queue_capacity_per_thread",
        [nameof(EngineOptions.MaxExportBatchSize)] = "max_export_batch_size",
        [nameof(EngineOptions.ScheduleDelay)] = "schedule_delay_ms",
        [nameof(EngineOptions.PollInterval)] = "poll_interval_ms",
        [nameof(SpanLimits.AttributeCountLimit)] = "attribute_count_limit",
        [nameof(SpanLimits.AttributeValueLengthLimit)] = "attribute_value_length_limit",
        [nameof(SpanLimits.EventCountLimit)] = "event_count_limit",
        [nameof(SpanLimits.LinkCountLimit)] = "link_count_limit",
        [nameof(SpanLimits.EventAttributeCountLimit)] = "event_attribute_count_limit",
        [nameof(SpanLimits.LinkAttributeCountLimit)] = "link_attribute_count_limit",
        ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "endpoint",
        ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "protocol",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "protocol",
        ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = "headers",
        ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] = "timeout_ms",
        ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"] = "compression",
        ["OTEL_RESOURCE_ATTRIBUTES"] = "resource_attributes",
        ["OTEL_TRACES_EXPORTER"] = "exporter",
    };

    private static bool IsKnown(string key) => key is "max_spans" or "attributes_per_span" or "events_per_span" or "links_per_span"
        or "event_and_link_attributes_per_span" or "bytes_per_span" or "queue_capacity_per_thread" or "max_export_batch_size"
        or "attribute_count_limit" or "attribute_value_length_limit" or "event_count_limit" or "link_count_limit"
        or "event_attribute_count_limit" or "link_attribute_count_limit";

    private static int Bad(string key, string value, string wanted) =>
        LastError.Set(Status.InvalidArgument, $"options: {key}='{value}' is not {wanted}");

    private static int Unknown(string key) =>
        LastError.Set(Status.InvalidArgument, $"options: unknown key '{key}'");
}
