namespace Kt.Interop;

/// <summary>
/// One setting of <see cref="KtNative.Init"/>, a key and its value as text, as kt_init takes them
/// (e.g. <c>new("max_spans", "4096")</c>). A null key or value is the empty string.
/// </summary>
/// <param name="key">The setting's name, e.g. <c>max_spans</c> or <c>sampling_rate</c>.</param>
/// <param name="value">The value as text, e.g. <c>4096</c> or <c>0.5</c>.</param>
public readonly struct KtSetting(string key, string value)
{
    /// <summary>The setting's name.</summary>
    public string Key { get; } = key;

    /// <summary>The setting's value as text.</summary>
    public string Value { get; } = value;

    /// <summary>The setting as <c>key=value</c>.</summary>
    public override string ToString() => $"{Key}={Value}";
}
