namespace Kt;

/// <summary>The level of a line kt writes, numbered as kt.h's <c>KT_LOG_*</c>.</summary>
public enum KtLogLevel
{
    /// <summary>Something failed that the host should act on (an exporter that cannot deliver).</summary>
    Error = 1,

    /// <summary>Something was lost or refused (spans dropped, input refused).</summary>
    Warning = 2,

    /// <summary>A normal but significant change (an exporter delivering again).</summary>
    Notice = 3,

    /// <summary>For whoever reads the details (input that was repaired).</summary>
    Info = 4,
}
