using System.Numerics;
using System.Runtime.InteropServices;
using Kt.Store;

namespace Kt;

/// <summary>
/// What one request (or one async flow) holds: the active span of each tracer namespace,
/// every span started in it that has not ended, and the remote parent, sampling decision and
/// tracestate taken from incoming headers. <see cref="End"/> releases what is left and makes it
/// reusable, so a host can pool contexts and start spans without allocating. Not thread-safe:
/// one request uses it at a time.
/// </summary>
public sealed class TraceContext
{
    private static readonly AsyncLocal<TraceContext?> s_current = new();

    private long[] _active = new long[8];
    private readonly byte[] _traceState = new byte[Tracestate.MaxLength];
    private int _traceStateLength;
    private TraceEngine? _engine;
    private int _head = -1;

    /// <summary>The context that flows with the current async code; null until one is begun.</summary>
    public static TraceContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    /// <summary>Makes a new context the ambient one for this async flow and what it calls.</summary>
    public static TraceContext Begin()
    {
        var context = new TraceContext();
        s_current.Value = context;
        return context;
    }

    /// <summary>
    /// The parent from another process, used when no local span is active. When the caller sent a
    /// trace id without its span (an X-Ray <c>Root</c> without <c>Parent</c>) the span id is zero and
    /// <see cref="SpanContext.IsValid"/> false: the spans started without a parent then join that trace.
    /// </summary>
    public SpanContext RemoteParent { get; private set; }

    /// <summary>
    /// The caller's sampling decision, which spans continuing its trace follow (and, from headers
    /// that carried a decision but no ids, new roots too); null when it left the decision to this
    /// service's sampler, or sent nothing.
    /// </summary>
    public bool? RemoteSampled { get; private set; }

    /// <summary>
    /// The tracestate that came with <see cref="RemoteParent"/>, as <see cref="TracestateReader"/>
    /// reads it: every line combined, members trimmed, a repeated key kept once, cut to 512 bytes.
    /// Whatever format decided, it is kept only when the request's <c>traceparent</c> names the same
    /// trace: its entries belong to that trace. It is carried on whether the parent sampled or not.
    /// </summary>
    public ReadOnlySpan<byte> TraceState => _traceState.AsSpan(0, _traceStateLength);

    /// <summary>
    /// Takes the parent from W3C headers. An invalid <c>traceparent</c> is ignored (a new trace
    /// starts) and its status returned; an invalid <c>tracestate</c> is dropped, a valid one is kept
    /// as <see cref="TraceState"/> says (a host that combined several lines into one value with
    /// commas may pass that value).
    /// </summary>
    public PropagationStatus Extract(ReadOnlySpan<byte> traceparent, ReadOnlySpan<byte> tracestate = default)
    {
        var status = Accept(Traceparent.TryParse(traceparent, out var parent), parent);
        if (status == PropagationStatus.Ok)
        {
            if (!tracestate.IsEmpty)
                KeepTraceState(tracestate);
        }
        else if (status != PropagationStatus.Empty)
        {
            InputProblems.ContextRefused(PropagationFormat.W3C, status, HeaderNames.Traceparent, traceparent);
        }
        return status;
    }

    /// <summary>Takes the parent from W3C headers given as text; see the UTF-8 overload.</summary>
    public PropagationStatus Extract(ReadOnlySpan<char> traceparent, ReadOnlySpan<char> tracestate = default)
    {
        var status = Accept(Traceparent.TryParse(traceparent, out var parent), parent);
        if (status == PropagationStatus.Ok)
        {
            if (!tracestate.IsEmpty)
                KeepTraceState(tracestate);
        }
        else if (status != PropagationStatus.Empty)
        {
            InputProblems.ContextRefused(PropagationFormat.W3C, status, HeaderNames.Traceparent, traceparent);
        }
        return status;
    }

    /// <summary>
    /// Forgets what an earlier extraction took (the remote parent, its decision and tracestate):
    /// a refused extraction must not leave the context continuing another request's trace.
    /// </summary>
    public void ClearRemoteParent() => Accept(PropagationStatus.Empty, default);

