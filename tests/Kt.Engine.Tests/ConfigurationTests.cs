namespace Kt.Tests;

/// <summary>Options and OpenTelemetry limit variables: defaults, overrides, and clear refusals.</summary>
public class ConfigurationTests
{
    [Fact]
    public void Limits_default_to_opentelemetrys_values()
    {
        var limits = SpanLimits.FromEnvironment(_ => null);
        Assert.Equal(128, limits.AttributeCountLimit);
        Assert.Equal(int.MaxValue, limits.AttributeValueLengthLimit);
        Assert.Equal(128, limits.EventCountLimit);
        Assert.Equal(128, limits.LinkCountLimit);
        Assert.Equal(128, limits.EventAttributeCountLimit);
        Assert.Equal(128, limits.LinkAttributeCountLimit);
    }

    [Fact]
    public void Span_variables_override_the_general_ones()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_ATTRIBUTE_COUNT_LIMIT"] = "10",
            ["OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"] = "20",
            ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT"] = "5",
            ["OTEL_SPAN_EVENT_COUNT_LIMIT"] = "6",
            ["OTEL_SPAN_LINK_COUNT_LIMIT"] = "7",
            ["OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT"] = "8",
            ["OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"] = " 9 ",
        };
        var limits = SpanLimits.FromEnvironment(env.GetValueOrDefault);
        Assert.Equal(5, limits.AttributeCountLimit);
        Assert.Equal(20, limits.AttributeValueLengthLimit);
        Assert.Equal(6, limits.EventCountLimit);
        Assert.Equal(7, limits.LinkCountLimit);
        Assert.Equal(8, limits.EventAttributeCountLimit);
        Assert.Equal(9, limits.LinkAttributeCountLimit);
    }

    [Theory]
    [InlineData("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "-1")]
    [InlineData("OTEL_SPAN_EVENT_COUNT_LIMIT", "lots")]
    [InlineData("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "1.5")]
    [InlineData("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "99999999999")]
    public void A_bad_variable_is_refused_naming_it_and_its_value(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => SpanLimits.FromEnvironment(n => n == name ? value : null));
        Assert.Contains(name, e.Message);
        Assert.Contains(value, e.Message);
    }

    [Theory]
    [InlineData(nameof(EngineOptions.MaxSpans))]
    [InlineData(nameof(EngineOptions.BytesPerSpan))]
    [InlineData(nameof(EngineOptions.QueueCapacityPerThread))]
    [InlineData(nameof(EngineOptions.MaxExportBatchSize))]
    [InlineData(nameof(EngineOptions.ScheduleDelay))]
    [InlineData(nameof(EngineOptions.AttributesPerSpan))]
    [InlineData(nameof(SpanLimits.EventCountLimit))]
    public void Out_of_range_options_are_refused_naming_the_setting(string setting)
    {
        var options = setting switch
        {
            nameof(EngineOptions.MaxSpans) => new EngineOptions { MaxSpans = -1 },
            nameof(EngineOptions.BytesPerSpan) => new EngineOptions { BytesPerSpan = 1 },
            nameof(EngineOptions.QueueCapacityPerThread) => new EngineOptions { QueueCapacityPerThread = 0 },
            nameof(EngineOptions.MaxExportBatchSize) => new EngineOptions { MaxExportBatchSize = 0 },
            nameof(EngineOptions.ScheduleDelay) => new EngineOptions { ScheduleDelay = TimeSpan.Zero },
            nameof(EngineOptions.AttributesPerSpan) => new EngineOptions { AttributesPerSpan = 70_000 },
            _ => new EngineOptions { Limits = new SpanLimits { EventCountLimit = -3 } },
        };
        var e = Assert.Throws<ArgumentException>(() => new TraceEngine(options));
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void A_store_too_large_for_one_array_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new TraceEngine(new EngineOptions { MaxSpans = 1 << 22, BytesPerSpan = 1 << 10 }));
        Assert.Contains("BytesPerSpan", e.Message);
    }

    [Fact]
    public void Tracer_names_and_rates_are_checked()
    {
        using var t = new TestEngine();
        Assert.Throws<ArgumentException>(() => t.Engine.CreateTracer(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Engine.CreateTracer("x", new TracerOptions { SamplingRate = 2 }));
    }
}
