namespace Kt;

/// <summary>
/// How much the engine preallocates, and how it exports. Everything a span can hold is
/// sized here once; nothing grows on the hot path.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>Span slots: the most spans alive or awaiting export at once.</summary>
    public int MaxSpans { get; init; } = 4096;

    /// <summary>Attribute storage per span.</summary>
    public int AttributesPerSpan { get; init; } = 32;

    /// <summary>Event storage per span.</summary>
    public int EventsPerSpan { get; init; } = 8;

    /// <summary>Link storage per span.</summary>
    public int LinksPerSpan { get; init; } = 4;

    /// <summary>Attribute storage shared by a span's events and links.</summary>
    public int EventAndLinkAttributesPerSpan { get; init; } = 32;

    /// <summary>Bytes of UTF-8 text (name, keys, string values, arrays) per span.</summary>
    public int BytesPerSpan { get; init; } = 2048;

    /// <summary>Finished spans each thread may queue for export before further ones are dropped.</summary>
    public int QueueCapacityPerThread { get; init; } = 2048;

    /// <summary>The most spans handed to the exporter at once (OTEL_BSP_MAX_EXPORT_BATCH_SIZE).</summary>
    public int MaxExportBatchSize { get; init; } = 512;

    /// <summary>The longest a finished span waits before export (OTEL_BSP_SCHEDULE_DELAY).</summary>
    public TimeSpan ScheduleDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the exporter wakes without being asked, to check the schedule and threads that
    /// have ended. A thread with a batch's worth of finished spans wakes it at once.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// What a span's text (names, keys, values, messages) that is not valid UTF-8 (or UTF-16
    /// with a lone surrogate) gets: refused, the default, or recorded with U+FFFD in place of
    /// each invalid sequence, as OpenTelemetry SDKs do. Hosts that record what requests send
    /// (the nginx module) choose <see cref="InvalidUtf8Handling.Replace"/>, so a request with
    /// such bytes is still traced. Both are counted in <see cref="InputProblems"/>.
    /// </summary>
    public InvalidUtf8Handling InvalidUtf8 { get; init; } = InvalidUtf8Handling.Refuse;

    /// <summary>OpenTelemetry's span limits.</summary>
    public SpanLimits Limits { get; init; } = new();

    /// <summary>Where finished spans go. Null sends them nowhere: they are counted as exported and their slots freed as they finish, on the thread that finishes them.</summary>
    public Export.ISpanExporter? Exporter { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Range(MaxSpans, 1, Store.SpanToken.MaxSlots, nameof(MaxSpans));
        Range(AttributesPerSpan, 0, ushort.MaxValue, nameof(AttributesPerSpan));
        Range(EventsPerSpan, 0, ushort.MaxValue, nameof(EventsPerSpan));
        Range(LinksPerSpan, 0, ushort.MaxValue, nameof(LinksPerSpan));
        Range(EventAndLinkAttributesPerSpan, 0, ushort.MaxValue, nameof(EventAndLinkAttributesPerSpan));
        Range(BytesPerSpan, 64, 1 << 20, nameof(BytesPerSpan));
        Range(QueueCapacityPerThread, 1, 1 << 20, nameof(QueueCapacityPerThread));
        Range(MaxExportBatchSize, 1, 1 << 20, nameof(MaxExportBatchSize));
        if (ScheduleDelay <= TimeSpan.Zero)
            throw new ArgumentException($"{nameof(ScheduleDelay)} must be positive, got {ScheduleDelay}", nameof(ScheduleDelay));
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentException($"{nameof(PollInterval)} must be positive, got {PollInterval}", nameof(PollInterval));
        Fits(BytesPerSpan, nameof(BytesPerSpan), Store.RegisteredKeys.Bytes);
        Fits(AttributesPerSpan, nameof(AttributesPerSpan));
        Fits(EventsPerSpan, nameof(EventsPerSpan));
        Fits(LinksPerSpan, nameof(LinksPerSpan));
        Fits(EventAndLinkAttributesPerSpan, nameof(EventAndLinkAttributesPerSpan));
        Limits.Validate();
    }

    // Offsets into the store are 32-bit: every per-span amount times MaxSpans must fit.
    private void Fits(int perSpan, string name, int shared = 0)
    {
        long total = (long)MaxSpans * perSpan + shared;
        if (total > Array.MaxLength)
            throw new ArgumentException($"{nameof(MaxSpans)} x {name} = {total} is more than the store can address", name);
    }

    private static void Range(int value, int min, int max, string name)
    {
        if (value < min || value > max)
            throw new ArgumentException($"{name} must be between {min} and {max}, got {value}", name);
    }
}
