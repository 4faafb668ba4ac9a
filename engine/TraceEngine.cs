using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Kt.Export;
using Kt.Store;
using Kt.Timing;

namespace Kt;

/// <summary>
/// One tracing engine: the span store, its free slots, the finished queues and the exporter
/// thread. A process usually has one (see <see cref="Tracing"/>); tests may make several.
/// </summary>
public sealed partial class TraceEngine : IDisposable
{
    [ThreadStatic] private static ThreadLocalState? t_state;
    [ThreadStatic] private static List<ThreadLocalState>? t_otherStates;

    internal readonly SpanStore Store;
    private readonly EngineOptions _options;
    private readonly uint _secret;
    private readonly SlotFreeList _free;
    private readonly TracerRegistry _tracers = new();
    private readonly object _threadsLock = new();
    private volatile ThreadLocalState[] _threads = [];
    private readonly Stack<ThreadLocalState> _spareStates = new();
    private readonly ExportLoop _export;
    private readonly IEncodedSpanExporter? _encoded;
    private readonly ThreadCounters _retired = new();
    private readonly int _refillSize;
    private volatile bool _shutdown;
    private long _lostReported;

    // Slots a thread takes from the shared list at once. Large batches spare the lock and the
    // cache lines the exporter thread last wrote; small stores get small batches, so that idle
    // threads cannot hoard a large share of the slots (a thread caches at most two batches).
    private const int MaxRefill = 256;

    // States of ended threads kept for new ones; beyond this many, the rest are left to the GC.
    private const int MaxSpareStates = 32;

    /// <summary>Allocates every slot and starts the exporter thread.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public TraceEngine(EngineOptions? options = null)
    {
        _options = options ?? new EngineOptions();
        _options.Validate();
        ForkEpoch.EnsureRegistered();
        _ = Clock.Now();
        Span<byte> secret = stackalloc byte[8];
        RandomNumberGenerator.Fill(secret);
        _secret = BitConverter.ToUInt32(secret);
        Store = new SpanStore(_options, BitConverter.ToUInt32(secret[4..]));
        _free = new SlotFreeList(_options.MaxSpans);
        _refillSize = Math.Clamp(_options.MaxSpans / 64, 1, MaxRefill);
        _encoded = _options.Exporter is IEncodedSpanExporter { TakesRecords: true } encoded ? encoded : null;
        _export = new ExportLoop(this, _options);
        _export.Start();
    }

    /// <summary>The options the engine was built with.</summary>
    public EngineOptions Options => _options;

    /// <summary>False once <see cref="Shutdown"/> has begun: new spans are no-ops.</summary>
    public bool IsEnabled => !_shutdown;

    /// <summary>Creates a tracer (<c>tracing.new(name, options)</c>); its name is the OTLP instrumentation scope.</summary>
    /// <exception cref="ArgumentException">The name is empty or the sampling rate is outside 0..1.</exception>
    public Tracer CreateTracer(string name, TracerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new TracerOptions();
        var sampler = new Sampling.RatioSampler(options.SamplingRate);
        var (index, ns) = _tracers.Register(name, options.Namespace ?? name);
        return new Tracer(this, name, index, ns, sampler);
    }

    internal ReadOnlySpan<byte> TracerNameUtf8(ushort index) => _tracers.NameUtf8(index);

    internal ReadOnlySpan<byte> TracerNamespaceUtf8(ushort index) => _tracers.NamespaceUtf8(index);

