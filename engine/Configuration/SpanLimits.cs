namespace Kt;

/// <summary>
/// OpenTelemetry's span limits, with its defaults and environment variables. A limit larger
/// than the storage preallocated per slot (<see cref="EngineOptions"/>) is capped by it; what
/// either drops is counted and exported as the dropped count.
/// </summary>
public sealed record SpanLimits
{
    /// <summary>OpenTelemetry's default for every count limit.</summary>
    public const int DefaultCount = 128;

    /// <summary>Attributes per span (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, else OTEL_ATTRIBUTE_COUNT_LIMIT).</summary>
    public int AttributeCountLimit { get; init; } = DefaultCount;

    /// <summary>Characters kept of a string value (OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, else OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT); unlimited by default.</summary>
    public int AttributeValueLengthLimit { get; init; } = int.MaxValue;

    /// <summary>Events per span (OTEL_SPAN_EVENT_COUNT_LIMIT).</summary>
    public int EventCountLimit { get; init; } = DefaultCount;

    /// <summary>Links per span (OTEL_SPAN_LINK_COUNT_LIMIT).</summary>
    public int LinkCountLimit { get; init; } = DefaultCount;

    /// <summary>Attributes per event (OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT).</summary>
    public int EventAttributeCountLimit { get; init; } = DefaultCount;

    /// <summary>Attributes per link (OTEL_LINK_ATTRIBUTE_COUNT_LIMIT).</summary>
    public int LinkAttributeCountLimit { get; init; } = DefaultCount;

    /// <summary>Reads the limits from environment variables, through <paramref name="read"/> (the process environment by default).</summary>
    /// <exception cref="ArgumentException">A variable is set to something other than a non-negative integer; the message names it.</exception>
    public static SpanLimits FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var defaults = new SpanLimits();
        int generalCount = Read(read, "OTEL_ATTRIBUTE_COUNT_LIMIT", defaults.AttributeCountLimit);
        int generalLength = Read(read, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", defaults.AttributeValueLengthLimit);
        return new SpanLimits
        {
            AttributeCountLimit = Read(read, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", generalCount),
            AttributeValueLengthLimit = Read(read, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", generalLength),
            EventCountLimit = Read(read, "OTEL_SPAN_EVENT_COUNT_LIMIT", defaults.EventCountLimit),
            LinkCountLimit = Read(read, "OTEL_SPAN_LINK_COUNT_LIMIT", defaults.LinkCountLimit),
            EventAttributeCountLimit = Read(read, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", defaults.EventAttributeCountLimit),
            LinkAttributeCountLimit = Read(read, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", defaults.LinkAttributeCountLimit),
        };
    }

    /// <summary>Throws when a limit is negative, naming it.</summary>
    public void Validate()
    {
        Require(AttributeCountLimit, nameof(AttributeCountLimit));
        Require(AttributeValueLengthLimit, nameof(AttributeValueLengthLimit));
        Require(EventCountLimit, nameof(EventCountLimit));
        Require(LinkCountLimit, nameof(LinkCountLimit));
        Require(EventAttributeCountLimit, nameof(EventAttributeCountLimit));
        Require(LinkAttributeCountLimit, nameof(LinkAttributeCountLimit));
    }

    private static void Require(int value, string name)
    {
        if (value < 0)
            throw new ArgumentException($"{name} must not be negative, got {value}", name);
    }

    private static int Read(Func<string, string?> read, string name, int fallback)
    {
        var text = read(name);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            throw new ArgumentException($"{name}='{text}' is not a non-negative integer", name);
        return value;
    }
}
