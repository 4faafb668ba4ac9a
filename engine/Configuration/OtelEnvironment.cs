using System.Globalization;
using Kt.Export;
using Kt.Export.Otlp;

namespace Kt;

/// <summary>
/// The engine's configuration from OpenTelemetry's standard environment variables:
/// OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
/// OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, _HEADERS, _TIMEOUT, _PROTOCOL, _COMPRESSION,
/// OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG, OTEL_TRACES_EXPORTER (otlp or none),
/// OTEL_BSP_* (the export timeout applies when no OTLP timeout is set) and the span limits.
/// Without an endpoint, spans go to an OTLP JSON file (the embedded default: no collector).
/// A bad value is refused with an <see cref="ArgumentException"/> naming the variable and the value.
/// </summary>
public sealed record OtelEnvironment
{
    /// <summary>The file spans go to when no endpoint is set.</summary>
    public const string DefaultFile = "kt-traces.jsonl";

    /// <summary>True when OTEL_SDK_DISABLED is true: tracing stays a no-op.</summary>
    public bool Disabled { get; init; }

    /// <summary>The resource attributes, service.name first.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Resource { get; init; }

    /// <summary>False when OTEL_TRACES_EXPORTER is none: spans are counted and dropped at export.</summary>
    public bool Exports { get; init; } = true;

    /// <summary>The OTLP/HTTP settings, or null for the file.</summary>
    public OtlpHttpOptions? Http { get; init; }

    /// <summary>The file written when <see cref="Http"/> is null.</summary>
    public string File { get; init; } = DefaultFile;

    /// <summary>The global tracer's sampling rate, from the sampler variables.</summary>
    public double SamplingRate { get; init; } = 1.0;

    /// <summary>Engine options: the OTEL_BSP_* batch settings and the span limits.</summary>
    public required EngineOptions Engine { get; init; }