    // ---- the hot path -------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ThreadLocalState CurrentThread()
    {
        var state = t_state;
        if (state is not null && ReferenceEquals(state.Engine, this))
            return state;
        return OtherThreadState();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal KtStatus Resolve(long token, out int slot)
    {
        if (!SpanToken.TryDecode(token, _secret, Store.Slots.Length, out slot, out uint generation))
            return KtStatus.InvalidHandle;
        ref var s = ref Store.Slots[slot];
        if (s.Generation != generation || s.State is not (SlotState.Recording or SlotState.NonRecording))
            return KtStatus.StaleHandle;
        return KtStatus.Ok;
    }

    internal SpanHandle StartSpan(Tracer tracer, TraceContext? context, scoped in TextInput name, scoped in SpanOptions options)
    {
        if (_shutdown)
            return default;
        if ((uint)options.Kind > (uint)SpanKind.Consumer)
            ThrowHelper.KindOutOfRange(options.Kind);
        if (options.StartTimeUnixNanoseconds < 0)
            ThrowHelper.NegativeStartTime(options.StartTimeUnixNanoseconds);
        if (!options.Attributes.IsEmpty && HasEmptyKey(options.Attributes))
            ThrowHelper.EmptyAttributeKey();
        context?.CheckEngine(this);
        var thread = CurrentThread();

        ulong traceHigh, traceLow;
        ulong parentSpanId = 0;
        long parentToken = 0;
        int parentSlot = -1;
        bool parentRemote = false;
        bool givenIds = false;
        TraceFlags parentFlags = default;
        if (options.Parent.Is(this) && Resolve(options.Parent.Token, out parentSlot) == KtStatus.Ok)
        {
            parentToken = options.Parent.Token;
        }
        else if (options.RemoteParent.IsValid)
        {
            parentSlot = -1;
            parentRemote = true;
        }
        else
        {
            parentToken = context?.GetActive(tracer.Namespace) ?? 0;
            if (parentToken == 0 || Resolve(parentToken, out parentSlot) != KtStatus.Ok)
            {
                parentSlot = -1;
                parentToken = 0;
                // Ids the caller gives (Kong's trace_id and parent_id options) count only
                // without a local parent, and before the context's remote parent.
                givenIds = options.TraceId.IsValid || options.ParentSpanId.IsValid;
                parentRemote = givenIds ? options.ParentSpanId.IsValid : context is not null && context.RemoteParent.IsValid;
            }
        }

        // The parent's sampling decision; null leaves it to the tracer's sampler.
        bool? inherited;
        ulong spanId;
        if (parentSlot >= 0)
        {
            ref var p = ref Store.Slots[parentSlot];
            traceHigh = p.TraceHigh;
            traceLow = p.TraceLow;
            parentSpanId = p.SpanId;
            parentFlags = p.Flags;
            inherited = (parentFlags & TraceFlags.Sampled) != 0;
            spanId = thread.Ids.NextSpanId();
        }
        else if (givenIds)
        {
            if (options.TraceId.IsValid)
            {
                traceHigh = options.TraceId.High;
                traceLow = options.TraceId.Low;
                spanId = thread.Ids.NextSpanId();
            }
            else
            {
                spanId = thread.Ids.NextRootIds(out traceHigh, out traceLow);
                parentFlags = TraceFlags.Random;
            }
            parentSpanId = options.ParentSpanId.Value;
            inherited = null;
        }
        else if (parentRemote)
        {
            bool explicitRemote = options.RemoteParent.IsValid;
            var remote = explicitRemote ? options.RemoteParent : context!.RemoteParent;
            traceHigh = remote.TraceId.High;
            traceLow = remote.TraceId.Low;
            parentSpanId = remote.SpanId.Value;
            parentFlags = remote.Flags;
            inherited = explicitRemote ? remote.IsSampled : context!.RemoteSampled;
            spanId = thread.Ids.NextSpanId();
        }
        else
        {
            // A root; it joins the trace of a caller that sent a trace id without its span.
            var joined = context is null ? default : context.RemoteParent.TraceId;
            if (joined.IsValid)
            {
                traceHigh = joined.High;
                traceLow = joined.Low;
                spanId = thread.Ids.NextSpanId();
            }
            else
            {
                spanId = thread.Ids.NextRootIds(out traceHigh, out traceLow);
                parentFlags = TraceFlags.Random;
            }
            inherited = context?.RemoteSampled;
        }

        bool sampled = options.ShouldSample ?? context?.ShouldSample ?? inherited ?? tracer.Sampler.ShouldSample(new TraceId(traceHigh, traceLow));

        if (thread.MagazineCount == 0 && !Refill(thread))
        {
            thread.Counters.DroppedNoSlot++;
            _export.Nudge();
            return default;
        }
        int slot = thread.Magazine[--thread.MagazineCount];
        ref var s = ref Store.Slots[slot];
        s.State = sampled ? SlotState.Recording : SlotState.NonRecording;
        s.Kind = options.Kind;
        s.Flags = (parentFlags & TraceFlags.Random) | (sampled ? TraceFlags.Sampled : TraceFlags.None);
        s.Status = StatusCode.Unset;
        s.StatusMessage = default;
        s.TraceState = default;
        s.Tracer = tracer.Index;
        s.AttributeCount = s.EventCount = s.LinkCount = s.ExtraAttributeCount = 0;
        s.DroppedAttributes = s.DroppedEvents = s.DroppedLinks = 0;
        s.ArenaUsed = 0;
        s.TraceHigh = traceHigh;
        s.TraceLow = traceLow;
        s.SpanId = spanId;
        s.ParentSpanId = parentSpanId;
        s.ParentIsRemote = parentRemote;
        s.ParentToken = parentToken;
        s.EndIsUnixNanoseconds = false;
        s.End = 0;
        if (options.StartTimeUnixNanoseconds > 0)
        {
            s.Start = options.StartTimeUnixNanoseconds;
            s.StartIsUnixNanoseconds = true;
        }
        else
        {
            s.Start = Clock.Now();
            s.StartIsUnixNanoseconds = false;
        }

        long token = SpanToken.Encode(slot, s.Generation, _secret);
        thread.Counters.Started++;
        if (context is not null)
            context.Adopt(this, slot);
        else
            s.ContextPrevious = s.ContextNext = -1;

        if (!sampled)
        {
            thread.Counters.SampledOut++;
            s.Name = default;
            // A span that records nothing still passes on the whole context it continues.
            InheritTraceState(slot, ref s, parentSlot, context, options.RemoteParent.IsValid);
            return new SpanHandle(this, token);
        }

        if (Store.AppendText(slot, ref s, name, Store.BytesPerSpan / 4, out s.Name) == KtStatus.InvalidArgument)
        {
            Discard(thread, slot, ref s, token);
            thread.Counters.Started--;
            ThrowHelper.BadName();
        }
        InheritTraceState(slot, ref s, parentSlot, context, options.RemoteParent.IsValid || givenIds);
        foreach (ref readonly var attribute in options.Attributes)
        {
            Store.SetAttribute(slot, ref s, Store.Attributes.AsSpan(slot * Store.AttributesPerSpan, Store.AttributesPerSpan),
                ref s.AttributeCount, Store.AttributeLimit, ref s.DroppedAttributes, new TextInput(attribute.Key.AsSpan()), attribute.ToInput());
        }
        return new SpanHandle(this, token);
    }

    internal KtStatus Finish(long token, long endTimeUnixNanoseconds)
    {
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        if (endTimeUnixNanoseconds < 0)
            return KtStatus.InvalidArgument;
        ref var s = ref Store.Slots[slot];
        if (endTimeUnixNanoseconds > 0 && endTimeUnixNanoseconds < StartUnixNanoseconds(ref s))
            return KtStatus.InvalidArgument;
        if (endTimeUnixNanoseconds > 0)
        {
            s.End = endTimeUnixNanoseconds;
            s.EndIsUnixNanoseconds = true;
        }
        else if (s.StartIsUnixNanoseconds)
        {
            // The host timed the start with the system's clock: the end comes from the same
            // clock, or the difference between it and kt's calibrated one could end the span
            // before it started.
            s.End = Math.Max(Clock.UnixNanosecondsNow(), s.Start);
            s.EndIsUnixNanoseconds = true;
        }
        else
        {
            s.End = Clock.Now();
        }
        var thread = CurrentThread();
        thread.Counters.Finished++;
        var owner = Store.Owners[slot];
        if (owner is not null && owner.KeepsFinishedSpans)
        {
            Keep(owner, ref s, token);
            return KtStatus.Ok;
        }
        Detach(slot, ref s, token);
        s.Generation++;
        Dispatch(thread, slot, ref s, s.State == SlotState.Recording);
        return KtStatus.Ok;
    }

    // A finished span whose handles are already stale goes to export, or back to the free
    // slots when it did not record (or the engine is shutting down).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Dispatch(ThreadLocalState thread, int slot, ref SpanSlot s, bool recording)
    {
        if (!recording || _shutdown)
        {
            if (_shutdown && recording)
                thread.Counters.DroppedAfterShutdown++;
            s.State = SlotState.Free;
            ReturnSlot(thread, slot);
            return;
        }
        if (thread.Records is not null)
        {
            KeepEncoded(thread, slot, ref s);
            return;
        }
        if (_options.Exporter is null)
        {
            // Nowhere to send it: counted as exported, and the slot goes straight back to this
            // thread's magazine while it is still in this core's cache, instead of crossing to
            // the exporter thread and back.
            thread.Counters.ExportedNowhere++;
            s.State = SlotState.Free;
            ReturnSlot(thread, slot);
            return;
        }
        s.State = SlotState.Finished;
        int queued = thread.Finished.TryEnqueue(slot, _export.QueueRecheckAt);
        if (queued == 0)
        {
            s.State = SlotState.Free;
            ReturnSlot(thread, slot);
        }
        AfterQueued(thread, queued);
    }

    // As the span will be exported: a start taken from kt's clock is converted the way the encoders convert it.
    private static long StartUnixNanoseconds(ref SpanSlot s) =>
        s.StartIsUnixNanoseconds ? s.Start : Clock.ToUnixNanoseconds(s.Start);

    // A full queue (0) dropped the span; a batch's worth waiting wakes the exporter.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AfterQueued(ThreadLocalState thread, int queued)
    {
        if (queued == 0)
        {
            thread.Counters.DroppedQueueFull++;
            _export.Nudge();
            return;
        }
        thread.Counters.Queued++;
        if (queued >= _export.QueueRecheckAt)
            _export.Nudge();
    }

    // The span is encoded while its slot is still in this core's cache, and the slot goes
    // straight back to this thread's magazine, the first one its next span takes: the exporter
    // thread never reads it, so no slot's cache lines travel between cores.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void KeepEncoded(ThreadLocalState thread, int slot, ref SpanSlot s)
    {
        int queued;
        try
        {
            queued = thread.Records!.TryAppend(thread.RecordWriter!.Encode(new SpanView(this, slot)), s.Tracer, _export.QueueRecheckAt);
        }
        catch (Exception)
        {
            // An encoder failing must not fail the caller's request.
            thread.Counters.EncodeFailed++;
            s.State = SlotState.Free;
            ReturnSlot(thread, slot);
            return;
        }
        s.State = SlotState.Free;
        ReturnSlot(thread, slot);
        AfterQueued(thread, queued);
    }

    internal KtStatus Release(long token)
    {
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        var thread = CurrentThread();
        thread.Counters.Released++;
        Discard(thread, slot, ref Store.Slots[slot], token);
        return KtStatus.Ok;
    }

    internal KtStatus ReleaseOwned(int slot) => Release(SpanToken.Encode(slot, Store.Slots[slot].Generation, _secret));

    internal KtStatus SetAttribute<TValue>(long token, scoped in TextInput key, scoped in TValue value)
        where TValue : IAttributeValue, allows ref struct
    {
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        if (key.IsEmpty)
            return KtStatus.InvalidArgument;
        if (Store.Slots[slot].State != SlotState.Recording)
            return KtStatus.Ok;
        return SetSlotAttribute(slot, key, value);
    }

    /// <summary>
    /// Resolves a handle for several calls in a row: <paramref name="slot"/> is the span's slot
    /// when it records, else -1 (the calls would change nothing). The slot stays the span's
    /// until the same thread finishes or releases it.
    /// </summary>
    internal KtStatus RecordingSlot(long token, out int slot)
    {
        var status = Resolve(token, out slot);
        if (status != KtStatus.Ok || Store.Slots[slot].State != SlotState.Recording)
            slot = -1;
        return status;
    }

    /// <summary>Sets an attribute of a slot that <see cref="RecordingSlot"/> gave.</summary>
    internal KtStatus SetSlotAttribute<TValue>(int slot, scoped in TextInput key, scoped in TValue value)
        where TValue : IAttributeValue, allows ref struct
    {
        ref var s = ref Store.Slots[slot];
        return Store.SetAttribute(slot, ref s, Store.Attributes.AsSpan(slot * Store.AttributesPerSpan, Store.AttributesPerSpan),
            ref s.AttributeCount, Store.AttributeLimit, ref s.DroppedAttributes, key, value);
    }

    internal KtStatus AddEvent(long token, scoped in TextInput name, ReadOnlySpan<SpanAttribute> attributes, long timeUnixNanoseconds)
    {
        if (HasEmptyKey(attributes))
            return BadArgument(token);
        var status = BeginEvent(token, name, timeUnixNanoseconds, out int slot);
        if (status != KtStatus.Ok || slot < 0)
            return status;
        foreach (ref readonly var attribute in attributes)
            status = Worst(status, SetLastEventAttribute(slot, new TextInput(attribute.Key.AsSpan()), attribute.ToInput()));
        return status;
    }

    /// <summary>
    /// Adds an event without attributes. <paramref name="recordingSlot"/> is the span's slot
    /// when it records (attributes may then follow through <see cref="SetLastEventAttribute"/>
    /// in the same call), else -1.
    /// </summary>
    internal KtStatus BeginEvent(long token, scoped in TextInput name, long timeUnixNanoseconds, out int recordingSlot)
    {
        recordingSlot = -1;
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        if (timeUnixNanoseconds < 0)
            return KtStatus.InvalidArgument;
        ref var s = ref Store.Slots[slot];
        if (s.State != SlotState.Recording)
            return KtStatus.Ok;
        if (s.EventCount >= Store.EventLimit)
        {
            s.DroppedEvents++;
            return KtStatus.LimitReached;
        }
        int mark = s.ArenaUsed;
        ref var e = ref Store.Events[slot * Store.EventsPerSpan + s.EventCount];
        status = Store.AppendText(slot, ref s, name, int.MaxValue, out e.Name);
        if (status != KtStatus.Ok)
        {
            s.ArenaUsed = mark;
            if (status == KtStatus.LimitReached)
                s.DroppedEvents++;
            return status;
        }
        e.Time = timeUnixNanoseconds > 0 ? timeUnixNanoseconds : Clock.Now();
        e.TimeIsUnixNanoseconds = timeUnixNanoseconds > 0;
        e.AttributeStart = s.ExtraAttributeCount;
        e.AttributeCount = 0;
        e.DroppedAttributes = 0;
        s.EventCount++;
        recordingSlot = slot;
        return KtStatus.Ok;
    }

    /// <summary>Sets an attribute of the slot's last event, right after <see cref="BeginEvent"/>.</summary>
    internal KtStatus SetLastEventAttribute<TValue>(int slot, scoped in TextInput key, scoped in TValue value)
        where TValue : IAttributeValue, allows ref struct
    {
        ref var s = ref Store.Slots[slot];
        ref var e = ref Store.Events[slot * Store.EventsPerSpan + s.EventCount - 1];
        return SetExtraAttribute(slot, ref s, e.AttributeStart, ref e.AttributeCount, Store.EventAttributeLimit, ref e.DroppedAttributes, key, value);
    }

    internal KtStatus AddLink(long token, SpanContext linked, ReadOnlySpan<SpanAttribute> attributes)
    {
        if (HasEmptyKey(attributes))
            return BadArgument(token);
        var status = BeginLink(token, linked, out int slot);
        if (status != KtStatus.Ok || slot < 0)
            return status;
        foreach (ref readonly var attribute in attributes)
            status = Worst(status, SetLastLinkAttribute(slot, new TextInput(attribute.Key.AsSpan()), attribute.ToInput()));
        return status;
    }

    /// <summary>Adds a link without attributes; see <see cref="BeginEvent"/> for <paramref name="recordingSlot"/>.</summary>
    internal KtStatus BeginLink(long token, SpanContext linked, out int recordingSlot)
    {
        recordingSlot = -1;
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        if (!linked.IsValid)
            return KtStatus.InvalidArgument;
        ref var s = ref Store.Slots[slot];
        if (s.State != SlotState.Recording)
            return KtStatus.Ok;
        if (s.LinkCount >= Store.LinkLimit)
        {
            s.DroppedLinks++;
            return KtStatus.LimitReached;
        }
        ref var l = ref Store.Links[slot * Store.LinksPerSpan + s.LinkCount];
        l.TraceHigh = linked.TraceId.High;
        l.TraceLow = linked.TraceId.Low;
        l.SpanId = linked.SpanId.Value;
        l.Flags = linked.Flags;
        l.TraceState = default;
        l.AttributeStart = s.ExtraAttributeCount;
        l.AttributeCount = 0;
        l.DroppedAttributes = 0;
        s.LinkCount++;
        recordingSlot = slot;
        return KtStatus.Ok;
    }

    /// <summary>Sets an attribute of the slot's last link, right after <see cref="BeginLink"/>.</summary>
    internal KtStatus SetLastLinkAttribute<TValue>(int slot, scoped in TextInput key, scoped in TValue value)
        where TValue : IAttributeValue, allows ref struct
    {
        ref var s = ref Store.Slots[slot];
        ref var l = ref Store.Links[slot * Store.LinksPerSpan + s.LinkCount - 1];
        return SetExtraAttribute(slot, ref s, l.AttributeStart, ref l.AttributeCount, Store.LinkAttributeLimit, ref l.DroppedAttributes, key, value);
    }

    // An event's or link's attributes are the run of the shared area that starts at its
    // AttributeStart; only the last event or link may grow, so the runs never overlap.
    private KtStatus SetExtraAttribute<TValue>(int slot, ref SpanSlot s, ushort start, ref ushort count, int limit, ref int dropped,
        scoped in TextInput key, scoped in TValue value)
        where TValue : IAttributeValue, allows ref struct
    {
        if (start + count != s.ExtraAttributeCount)
            return KtStatus.InvalidArgument;
        var run = Store.ExtraAttributes.AsSpan(slot * Store.ExtraAttributesPerSpan + start, Store.ExtraAttributesPerSpan - start);
        ushort before = count;
        var status = Store.SetAttribute(slot, ref s, run, ref count, limit, ref dropped, key, value);
        s.ExtraAttributeCount += (ushort)(count - before);
        return status;
    }

    private static KtStatus Worst(KtStatus sofar, KtStatus next) => sofar == KtStatus.Ok ? next : sofar;

    // A bad argument for a live span; a stale or forged handle is reported as such first.
    private KtStatus BadArgument(long token)
    {
        var status = Resolve(token, out _);
        return status != KtStatus.Ok ? status : KtStatus.InvalidArgument;
    }

    // An attribute needs a key: OpenTelemetry refuses the empty one, and so does every kt call.
    private static bool HasEmptyKey(ReadOnlySpan<SpanAttribute> attributes)
    {
        foreach (ref readonly var attribute in attributes)
        {
            if (string.IsNullOrEmpty(attribute.Key))
                return true;
        }
        return false;
    }

    internal KtStatus SetStatus(long token, StatusCode code, scoped in TextInput message)
    {
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        if ((uint)code > (uint)StatusCode.Error)
            return KtStatus.InvalidArgument;
        ref var s = ref Store.Slots[slot];
        if (s.State != SlotState.Recording || code == StatusCode.Unset || s.Status == StatusCode.Ok)
            return KtStatus.Ok;
        s.Status = code;
        s.StatusMessage = default;
        bool hasMessage = !message.IsEmpty;
        if (code == StatusCode.Error && hasMessage)
            return Store.AppendText(slot, ref s, message, Store.ValueLengthLimit, out s.StatusMessage);
        return KtStatus.Ok;
    }

    internal bool IsRecording(long token) =>
        Resolve(token, out int slot) == KtStatus.Ok && Store.Slots[slot].State == SlotState.Recording;

    internal SpanContext GetContext(long token)
    {
        if (ResolveReadable(token, out int slot) != KtStatus.Ok)
            return default;
        ref var s = ref Store.Slots[slot];
        return new SpanContext(new TraceId(s.TraceHigh, s.TraceLow), new SpanId(s.SpanId), s.Flags);
    }

    internal ReadOnlySpan<byte> GetTraceState(long token) =>
        Resolve(token, out int slot) == KtStatus.Ok ? Store.Text(Store.Slots[slot].TraceState) : default;

    internal KtStatus InjectHeaders(long token, PropagationFormat format, Span<byte> buffer, Span<InjectedHeader> headers, out int count)
    {
        count = 0;
        if (!Propagators.IsKnown(format))
            return KtStatus.InvalidArgument;
        var status = Resolve(token, out int slot);
        if (status != KtStatus.Ok)
            return status;
        ref var s = ref Store.Slots[slot];
        var span = new OutgoingSpan(new SpanContext(new TraceId(s.TraceHigh, s.TraceLow), new SpanId(s.SpanId), s.Flags),
            new SpanId(s.ParentSpanId), Store.Text(s.TraceState));
        var writer = new HeaderWriter(buffer, headers);
        Propagators.Inject(format, span, ref writer);
        if (writer.IsFull)
            return KtStatus.BufferTooSmall;
        count = writer.Count;
        return KtStatus.Ok;
    }

    // ---- slot bookkeeping ---------------------------------------------------------------

    // A context holds a tracestate only beside a remote trace, which a span without a local
    // parent continues (as the remote parent's child, or as a root of a trace sent without a span).
    private void InheritTraceState(int slot, ref SpanSlot s, int parentSlot, TraceContext? remoteContext, bool explicitRemote)
    {
        ReadOnlySpan<byte> state = parentSlot >= 0 ? Store.Text(Store.Slots[parentSlot].TraceState)
            : remoteContext is not null && !explicitRemote ? remoteContext.TraceState
            : default;
        if (!state.IsEmpty)
            Store.AppendBytes(slot, ref s, state, out s.TraceState);
    }

    private void Detach(int slot, ref SpanSlot s, long token)
    {
        var owner = Store.Owners[slot];
        if (owner is null)
            return;
        owner.Forget(slot, token, _tracers.NamespaceOf(s.Tracer), s.ParentToken);
    }

    private void Discard(ThreadLocalState thread, int slot, ref SpanSlot s, long token)
    {
        Detach(slot, ref s, token);
        s.Generation++;
        s.State = SlotState.Free;
        ReturnSlot(thread, slot);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReturnSlot(ThreadLocalState thread, int slot)
    {
        if (thread.MagazineCount == thread.Magazine.Length)
        {
            _free.Return(thread.Magazine.AsSpan(thread.RefillSize, thread.RefillSize));
            thread.MagazineCount = thread.RefillSize;
        }
        thread.Magazine[thread.MagazineCount++] = slot;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Refill(ThreadLocalState thread)
    {
        thread.MagazineCount = _free.Take(thread.Magazine.AsSpan(0, thread.RefillSize));
        return thread.MagazineCount > 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ThreadLocalState OtherThreadState()
    {
        var others = t_otherStates ??= [];
        others.RemoveAll(static s => !s.Engine.IsEnabled && s.Pending == 0);
        foreach (var candidate in others)
        {
            if (ReferenceEquals(candidate.Engine, this))
                return t_state = candidate;
        }
        ThreadLocalState? state;
        lock (_threadsLock)
        {
            if (_spareStates.TryPop(out state))
                state.Adopt(Thread.CurrentThread);
        }
        state ??= new ThreadLocalState(this, Thread.CurrentThread, _options.QueueCapacityPerThread, _refillSize, _encoded);
        others.Add(state);
        lock (_threadsLock)
            _threads = [.. _threads, state];
        return t_state = state;
    }

    // ---- the exporter's side ------------------------------------------------------------

    internal ThreadLocalState[] Threads => _threads;

    internal long ExporterAllocatedBytes => _export.AllocatedBytes;

    // The slots keep their Finished state: their generation already refuses old handles, and
    // not writing to them spares the threads that reuse them a cache miss.
    internal void FreeExported(ReadOnlySpan<int> slots) => _free.Return(slots);

    internal void ForgetDeadThread(ThreadLocalState state)
    {
        _free.Return(state.Magazine.AsSpan(0, state.MagazineCount));
        state.MagazineCount = 0;
        lock (_threadsLock)
        {
            _threads = Array.FindAll(_threads, s => !ReferenceEquals(s, state));
            _retired.Add(state.Counters);
            if (_spareStates.Count < MaxSpareStates)
                _spareStates.Push(state);
        }
    }

    /// <summary>
    /// Exports every span finished before the call; false if that took longer than
    /// <paramref name="timeout"/>. True says only that the exporter was done in time:
    /// <see cref="Flush"/> says whether spans were lost.
    /// </summary>
    public bool ForceFlush(TimeSpan timeout) => _export.Flush(timeout);

    /// <summary>
    /// Exports every span finished before the call and says how it went: <see cref="KtStatus.Ok"/>,
    /// <see cref="KtStatus.SpansLost"/> when spans were lost since the last flush or shutdown that
    /// reported (a full queue, a failed export, a receiver's rejection), or
    /// <see cref="KtStatus.Timeout"/> when <paramref name="timeout"/> passed first (the losses seen
    /// so far are counted in the result and reported again by the next call);
    /// <see cref="KtStatus.NotInitialized"/> after <see cref="Shutdown"/>.
    /// </summary>
    public FlushResult Flush(TimeSpan timeout)
    {
        if (_shutdown)
            return new FlushResult(KtStatus.NotInitialized, 0);
        return _export.Flush(timeout) ? Report(KtStatus.Ok, settle: true) : Report(KtStatus.Timeout, settle: false);
    }

    /// <summary>
    /// Exports what is finished, stops the exporter thread and makes new spans no-ops, within
    /// <paramref name="timeout"/>. Returns as <see cref="Flush"/> does; when the time limit passes
    /// first, the spans still waiting (or on their way) are not exported and are counted as lost,
    /// in the result and in <see cref="EngineCounters.DroppedAfterShutdown"/>. The counters stay
    /// readable afterwards. A second call does nothing and returns <see cref="KtStatus.Ok"/>.
    /// </summary>
    public FlushResult Shutdown(TimeSpan timeout)
    {
        if (_shutdown)
            return new FlushResult(KtStatus.Ok, 0);
        _shutdown = true;
        if (_export.Stop(timeout))
            return Report(KtStatus.Ok, settle: true);
        _export.Abandon(QueuedSpans());
        return Report(KtStatus.Timeout, settle: true);
    }

    /// <summary>Shuts down with a five-second limit.</summary>
    public void Dispose() => Shutdown(TimeSpan.FromSeconds(5));

    // Each loss is reported once: a call that settles moves the mark past what it reports.
    private FlushResult Report(KtStatus status, bool settle)
    {
        long lost = LostSpans();
        long reported = Volatile.Read(ref _lostReported);
        while (settle && lost > reported)
        {
            long seen = Interlocked.CompareExchange(ref _lostReported, lost, reported);
            if (seen == reported)
                break;
            reported = seen;
        }
        long news = Math.Max(0, lost - reported);
        if (status == KtStatus.Ok && news > 0)
            status = KtStatus.SpansLost;
        return new FlushResult(status, news);
    }

    private long LostSpans()
    {
        var c = ReadCounters();
        long rejected = _options.Exporter is Export.Otlp.ICountingExporter counting ? counting.Counters.SpansRejected : 0;
        return c.DroppedQueueFull + c.ExportFailedSpans + c.DroppedAfterShutdown + rejected;
    }

    private long QueuedSpans()
    {
        long queued = 0;
        lock (_threadsLock)
        {
            queued += Volatile.Read(ref _retired.Queued);
            foreach (var state in _threads)
                queued += Volatile.Read(ref state.Counters.Queued);
        }
        return queued;
    }

    /// <summary>What the engine has done so far; exact once the threads that use it are quiet.</summary>
    public EngineCounters ReadCounters()
    {
        var sum = new ThreadCounters();
        long cached = 0;
        lock (_threadsLock)
        {
            sum.Add(_retired);
            foreach (var state in _threads)
            {
                sum.Add(state.Counters);
                cached += Volatile.Read(ref state.MagazineCount);
            }
        }
        return new EngineCounters
        {
            SpansStarted = sum.Started,
            SpansFinished = sum.Finished,
            SpansSampledOut = sum.SampledOut,
            SpansReleased = sum.Released,
            DroppedNoSlot = sum.DroppedNoSlot,
            DroppedQueueFull = sum.DroppedQueueFull,
            DroppedAfterShutdown = sum.DroppedAfterShutdown + _export.AbandonedSpans,
            SpansExported = _export.ExportedSpans + sum.ExportedNowhere,
            ExportFailedSpans = _export.FailedSpans + sum.EncodeFailed,
            SlotsInUse = Store.Capacity - _free.Count - cached,
        };
    }

    private static class ThrowHelper
    {
        [DoesNotReturn]
        public static void KindOutOfRange(SpanKind kind) =>
            throw new ArgumentOutOfRangeException("options.Kind", kind, "span_kind must be 0 to 5");

        [DoesNotReturn]
        public static void NegativeStartTime(long time) =>
            throw new ArgumentOutOfRangeException("options.StartTimeUnixNanoseconds", time, "start_time_ns must not be negative");

        [DoesNotReturn]
        public static void EmptyAttributeKey() =>
            throw new ArgumentException("an attribute's key is empty; every attribute needs a key", "options.Attributes");

        [DoesNotReturn]
        public static void BadName() =>
            throw new ArgumentException("the span name is not valid UTF-8 or UTF-16", "name");
    }
}