    /// <summary>
    /// Takes the parent from the first of <paramref name="formats"/> whose headers are present
    /// (headers held as UTF-16). Valid headers give the parent, only a trace, or only a sampling
    /// decision; malformed ones leave no parent and are named in the result, and no later format is
    /// tried. With no format's headers present a new trace starts. Allocates nothing.
    /// </summary>
    public ExtractionResult Extract<THeaders>(ReadOnlySpan<PropagationFormat> formats, in THeaders headers)
        where THeaders : IRequestHeaders<char>, allows ref struct =>
        ExtractHeaders<char, THeaders>(formats, headers);

    /// <summary>Takes the parent from one format's headers, held as UTF-16; see the overload for a list of formats.</summary>
    public ExtractionResult Extract<THeaders>(PropagationFormat format, in THeaders headers)
        where THeaders : IRequestHeaders<char>, allows ref struct =>
        ExtractHeaders<char, THeaders>(new ReadOnlySpan<PropagationFormat>(in format), headers);

    /// <summary>As <see cref="Extract{THeaders}(ReadOnlySpan{PropagationFormat}, in THeaders)"/>, for headers held as UTF-8.</summary>
    public ExtractionResult ExtractUtf8<THeaders>(ReadOnlySpan<PropagationFormat> formats, in THeaders headers)
        where THeaders : IRequestHeaders<byte>, allows ref struct =>
        ExtractHeaders<byte, THeaders>(formats, headers);

    /// <summary>Takes the parent from one format's headers, held as UTF-8.</summary>
    public ExtractionResult ExtractUtf8<THeaders>(PropagationFormat format, in THeaders headers)
        where THeaders : IRequestHeaders<byte>, allows ref struct =>
        ExtractHeaders<byte, THeaders>(new ReadOnlySpan<PropagationFormat>(in format), headers);

