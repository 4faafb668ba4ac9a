using System.Numerics;
using System.Runtime.InteropServices;

namespace Kt;

/// <summary>
/// <c>w3c</c>: the <c>traceparent</c> header through <see cref="Traceparent"/>; several lines of it
/// are refused (HTTP would combine them into one value that is not a traceparent). The
/// <c>tracestate</c> that comes with it is kept by <see cref="TraceContext"/> for every format.
/// </summary>
internal static class W3CPropagator
{
    public static PropagationStatus Extract<TChar, THeaders>(in THeaders headers, out RemoteContext remote, out string? header)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        remote = default;
        header = null;
        var status = Read<TChar, THeaders>(headers, out var parent);
        if (status == PropagationStatus.Empty)
            return status;
        if (status != PropagationStatus.Ok)
        {
            header = HeaderNames.Traceparent;
            return status;
        }
        remote = new RemoteContext(parent.TraceId, parent.SpanId, parent.IsSampled, parent.Flags & TraceFlags.Random);
        return PropagationStatus.Ok;
    }

    /// <summary>
    /// The request's traceparent: <see cref="PropagationStatus.Empty"/> when no line of it is
    /// present (or all are blank), <see cref="PropagationStatus.RepeatedHeader"/> when more than one
    /// is, else what the one line says.
    /// </summary>
    public static PropagationStatus Read<TChar, THeaders>(in THeaders headers, out SpanContext parent)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        parent = default;
        var value = HeaderText.OnlyValue<TChar, THeaders>(headers, HeaderNames.Traceparent, out bool repeated);
        if (value.IsEmpty)
            return PropagationStatus.Empty;
        return repeated ? PropagationStatus.RepeatedHeader : Parse(value, out parent);
    }

    public static PropagationStatus Parse<TChar>(ReadOnlySpan<TChar> traceparent, out SpanContext parent)
        where TChar : unmanaged, IBinaryInteger<TChar> =>
        typeof(TChar) == typeof(byte)
            ? Traceparent.TryParse(MemoryMarshal.Cast<TChar, byte>(traceparent), out parent)
            : Traceparent.TryParse(MemoryMarshal.Cast<TChar, char>(traceparent), out parent);

    public static void Inject(in OutgoingSpan span, ref HeaderWriter writer)
    {
        Span<byte> traceparent = stackalloc byte[Traceparent.Length];
        Traceparent.TryFormat(span.Context, traceparent, out _);
        writer.Begin(HeaderNames.Traceparent);
        writer.Append(traceparent);
        writer.End();
        if (span.TraceState.IsEmpty)
            return;
        writer.Begin(HeaderNames.Tracestate);
        writer.Append(span.TraceState);
        writer.End();
    }
}
