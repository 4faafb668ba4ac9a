using System.Numerics;

namespace Kt;

/// <summary>Sends an extraction or an injection to the propagator of its format.</summary>
internal static class Propagators
{
    /// <summary>The most headers one format writes (B3's and Datadog's four).</summary>
    public const int MaxInjectedHeaders = 4;

    /// <summary>
    /// More than any format writes: W3C's traceparent and a 512-byte tracestate with their names
    /// take 588 bytes, every other format less than 200.
    /// </summary>
    public const int MaxInjectedBytes = 1024;

    public static bool IsKnown(PropagationFormat format) => format is >= PropagationFormat.W3C and <= PropagationFormat.Gcp;

    /// <summary>
    /// <see cref="PropagationStatus.Empty"/> when none of the format's headers is present; else Ok
    /// and what they said, or why they were refused and the header at fault.
    /// </summary>
    public static PropagationStatus Extract<TChar, THeaders>(PropagationFormat format, in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        switch (format)
        {
            case PropagationFormat.W3C: return W3CPropagator.Extract<TChar, THeaders>(headers, out remote, out header);
            case PropagationFormat.B3: return B3Propagator.Extract<TChar, THeaders>(headers, out remote, out header);
            case PropagationFormat.B3Single: return B3SinglePropagator.Extract<TChar, THeaders>(headers, out remote, out header);
            case PropagationFormat.Jaeger: return JaegerPropagator.Extract<TChar, THeaders>(headers, out remote, out header);
            case PropagationFormat.OT: return OtPropagator.Extract<TChar, THeaders>(headers, out remote, out header);
            case PropagationFormat.Datadog: return DatadogPropagator.Extract<TChar, THeaders>(headers, out remote, out header);
            case PropagationFormat.Aws: return AwsPropagator.Extract<TChar, THeaders>(headers, out remote, out header);
            case PropagationFormat.Gcp: return GcpPropagator.Extract<TChar, THeaders>(headers, out remote, out header);
            default:
                remote = default;
                header = null;
                return PropagationStatus.UnknownFormat;
        }
    }

    /// <summary>Writes the format's headers for the span; false for a format kt does not know.</summary>
    public static bool Inject(PropagationFormat format, in OutgoingSpan span, ref HeaderWriter writer)
    {
        switch (format)
        {
            case PropagationFormat.W3C: W3CPropagator.Inject(span, ref writer); return true;
            case PropagationFormat.B3: B3Propagator.Inject(span, ref writer); return true;
            case PropagationFormat.B3Single: B3SinglePropagator.Inject(span, ref writer); return true;
            case PropagationFormat.Jaeger: JaegerPropagator.Inject(span, ref writer); return true;
            case PropagationFormat.OT: OtPropagator.Inject(span, ref writer); return true;
            case PropagationFormat.Datadog: DatadogPropagator.Inject(span, ref writer); return true;
            case PropagationFormat.Aws: AwsPropagator.Inject(span, ref writer); return true;
            case PropagationFormat.Gcp: GcpPropagator.Inject(span, ref writer); return true;
            default: return false;
        }
    }
}
