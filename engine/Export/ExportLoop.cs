using System.Diagnostics;
using Kt.Store;
using Kt.Timing;

namespace Kt.Export;

/// <summary>
/// The engine's one exporter thread. It wakes every poll interval, and exports when a full
/// batch waits, when the schedule delay has passed, or when a flush is asked for. It drains
/// each thread's finished ring into a batch, hands the batch to the exporter, then frees the
/// slots. Callers never wait for it, except in <see cref="Flush"/> and <see cref="Stop"/>.
/// </summary>
internal sealed class ExportLoop
{
    private readonly TraceEngine _engine;
    private readonly ISpanExporter? _exporter;
    private readonly IEncodedSpanExporter? _encoded;
    private readonly int[] _batch;
    private readonly SpanRecord[] _records;
    private readonly (SpanRecordRing Ring, long Position, int Count)[] _taken;

    // A full batch is not worth waiting for when finished spans already hold a good share
    // of the slots: new spans would find none free.
    private readonly int _exportEarlyAt;
    private readonly TimeSpan _delay;
    private readonly TimeSpan _poll;
    private readonly Thread _thread;
    private readonly AutoResetEvent _wake = new(false);
    private readonly object _flushLock = new();
    private long _flushRequested;
    private long _flushCompleted;
    private volatile bool _stopping;
    private int _sleeping;

    private long _exported;
    private long _failed;
    private long _allocated;

    // Once a shutdown ran out of time it counts what is still waiting as lost, and nothing is
    // exported or counted after that: each span is counted once, exported, failed or abandoned.
    private readonly Lock _countLock = new();
    private volatile bool _abandoned;
    private long _abandonedSpans;

    public ExportLoop(TraceEngine engine, EngineOptions options)
    {
        _engine = engine;
        _exporter = options.Exporter;
        _encoded = _exporter is IEncodedSpanExporter { TakesRecords: true } encoded ? encoded : null;
        _batch = new int[_encoded is null ? options.MaxExportBatchSize : 0];
        _records = new SpanRecord[_encoded is null ? 0 : options.MaxExportBatchSize];
        _taken = new (SpanRecordRing, long, int)[_encoded is null ? 0 : 64];
        _exportEarlyAt = Math.Max(1, Math.Min(options.MaxExportBatchSize, options.MaxSpans / 4));
        _delay = options.ScheduleDelay;
        _poll = options.PollInterval < options.ScheduleDelay ? options.PollInterval : options.ScheduleDelay;
        _thread = new Thread(Run) { IsBackground = true, Name = "kt-exporter" };
    }

    /// <summary>The queue length at which a finishing thread re-reads how far the exporter has drained its ring.</summary>
    public int QueueRecheckAt => _exportEarlyAt;

    /// <summary>
    /// Wakes the exporter if it sleeps. Threads call it when a batch's worth of their spans
    /// waits, or when they find no free slot or a full queue: the exporter sleeps until there is
    /// work (a wake-up costs tens of microseconds of CPU on a virtual machine), and a thread
    /// pays for a signal once per batch at most.
    /// </summary>
    public void Nudge()
    {
        // One signal per sleep, however many threads find the slots gone at once.
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
            _wake.Set();
    }

    public long ExportedSpans => Volatile.Read(ref _exported);

    /// <summary>Spans a shutdown that ran out of time gave up on.</summary>
    public long AbandonedSpans => Volatile.Read(ref _abandonedSpans);

    /// <summary>
    /// Gives up on every span not yet exported or failed, <paramref name="queued"/> being how many
    /// the threads ever queued: they are counted as abandoned, and the exporter thread, stuck in an
    /// export that outlived the shutdown's time limit, exports and counts nothing more.
    /// </summary>
    public void Abandon(long queued)
    {
        lock (_countLock)
        {
            if (_abandoned)
                return;
            _abandoned = true;
            Volatile.Write(ref _abandonedSpans, Math.Max(0, queued - _exported - _failed));
        }
    }

    public long FailedSpans => Volatile.Read(ref _failed);

    /// <summary>Bytes the exporter thread has allocated, as of its last cycle.</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocated);

    public void Start() => _thread.Start();

