namespace Kt;

/// <summary>kt's version: what <c>kt_version()</c> returns and what kt's OTLP requests name in their User-Agent.</summary>
public static class KtVersion
{
    /// <summary>The version, e.g. "0.1.0".</summary>
    public const string Text = "0.1.0";
}
