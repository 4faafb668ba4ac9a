using System.Numerics;

namespace Kt;

/// <summary>The names of the formats as Kong's <c>propagation</c> settings spell them: <c>w3c</c>, <c>b3</c>, <c>b3-single</c>, <c>jaeger</c>, <c>ot</c>, <c>datadog</c>, <c>aws</c>, <c>gcp</c>.</summary>
public static class PropagationFormatNames
{
    /// <summary>The format's name; null for <see cref="PropagationFormat.None"/> and unknown values.</summary>
    public static string? NameOf(PropagationFormat format) => format switch
    {
        PropagationFormat.W3C => "w3c",
        PropagationFormat.B3 => "b3",
        PropagationFormat.B3Single => "b3-single",
        PropagationFormat.Jaeger => "jaeger",
        PropagationFormat.OT => "ot",
        PropagationFormat.Datadog => "datadog",
        PropagationFormat.Aws => "aws",
        PropagationFormat.Gcp => "gcp",
        _ => null,
    };

    /// <summary>The format of a name, compared without regard to ASCII case; false for any other text.</summary>
    public static bool TryParse<TChar>(ReadOnlySpan<TChar> name, out PropagationFormat format)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        for (var candidate = PropagationFormat.W3C; candidate <= PropagationFormat.Gcp; candidate++)
        {
            if (HeaderText.EqualsIgnoringCase(name, NameOf(candidate)!))
            {
                format = candidate;
                return true;
            }
        }
        format = PropagationFormat.None;
        return false;
    }
}
