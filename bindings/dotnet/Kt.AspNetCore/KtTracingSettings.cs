using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Kt.AspNetCore;

/// <summary>
/// kt's settings for a host, read once at startup: the configuration section (by default "Kt"),
/// then OpenTelemetry's <c>OTEL_*</c> variables (as IConfiguration holds them, or from the
/// environment), with code's <see cref="KtTracingOptions"/> over both. A bad value is refused with
/// an <see cref="ArgumentException"/> that names the setting and the value.
/// </summary>
internal sealed record KtTracingSettings
{
    public required PropagationFormat[] Formats { get; init; }

    public bool RecordExceptions { get; init; } = true;

    public required OtelEnvironment Environment { get; init; }

    public int? MaxSpans { get; init; }

    public KtEngine Engine { get; init; }

    /// <summary>libkt.so's path; null lets the binding find it.</summary>
    public string? LibraryPath { get; init; }

    // A key of the section and the variables it stands for: the first is the one it sets, the
    // others are hidden while it is set (so the section wins over OTEL_EXPORTER_OTLP_TRACES_*).
    private static readonly (string Key, string[] Variables)[] s_otelKeys =
    [
        ("Disabled", ["OTEL_SDK_DISABLED"]),
        ("ServiceName", ["OTEL_SERVICE_NAME"]),
        ("ResourceAttributes", ["OTEL_RESOURCE_ATTRIBUTES"]),
        ("Exporter", ["OTEL_TRACES_EXPORTER"]),
        ("Endpoint", ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]),
        ("Protocol", ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]),
        ("Headers", ["OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"]),
        ("Timeout", ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"]),
        ("Compression", ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"]),
        ("Sampler", ["OTEL_TRACES_SAMPLER"]),
        ("SamplerArg", ["OTEL_TRACES_SAMPLER_ARG"]),
        ("ScheduleDelay", ["OTEL_BSP_SCHEDULE_DELAY"]),
        ("MaxQueueSize", ["OTEL_BSP_MAX_QUEUE_SIZE"]),
        ("MaxExportBatchSize", ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"]),
    ];

    private static readonly string[] s_ktKeys = ["Propagation", "RecordExceptions", "File", "MaxSpans", "Engine", "Library"];

    private const string KnownFormats = "w3c, b3, b3-single, jaeger, ot, datadog, aws, gcp";

    /// <exception cref="ArgumentException">A setting holds a bad value, or the section a key kt does not know; the message names it.</exception>
    public static KtTracingSettings Read(IConfiguration? configuration, KtTracingOptions options, Action<string>? warn = null)
    {
        var sectionName = string.IsNullOrWhiteSpace(options.SectionName) ? KtTracingOptions.DefaultSectionName : options.SectionName;
        var section = configuration?.GetSection(sectionName);
        string Name(string key) => sectionName + ":" + key;
        string? Section(string key) => section?[key] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        if (section is not null)
        {
            foreach (var child in section.GetChildren())
            {
                if (!s_ktKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase) && !s_otelKeys.Any(k => string.Equals(k.Key, child.Key, StringComparison.OrdinalIgnoreCase)))
                    throw new ArgumentException($"{Name(child.Key)} is not a setting kt knows; it knows " +
                        string.Join(", ", s_otelKeys.Select(k => k.Key).Concat(s_ktKeys)), Name(child.Key));
            }
        }

        // The variables as the engine reads them: the section's value where it sets one.
        var fromSection = new Dictionary<string, string>(StringComparer.Ordinal);
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, variables) in s_otelKeys)
        {
            if (Section(key) is null)
                continue;
            fromSection[variables[0]] = key;
            foreach (var variable in variables.AsSpan(1))
                hidden.Add(variable);
        }
        string? Read(string variable)
        {
            if (fromSection.TryGetValue(variable, out var key))
                return Section(key);
            if (hidden.Contains(variable))
                return null;
            return configuration?[variable] is { Length: > 0 } configured ? configured : System.Environment.GetEnvironmentVariable(variable);
        }

        OtelEnvironment environment;
        try
        {
            environment = OtelEnvironment.Read(Read);
        }
        catch (ArgumentException e) when (e.ParamName is { } variable && fromSection.TryGetValue(variable, out var key) && e.Message.StartsWith(variable, StringComparison.Ordinal))
        {
            throw new ArgumentException(Name(key) + e.Message[variable.Length..], Name(key), e);
        }
        if (Section("File") is { } file)
            environment = environment with { File = file };

        int? maxSpans = null;
        if (Section("MaxSpans") is { } spans)
        {
            maxSpans = int.TryParse(spans, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
                : throw new ArgumentException($"{Name("MaxSpans")}='{spans}' is not a positive integer", Name("MaxSpans"));
        }

        if (options.Engine is { } codedEngine && !Enum.IsDefined(codedEngine))
            throw new ArgumentException($"{nameof(KtTracingOptions)}.{nameof(KtTracingOptions.Engine)} is {codedEngine}, which is not an engine kt runs on", nameof(KtTracingOptions.Engine));
        var engine = options.Engine
            ?? (Section("Engine")?.ToLowerInvariant() switch
            {
                null or "managed" => KtEngine.Managed,
                "libkt" => KtEngine.Libkt,
                _ => throw new ArgumentException($"{Name("Engine")}='{Section("Engine")}' is not managed or libkt", Name("Engine")),
            });

        bool recordExceptions = options.RecordExceptions
            ?? (Section("RecordExceptions") is { } record
                ? bool.TryParse(record, out bool b) ? b : throw new ArgumentException($"{Name("RecordExceptions")}='{record}' is not true or false", Name("RecordExceptions"))
                : true);

        PropagationFormat[] formats;
        if (options.Propagation is { } coded)
        {
            foreach (var format in coded)
            {
                if (PropagationFormatNames.NameOf(format) is null)
                    throw new ArgumentException($"{nameof(KtTracingOptions)}.{nameof(KtTracingOptions.Propagation)} holds {format}, which is not a format kt knows", nameof(KtTracingOptions.Propagation));
            }
            formats = coded.Distinct().ToArray();
        }
        else if (section?.GetSection("Propagation") is { } propagation && (propagation.Value is not null || propagation.GetChildren().Any()))
        {
            formats = KtFormats(Name("Propagation"), propagation);
        }
        else if (Read("OTEL_PROPAGATORS") is { } propagators && !string.IsNullOrWhiteSpace(propagators))
        {
            formats = OtelPropagators(propagators, warn);
        }
        else
        {
            formats = [PropagationFormat.W3C];
        }

        return new KtTracingSettings
        {
            Formats = formats,
            RecordExceptions = recordExceptions,
            Environment = environment,
            MaxSpans = maxSpans,
            Engine = engine,
            LibraryPath = options.LibraryPath ?? Section("Library"),
        };
    }

    // kt's names, as a comma-separated value or an array: "w3c,b3" or ["w3c", "b3"].
    private static PropagationFormat[] KtFormats(string name, IConfigurationSection section)
    {
        var names = section.Value is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value?.Trim() ?? "").ToArray();
        string shown = section.Value ?? string.Join(",", names);
        var formats = new List<PropagationFormat>();
        foreach (var item in names)
        {
            if (item is "none")
                continue;
            if (!PropagationFormatNames.TryParse<char>(item, out var format))
                throw new ArgumentException($"{name}='{shown}': '{item}' is not a format kt knows ({KnownFormats}, or none)", name);
            if (!formats.Contains(format))
                formats.Add(format);
        }
        return [.. formats];
    }

    // OpenTelemetry's names (OTEL_PROPAGATORS): its "b3" is the single header, "b3multi" the
    // multi-header one; kt's own names are taken too where they mean no other thing.
    private static PropagationFormat[] OtelPropagators(string text, Action<string>? warn)
    {
        var formats = new List<PropagationFormat>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            PropagationFormat format;
            switch (item.ToLowerInvariant())
            {
                case "none": continue;
                case "baggage":
                    warn?.Invoke("kt: OTEL_PROPAGATORS names baggage, which kt does not carry; it is ignored");
                    continue;
                case "tracecontext" or "w3c": format = PropagationFormat.W3C; break;
                case "b3" or "b3-single": format = PropagationFormat.B3Single; break;
                case "b3multi": format = PropagationFormat.B3; break;
                case "jaeger": format = PropagationFormat.Jaeger; break;
                case "ottrace" or "ot": format = PropagationFormat.OT; break;
                case "xray" or "aws": format = PropagationFormat.Aws; break;
                case "datadog": format = PropagationFormat.Datadog; break;
                case "gcp": format = PropagationFormat.Gcp; break;
                default:
                    throw new ArgumentException($"OTEL_PROPAGATORS='{text}': '{item}' is not a propagator kt knows " +
                        "(tracecontext, b3, b3multi, jaeger, ottrace, xray, datadog, gcp, baggage, none)", "OTEL_PROPAGATORS");
            }
            if (!formats.Contains(format))
                formats.Add(format);
        }
        return [.. formats];
    }
}
