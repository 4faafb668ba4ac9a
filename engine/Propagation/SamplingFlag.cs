using System.Numerics;

namespace Kt;

/// <summary>The sampling decisions B3 and OpenTracing spell as <c>1</c> or <c>0</c>, and older tracers as <c>true</c> or <c>false</c>.</summary>
internal static class SamplingFlag
{
    /// <summary>Reads <c>1</c>, <c>0</c>, or <c>true</c>/<c>false</c> in any case; anything else fails.</summary>
    public static bool TryParse<TChar>(ReadOnlySpan<TChar> text, out bool sampled)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        sampled = HeaderText.EqualsAscii(text, "1") || HeaderText.EqualsIgnoringCase(text, "true");
        return sampled || HeaderText.EqualsAscii(text, "0") || HeaderText.EqualsIgnoringCase(text, "false");
    }
}
