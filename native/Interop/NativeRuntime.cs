using Kt.Store;

namespace Kt.Native.Interop;

/// <summary>
/// What kt_init makes and kt_shutdown drops: the engine, its global tracer and the tables
/// behind tracer and context handles. Calls read <see cref="Current"/> once and use that.
/// </summary>
internal sealed class NativeRuntime
{
    private static readonly object s_lock = new();
    private static volatile NativeRuntime? s_current;
    private static volatile NativeRuntime? s_stopped;
    private static byte s_epoch = (byte)Environment.TickCount;

    // kt_key_register's keys, for the life of the process: every engine kt_init makes is given
    // them all, in order, so that a kt_key names the same key in each.
    private static readonly List<byte[]> s_keys = [];
    private static volatile int s_keyCount;

    private NativeRuntime(TraceEngine engine, Tracer global, byte epoch)
    {
        Engine = engine;
        Global = global;
        Tracers = new HandleTable<Tracer>(epoch);
        Contexts = new HandleTable<TraceContext>(epoch);
    }

    public static NativeRuntime? Current => s_current;

    /// <summary>The running engine's runtime, else the last one shut down: its counters stay readable until the next kt_init.</summary>
    public static NativeRuntime? CurrentOrStopped => s_current ?? s_stopped;

    public TraceEngine Engine { get; }

    public Tracer Global { get; }

    public HandleTable<Tracer> Tracers { get; }

    public HandleTable<TraceContext> Contexts { get; }

    public static int Start(EngineOptions options, TracerOptions global)
    {
        lock (s_lock)
        {
            if (s_current is not null)
                return LastError.Set(Status.AlreadyInitialized, "kt_init: the engine is already initialised; call kt_shutdown first");
            var engine = new TraceEngine(options);
            foreach (var key in s_keys)
                engine.Store.Keys.Register(key);
            s_stopped = null;
            s_epoch++;
            s_current = new NativeRuntime(engine, engine.CreateTracer(Tracing.GlobalTracerName, global), s_epoch);
            return Status.Ok;
        }
    }

    /// <summary>How many keys kt_key_register has given: every kt_key from 1 to this is valid.</summary>
    public static int KeyCount => s_keyCount;

    /// <summary>
    /// Registers a key the caller has checked (UTF-8, not empty) for the process and the running
    /// engine; its kt_key, or 0 when <see cref="RegisteredKeys"/>' limits are reached.
    /// </summary>
    public static uint RegisterKey(ReadOnlySpan<byte> key)
    {
        lock (s_lock)
        {
            for (int i = 0; i < s_keys.Count; i++)
            {
                if (key.SequenceEqual(s_keys[i]))
                    return (uint)(i + 1);
            }
            int bytes = key.Length;
            foreach (var k in s_keys)
                bytes += k.Length;
            if (s_keys.Count == RegisteredKeys.Capacity || bytes > RegisteredKeys.Bytes)
                return 0;
            // Each engine has held every key registered before it, in order, so it gives the same id.
            s_current?.Engine.Store.Keys.Register(key);
            s_keys.Add(key.ToArray());
            s_keyCount = s_keys.Count;
            return (uint)s_keys.Count;
        }
    }

    public static int Stop(TimeSpan timeout)
    {
        NativeRuntime? runtime;
        lock (s_lock)
        {
            runtime = s_current;
            s_current = null;
            if (runtime is not null)
                s_stopped = runtime;
        }
        if (runtime is null)
            return LastError.Set(Status.NotInitialized, "kt_shutdown: the engine is not initialised");
        return runtime.Reported("kt_shutdown", runtime.Engine.Shutdown(timeout), timeout);
    }

    /// <summary>A flush's or a shutdown's result as a status, with a message that says what was lost.</summary>
    public int Reported(string function, FlushResult result, TimeSpan timeout)
    {
        string lost = result.LostSpans == 1 ? "1 span" : $"{result.LostSpans} spans";
        return result.Status switch
        {
            KtStatus.Ok => Status.Ok,
            KtStatus.SpansLost => LastError.Set(Status.SpansLost,
                $"{function}: {lost} lost since the last report (dropped, failed to export or rejected: see kt_counters, kt_exporter_counters){LastExportError()}"),
            KtStatus.Timeout when function == "kt_shutdown" => LastError.Set(Status.Timeout,
                $"kt_shutdown: not done after {timeout.TotalMilliseconds} ms; {lost} lost (those still waiting for export are counted in dropped_after_shutdown){LastExportError()}"),
            KtStatus.Timeout => LastError.Set(Status.Timeout,
                $"{function}: not done after {timeout.TotalMilliseconds} ms" + (result.LostSpans > 0 ? $"; {lost} lost so far{LastExportError()}" : "")),
            // Shut down by another thread while this call ran.
            _ => Fail.NotInitialized(function),
        };
    }

    private string LastExportError() =>
        (Engine.Options.Exporter as Export.Otlp.ICountingExporter)?.Counters.LastError is { } error ? $"; last export error: {error}" : "";

    /// <summary>The tracer behind a handle; 0 is the global tracer.</summary>
    public int Tracer(ulong handle, out Tracer? tracer)
    {
        if (handle == 0)
        {
            tracer = Global;
            return Status.Ok;
        }
        int status = Tracers.TryGet(handle, out tracer);
        return status == Status.Ok ? status : LastError.Set(status, "tracer: not a tracer of this engine");
    }

    /// <summary>The context behind a handle; 0 is no context.</summary>
    public int Context(ulong handle, out TraceContext? context)
    {
        context = null;
        if (handle == 0)
            return Status.Ok;
        int status = Contexts.TryGet(handle, out context);
        return status == Status.Ok ? status
            : LastError.Set(status, status == Status.Stale ? "context: the context has ended" : "context: not a context of this engine");
    }

    /// <summary>As <see cref="Context"/>, for calls that need a context: 0 is refused too.</summary>
    public int RequiredContext(ulong handle, out TraceContext context)
    {
        int status = Context(handle, out var found);
        context = found!;
        if (status != Status.Ok)
            return status;
        return found is null ? LastError.Set(Status.InvalidHandle, "context: 0 is not a context") : Status.Ok;
    }
}
