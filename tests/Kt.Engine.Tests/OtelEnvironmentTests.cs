using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>OpenTelemetry's environment variables: defaults, precedence, and refusals that name the variable and value.</summary>
public class OtelEnvironmentTests
{
    private static OtelEnvironment Read(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return OtelEnvironment.Read(map.GetValueOrDefault);
    }

    [Fact]
    public void Without_variables_spans_go_to_the_otlp_json_file_of_an_unknown_service()
    {
        var e = Read();
        Assert.False(e.Disabled);
        Assert.Null(e.Http);
        Assert.Equal(OtelEnvironment.DefaultFile, e.File);
        Assert.Equal(new KeyValuePair<string, string>("service.name", "unknown_service:kt"), e.Resource[0]);
        Assert.Equal(1.0, e.SamplingRate);
        Assert.Equal(128, e.Engine.Limits.AttributeCountLimit);
    }

    [Fact]
    public void Service_name_and_resource_attributes()
    {
        var e = Read(("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod, service.name=ignored,team=a%20b"), ("OTEL_SERVICE_NAME", "checkout"));
        Assert.Equal([new("service.name", "checkout"), new("deployment.environment", "prod"), new("team", "a b")], e.Resource);
        Assert.Equal("from-attributes", Read(("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes")).Resource[0].Value);
    }

    [Fact]
    public void The_general_endpoint_gets_the_traces_path_and_the_traces_endpoint_wins()
    {
        Assert.Equal("http://collector:4318/v1/traces", Read(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")).Http!.Endpoint.ToString());
        var both = Read(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"), ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://b/custom"));
        Assert.Equal("https://b/custom", both.Http!.Endpoint.ToString());
    }

    [Fact]
    public void Headers_timeout_protocol_and_compression()
    {
        var e = Read(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret,x-team=a"),
            ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2500"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"));
        var http = e.Http!;
        Assert.Equal("secret", http.Headers["api-key"]);
        Assert.Equal("a", http.Headers["x-team"]);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), http.Timeout);
        Assert.Equal(OtlpHttpProtocol.Json, http.Protocol);
        Assert.True(http.Gzip);
    }

    [Theory]
    [InlineData(null, null, 1.0)]
    [InlineData("always_off", null, 0.0)]
    [InlineData("parentbased_always_off", null, 0.0)]
    [InlineData("traceidratio", "0.25", 0.25)]
    [InlineData("parentbased_traceidratio", null, 1.0)]
    public void Samplers(string? sampler, string? argument, double rate)
    {
        var variables = new List<(string, string)>();
        if (sampler is not null)
            variables.Add(("OTEL_TRACES_SAMPLER", sampler));
        if (argument is not null)
            variables.Add(("OTEL_TRACES_SAMPLER_ARG", argument));
        Assert.Equal(rate, Read([.. variables]).SamplingRate);
    }

    [Fact]
    public void The_batch_export_timeout_applies_when_no_otlp_timeout_is_set()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(700), Read(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), ("OTEL_BSP_EXPORT_TIMEOUT", "700")).Http!.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(900), Read(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), ("OTEL_BSP_EXPORT_TIMEOUT", "700"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "900")).Http!.Timeout);
    }

    [Fact]
    public void Batch_settings()
    {
        var e = Read(("OTEL_BSP_SCHEDULE_DELAY", "250"), ("OTEL_BSP_MAX_QUEUE_SIZE", "4096"), ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "128"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), e.Engine.ScheduleDelay);
        Assert.Equal(4096, e.Engine.QueueCapacityPerThread);
        Assert.Equal(128, e.Engine.MaxExportBatchSize);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ftp://collector/v1/traces")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "thrift")]
    [InlineData("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "-5")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "novalue")]
    [InlineData("OTEL_TRACES_SAMPLER", "sometimes")]
    [InlineData("OTEL_TRACES_SAMPLER_ARG", "2")]
    [InlineData("OTEL_BSP_MAX_QUEUE_SIZE", "-1")]
    [InlineData("OTEL_RESOURCE_ATTRIBUTES", "=x")]
    [InlineData("OTEL_SDK_DISABLED", "maybe")]
    [InlineData("OTEL_SPAN_EVENT_COUNT_LIMIT", "lots")]
    public void A_bad_value_is_refused_naming_the_variable_and_the_value(string name, string value)
    {
        var variables = new List<(string, string)> { (name, value) };
        if (name.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal) && !name.Contains("ENDPOINT"))
            variables.Add(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"));
        if (name == "OTEL_TRACES_SAMPLER_ARG")
            variables.Add(("OTEL_TRACES_SAMPLER", "traceidratio"));
        var e = Assert.Throws<ArgumentException>(() => Read([.. variables]));
        Assert.Contains(name, e.Message);
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public void Disabled_leaves_tracing_a_noop()
    {
        Assert.True(Read(("OTEL_SDK_DISABLED", "true")).Disabled);
    }

    [Fact]
    public async Task Spans_reach_the_endpoint_the_environment_names()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var e = Read(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.Endpoint.ToString()), ("OTEL_SERVICE_NAME", "from-env"));
        using (var engine = new TraceEngine(e.Engine with { MaxSpans = 64, Exporter = e.CreateExporter() }))
        {
            engine.CreateTracer("env").StartSpan(null, "configured", default).Finish();
            Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
        }
        var decoded = OtlpDecoder.Decode(Assert.Single(receiver.Requests).Body);
        var resource = OtlpDecoder.Attributes(decoded.GetProperty("resourceSpans")[0].GetProperty("resource").GetProperty("attributes"));
        Assert.Equal("from-env", resource["service.name"].GetProperty("stringValue").GetString());
    }
}