    public bool Flush(TimeSpan timeout)
    {
        if (!_thread.IsAlive)
            return false;
        long request = Interlocked.Increment(ref _flushRequested);
        _wake.Set();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_flushLock)
        {
            while (Volatile.Read(ref _flushCompleted) < request)
            {
                var left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0 || !_thread.IsAlive)
                    return Volatile.Read(ref _flushCompleted) >= request;
                Monitor.Wait(_flushLock, TimeSpan.FromSeconds(Math.Min(left / (double)Stopwatch.Frequency, 0.05)));
            }
        }
        return true;
    }

    public bool Stop(TimeSpan timeout)
    {
        _stopping = true;
        _wake.Set();
        return _thread.Join(timeout);
    }

    private void Run()
    {
        long lastExport = Stopwatch.GetTimestamp();
        long lastRefine = lastExport;
        long delayTicks = (long)(_delay.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Volatile.Write(ref _sleeping, 1);
            _wake.WaitOne(_poll);
            Volatile.Write(ref _sleeping, 0);
            bool stopping = _stopping;
            long flushRequest = Volatile.Read(ref _flushRequested);
            long now = Stopwatch.GetTimestamp();
            bool due = now - lastExport >= delayTicks || flushRequest > Volatile.Read(ref _flushCompleted) || stopping;
            if (due || Pending() >= _exportEarlyAt)
            {
                DrainAll();
                lastExport = now;
            }
            ForgetDeadThreads();
            if (flushRequest > Volatile.Read(ref _flushCompleted))
            {
                lock (_flushLock)
                {
                    Volatile.Write(ref _flushCompleted, flushRequest);
                    Monitor.PulseAll(_flushLock);
                }
            }
            if (now - lastRefine > Stopwatch.Frequency)
            {
                Clock.Refine();
                lastRefine = now;
            }
            Volatile.Write(ref _allocated, GC.GetAllocatedBytesForCurrentThread());
            if (stopping)
                break;
        }
        try
        {
            _exporter?.Shutdown();
        }
        catch (Exception)
        {
            // An exporter failing at shutdown must not take the process with it.
        }
    }

    private int Pending()
    {
        int pending = 0;
        foreach (var state in _engine.Threads)
            pending += state.Pending;
        return pending;
    }

    private void DrainAll()
    {
        if (_encoded is not null)
        {
            DrainRecords();
            return;
        }
        int count = 0;
        foreach (var state in _engine.Threads)
        {
            while (true)
            {
                int taken = state.Finished.Dequeue(_batch.AsSpan(count));
                count += taken;
                if (count < _batch.Length)
                    break;
                ExportBatch(count);
                count = 0;
            }
        }
        if (count > 0)
            ExportBatch(count);
    }

    // Records stay in their rings while the exporter sends them; each ring gets its room back
    // once the batch that read from it is done.
    private void DrainRecords()
    {
        int count = 0, rings = 0;
        var taken = _taken;
        foreach (var state in _engine.Threads)
        {
            var ring = state.Records;
            if (ring is null)
                continue;
            long position = ring.ReadPosition;
            int fromRing = 0;
            while (ring.TryRead(ref position, out int offset, out int length, out ushort tracer))
            {
                _records[count++] = new SpanRecord(ring.Bytes, offset, length, tracer);
                fromRing++;
                if (count == _records.Length)
                {
                    taken[rings++] = (ring, position, fromRing);
                    ExportRecords(count, rings);
                    count = rings = fromRing = 0;
                }
            }
            if (fromRing > 0)
            {
                taken[rings++] = (ring, position, fromRing);
                if (rings == taken.Length)
                {
                    ExportRecords(count, rings);
                    count = rings = 0;
                }
            }
        }
        if (count > 0)
            ExportRecords(count, rings);
    }

    private void ExportRecords(int count, int rings)
    {
        bool ok = false;
        try
        {
            if (!_abandoned)
                ok = _encoded!.Export(new SpanRecordBatch(_engine, _records.AsSpan(0, count)));
        }
        catch (Exception)
        {
            ok = false;
        }
        CountExported(ok, count);
        _records.AsSpan(0, count).Clear();
        for (int i = 0; i < rings; i++)
        {
            var (ring, position, records) = _taken[i];
            ring.Release(position, records);
            _taken[i] = default;
        }
    }

    private void ExportBatch(int count)
    {
        var slots = _batch.AsSpan(0, count);
        bool ok = false;
        try
        {
            if (!_abandoned)
                ok = _exporter is null || _exporter.Export(new SpanBatch(_engine, slots));
        }
        catch (Exception)
        {
            ok = false;
        }
        CountExported(ok, count);
        _engine.FreeExported(slots);
    }

    private void CountExported(bool ok, int count)
    {
        lock (_countLock)
        {
            if (_abandoned)
                return;
            if (ok)
                Volatile.Write(ref _exported, _exported + count);
            else
                Volatile.Write(ref _failed, _failed + count);
        }
    }

    private void ForgetDeadThreads()
    {
        foreach (var state in _engine.Threads)
        {
            if (!state.Owner.IsAlive && state.Pending == 0)
                _engine.ForgetDeadThread(state);
        }
    }
}