    /// <summary>Reads the variables through <paramref name="read"/> (the process environment by default).</summary>
    /// <exception cref="ArgumentException">A variable holds a bad value; the message names both.</exception>
    public static OtelEnvironment Read(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => string.IsNullOrWhiteSpace(read(name)) ? null : read(name)!.Trim();

        bool disabled = Get("OTEL_SDK_DISABLED") is { } d && Bool("OTEL_SDK_DISABLED", d);
        bool exports = Get("OTEL_TRACES_EXPORTER") switch
        {
            null or "otlp" => true,
            "none" => false,
            var other => throw Bad("OTEL_TRACES_EXPORTER", other, "otlp or none"),
        };
        var resource = new List<KeyValuePair<string, string>>();
        if (Get("OTEL_RESOURCE_ATTRIBUTES") is { } attributes)
            resource.AddRange(ParsePairs("OTEL_RESOURCE_ATTRIBUTES", attributes));
        var serviceName = Get("OTEL_SERVICE_NAME") ?? resource.FirstOrDefault(p => p.Key == "service.name").Value ?? "unknown_service:kt";
        resource.RemoveAll(p => p.Key == "service.name");
        resource.Insert(0, new("service.name", serviceName));

        var engine = new EngineOptions { Limits = SpanLimits.FromEnvironment(read) };
        if (Get("OTEL_BSP_SCHEDULE_DELAY") is { } delay)
            engine = engine with { ScheduleDelay = TimeSpan.FromMilliseconds(Positive("OTEL_BSP_SCHEDULE_DELAY", delay)) };
        if (Get("OTEL_BSP_MAX_QUEUE_SIZE") is { } queue)
            engine = engine with { QueueCapacityPerThread = (int)Positive("OTEL_BSP_MAX_QUEUE_SIZE", queue) };
        if (Get("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") is { } batch)
            engine = engine with { MaxExportBatchSize = (int)Positive("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", batch) };

        double rate = Sampler(Get("OTEL_TRACES_SAMPLER"), Get("OTEL_TRACES_SAMPLER_ARG"));

        OtlpHttpOptions? http = null;
        var protocol = Protocol(SignalName(read, "PROTOCOL"), Signal(read, "PROTOCOL"));
        var endpoint = Get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        string endpointName = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
        if (endpoint is null && Get("OTEL_EXPORTER_OTLP_ENDPOINT") is { } baseEndpoint)
        {
            endpointName = "OTEL_EXPORTER_OTLP_ENDPOINT";
            endpoint = protocol == OtlpHttpProtocol.Grpc ? baseEndpoint : baseEndpoint.TrimEnd('/') + "/v1/traces";
        }
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw Bad(endpointName, endpoint, "an http or https URL");
            // A gRPC endpoint names the server; the method's path goes after it.
            if (protocol == OtlpHttpProtocol.Grpc && uri.AbsolutePath == "/")
                uri = new Uri(uri, OtlpHttpExporter.GrpcMethod);
            http = new OtlpHttpOptions
            {
                Endpoint = uri,
                Protocol = protocol,
                Headers = Signal(read, "HEADERS") is { } headers ? ParsePairs(HeadersName(read), headers).ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, string>(),
                Timeout = Signal(read, "TIMEOUT") is { } timeout ? TimeSpan.FromMilliseconds(Positive(SignalName(read, "TIMEOUT"), timeout))
                    : Get("OTEL_BSP_EXPORT_TIMEOUT") is { } exportTimeout ? TimeSpan.FromMilliseconds(Positive("OTEL_BSP_EXPORT_TIMEOUT", exportTimeout))
                    : TimeSpan.FromSeconds(10),
                Gzip = Signal(read, "COMPRESSION") is { } compression && Compression(SignalName(read, "COMPRESSION"), compression),
            };
        }
        return new OtelEnvironment { Disabled = disabled, Exports = exports, Resource = resource, Http = http, SamplingRate = rate, Engine = engine };
    }

    /// <summary>The exporter these settings describe: OTLP/HTTP to the endpoint, the OTLP JSON file, or none.</summary>
    public ISpanExporter? CreateExporter(Action<string>? log = null) =>
        !Exports ? null
        : Http is { } http ? new OtlpHttpExporter(http with { Log = log ?? http.Log }, Resource)
        : new OtlpFileExporter(File, Resource);

    private static string HeadersName(Func<string, string?> read) => SignalName(read, "HEADERS");

    // OTEL_EXPORTER_OTLP_TRACES_X wins over OTEL_EXPORTER_OTLP_X.
    private static string SignalName(Func<string, string?> read, string setting) =>
        string.IsNullOrWhiteSpace(read("OTEL_EXPORTER_OTLP_TRACES_" + setting)) ? "OTEL_EXPORTER_OTLP_" + setting : "OTEL_EXPORTER_OTLP_TRACES_" + setting;

    private static string? Signal(Func<string, string?> read, string setting) =>
        read(SignalName(read, setting)) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static OtlpHttpProtocol Protocol(string name, string? value) => value switch
    {
        null or "http/protobuf" => OtlpHttpProtocol.Protobuf,
        "http/json" => OtlpHttpProtocol.Json,
        "grpc" => OtlpHttpProtocol.Grpc,
        _ => throw Bad(name, value, "http/protobuf, http/json or grpc"),
    };

    private static bool Compression(string name, string value) => value switch
    {
        "gzip" => true,
        "none" => false,
        _ => throw Bad(name, value, "gzip or none"),
    };

    private static double Sampler(string? sampler, string? argument)
    {
        double Ratio() => argument is null ? 1.0
            : double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r >= 0 && r <= 1 ? r
            : throw Bad("OTEL_TRACES_SAMPLER_ARG", argument, "a number from 0 to 1");
        return sampler switch
        {
            null or "parentbased_always_on" or "always_on" => 1.0,
            "parentbased_always_off" or "always_off" => 0.0,
            "parentbased_traceidratio" or "traceidratio" => Ratio(),
            _ => throw Bad("OTEL_TRACES_SAMPLER", sampler, "always_on, always_off, traceidratio or their parentbased_ forms"),
        };
    }

    private static IEnumerable<KeyValuePair<string, string>> ParsePairs(string name, string text)
    {
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = item.IndexOf('=');
            if (equals <= 0)
                throw Bad(name, text, "comma-separated key=value pairs");
            yield return new(Uri.UnescapeDataString(item[..equals].Trim()), Uri.UnescapeDataString(item[(equals + 1)..].Trim()));
        }
    }

    private static bool Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Bad(name, value, "true or false"),
    };

    private static long Positive(string name, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= int.MaxValue ? n
        : throw Bad(name, value, "a positive integer");

    private static ArgumentException Bad(string name, string value, string wanted) =>
        new($"{name}='{value}' is not {wanted}", name);
}