    private ExtractionResult ExtractHeaders<TChar, THeaders>(ReadOnlySpan<PropagationFormat> formats, in THeaders headers)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        Accept(PropagationStatus.Empty, default);
        foreach (var format in formats)
        {
            var status = Propagators.Extract<TChar, THeaders>(format, headers, out var remote, out var header);
            if (status == PropagationStatus.Empty)
                continue;
            if (status != PropagationStatus.Ok)
            {
                InputProblems.ContextRefused(format, status, header,
                    header is null ? default : FirstLine<TChar, THeaders>(headers, header));
                return new ExtractionResult(format, status, header);
            }
            RemoteParent = new SpanContext(remote.TraceId, remote.SpanId,
                remote.RandomFlag | (remote.Sampled == true ? TraceFlags.Sampled : TraceFlags.None), isRemote: true);
            RemoteSampled = remote.Sampled;
            if (remote.TraceId.IsValid)
                KeepTraceState<TChar, THeaders>(headers, remote.TraceId, traceparentChecked: format == PropagationFormat.W3C);
            return new ExtractionResult(format, PropagationStatus.Ok, null);
        }
        return new ExtractionResult(PropagationFormat.None, PropagationStatus.Empty, null);
    }

    // Another format's parent keeps the tracestate only beside a traceparent of the same trace:
    // it is how a caller that sends both (w3c and b3, say) has its vendors' entries carried on.
    private void KeepTraceState<TChar, THeaders>(in THeaders headers, TraceId traceId, bool traceparentChecked)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        if (!traceparentChecked
            && (W3CPropagator.Read<TChar, THeaders>(headers, out var sameTrace) != PropagationStatus.Ok || sameTrace.TraceId != traceId))
            return;
        int position = 0;
        if (!headers.TryGetNextValue(HeaderNames.Tracestate, ref position, out var line))
            return;
        var reader = new TracestateReader(stackalloc byte[TracestateReader.ScratchLength]);
        do
        {
            if (typeof(TChar) == typeof(byte))
                reader.Add(MemoryMarshal.Cast<TChar, byte>(line));
            else
                reader.Add(MemoryMarshal.Cast<TChar, char>(line));
        }
        while (reader.Status is PropagationStatus.Ok or PropagationStatus.Empty
               && headers.TryGetNextValue(HeaderNames.Tracestate, ref position, out line));
        Keep(ref reader, line);
    }

    private void KeepTraceState(ReadOnlySpan<byte> tracestate)
    {
        var reader = new TracestateReader(stackalloc byte[TracestateReader.ScratchLength]);
        reader.Add(tracestate);
        Keep(ref reader, tracestate);
    }

    private void KeepTraceState(ReadOnlySpan<char> tracestate)
    {
        var reader = new TracestateReader(stackalloc byte[TracestateReader.ScratchLength]);
        reader.Add(tracestate);
        Keep(ref reader, tracestate);
    }

    // An invalid list is dropped whole, and counted with the line that broke it; a valid one is
    // kept as the reader writes it.
    private void Keep<TChar>(ref TracestateReader reader, ReadOnlySpan<TChar> lastLine)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        var status = reader.WriteTo(_traceState, out int written);
        _traceStateLength = status == PropagationStatus.Ok ? written : 0;
        if (status is not (PropagationStatus.Ok or PropagationStatus.Empty))
            InputProblems.TracestateDropped(status, lastLine);
    }

    // The refused header's first line, quoted in the report.
    private static ReadOnlySpan<TChar> FirstLine<TChar, THeaders>(in THeaders headers, string name)
        where TChar : unmanaged, IBinaryInteger<TChar>
        where THeaders : IRequestHeaders<TChar>, allows ref struct
    {
        int position = 0;
        return headers.TryGetNextValue(name, ref position, out var value) ? value : default;
    }

    private PropagationStatus Accept(PropagationStatus status, SpanContext parent)
    {
        bool ok = status == PropagationStatus.Ok;
        RemoteParent = ok ? parent : default;
        RemoteSampled = ok ? parent.IsSampled : null;
        _traceStateLength = 0;
        return status;
    }

    /// <summary>
    /// The request's sampling decision, when one was set with <see cref="SetShouldSample"/>: it
    /// overrides the sampler and the parent for every span started in this context afterwards.
    /// </summary>
    public bool? ShouldSample { get; private set; }

    /// <summary>
    /// Kong's request spans: when true, a span of this context that finishes stays in the
    /// context, readable through its handles (its fields, <see cref="CopyOpenSpans"/>), until
    /// <see cref="End"/>, which exports it. Spans that finish while it is false go to export at
    /// once, as always. <see cref="End"/> sets it back to false.
    /// </summary>
    public bool KeepsFinishedSpans { get; set; }

    /// <summary>
    /// Kong's <c>set_should_sample</c>: decides sampling for the rest of the request. With false,
    /// the spans of this context that are still open, and the finished ones it keeps, stop
    /// recording and are not exported; with true, spans that were started unsampled stay so
    /// (they recorded nothing).
    /// </summary>
    public void SetShouldSample(bool shouldSample)
    {
        ShouldSample = shouldSample;
        var engine = _engine;
        if (shouldSample || engine is null)
            return;
        for (int slot = _head; slot >= 0; slot = engine.Store.Slots[slot].ContextNext)
            engine.StopRecording(slot);
    }

    /// <summary>
    /// Kong's <c>link_span</c>: makes a span started outside any context (a created span) one of
    /// this context's, so <see cref="End"/> releases it. A span of this context stays as it is;
    /// one of another context is refused with <see cref="KtStatus.InvalidArgument"/>.
    /// </summary>
    public KtStatus Attach(SpanHandle span)
    {
        if (span.IsNoop)
            return KtStatus.Ok;
        var engine = span.Engine!;
        if (_engine is not null && !ReferenceEquals(_engine, engine))
            return KtStatus.InvalidArgument;
        if (!engine.OwnerOf(span.Token, out int slot, out var owner))
            return engine.Resolve(span.Token, out _);
        if (owner is null)
            Adopt(engine, slot);
        else if (!ReferenceEquals(owner, this))
            return KtStatus.InvalidArgument;
        return KtStatus.Ok;
    }

    /// <summary>
    /// Writes the tokens of the spans open in this context, and of the finished ones it keeps,
    /// oldest first (the request's root span comes first), into <paramref name="destination"/> as
    /// far as it holds; returns how many there are.
    /// </summary>
    public int CopyOpenSpans(Span<long> destination)
    {
        var engine = _engine;
        if (engine is null)
            return 0;
        var slots = engine.Store.Slots;
        int count = 0, tail = -1;
        for (int slot = _head; slot >= 0; slot = slots[slot].ContextNext)
        {
            count++;
            tail = slot;
        }
        int written = 0;
        for (int slot = tail; slot >= 0 && written < destination.Length; slot = slots[slot].ContextPrevious)
            destination[written++] = engine.TokenOf(slot);
        return count;
    }

    /// <summary>
    /// Releases every span started in this context that has not ended, exports the finished ones
    /// it kept, and forgets the active spans and the remote parent.
    /// </summary>
    public void End()
    {
        var engine = _engine;
        if (engine is not null)
        {
            while (_head >= 0)
            {
                int slot = _head;
                ref var s = ref engine.Store.Slots[slot];
                if (s.State == SlotState.Kept)
                {
                    Unlink(engine, slot);
                    engine.EndKept(slot);
                }
                else if (engine.ReleaseOwned(slot) != KtStatus.Ok)
                {
                    // Cannot happen while the list is consistent; unlink by hand so End always terminates.
                    _head = s.ContextNext;
                    engine.Store.Owners[slot] = null;
                }
            }
        }
        Array.Clear(_active);
        KeepsFinishedSpans = false;
        ShouldSample = null;
        RemoteParent = default;
        RemoteSampled = null;
        _traceStateLength = 0;
        _engine = null;
        _head = -1;
    }

    internal long GetActive(int ns) => (uint)ns < (uint)_active.Length ? _active[ns] : 0;

    internal void SetActive(int ns, long token)
    {
        if (ns >= _active.Length)
            Array.Resize(ref _active, Math.Max(ns + 1, _active.Length * 2));
        _active[ns] = token;
    }

    /// <summary>Throws unless the context is free or already serves <paramref name="engine"/>; called before a slot is taken.</summary>
    internal void CheckEngine(TraceEngine engine)
    {
        if (_engine is not null && !ReferenceEquals(_engine, engine))
            ThrowOtherEngine();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOtherEngine() =>
        throw new InvalidOperationException("a TraceContext serves one engine at a time; End() it before using it with another");

    /// <summary>Links a slot at the head of this context's list of live spans.</summary>
    internal void Adopt(TraceEngine engine, int slot)
    {
        _engine = engine;
        var slots = engine.Store.Slots;
        slots[slot].ContextPrevious = -1;
        slots[slot].ContextNext = _head;
        if (_head >= 0)
            slots[_head].ContextPrevious = slot;
        _head = slot;
        engine.Store.Owners[slot] = this;
    }

    /// <summary>Unlinks an ending span; if it was its namespace's active span, its parent becomes active.</summary>
    internal void Forget(int slot, long token, int ns, long parentToken)
    {
        Unlink(_engine!, slot);
        AfterFinish(token, ns, parentToken);
    }

    /// <summary>A span has finished: if it was its namespace's active span, its parent becomes active.</summary>
    internal void AfterFinish(long token, int ns, long parentToken)
    {
        if (GetActive(ns) == token)
            _active[ns] = parentToken;
    }

    private void Unlink(TraceEngine engine, int slot)
    {
        var slots = engine.Store.Slots;
        ref var s = ref slots[slot];
        if (s.ContextPrevious >= 0)
            slots[s.ContextPrevious].ContextNext = s.ContextNext;
        else
            _head = s.ContextNext;
        if (s.ContextNext >= 0)
            slots[s.ContextNext].ContextPrevious = s.ContextPrevious;
        s.ContextPrevious = s.ContextNext = -1;
        engine.Store.Owners[slot] = null;
    }
}
