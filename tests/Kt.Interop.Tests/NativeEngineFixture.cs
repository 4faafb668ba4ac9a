// libkt holds one engine per process (one kt_init), so every test shares it, one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Kt.Interop.Tests;

/// <summary>
/// Binds the binding to the libkt.so that the build published (artifacts/native), records
/// what a few calls return before any kt_init, starts the engine, and shuts it down after the
/// last test.
/// </summary>
public sealed class NativeEngineFixture : IDisposable
{
    /// <summary>The settings every test runs with; tests that shut the engine down restart it with these.</summary>
    public static readonly KtSetting[] Settings =
    [
        new("max_spans", "16384"),
        new("queue_capacity_per_thread", "16384"),
        new("bytes_per_span", "8192"),
        new("poll_interval_ms", "1"),
        new("schedule_delay_ms", "5"),
        new("sampling_rate", "1"),
        // Spans are counted and dropped at export: the tests measure the engine, not a file.
        new("exporter", "none"),
    ];

    public NativeEngineFixture()
    {
        RepoRoot = FindRepoRoot();
        LibraryPath = Path.Combine(RepoRoot, "artifacts", "native", "libkt.so");
        if (!File.Exists(LibraryPath))
            throw new InvalidOperationException($"{LibraryPath} is missing: run ./build.sh test, which publishes it (or dotnet publish native/Kt.Native.csproj -c Release -o artifacts/native).");
        KtLibrary.Use(LibraryPath);
        KtLibrary.EnsureCompatible();
        BeforeInit = RecordBeforeInit();
        var result = KtNative.Init(Settings);
        if (result != KtResult.Ok)
            throw new InvalidOperationException($"kt_init: {result}: {KtNative.LastError}");
    }

    /// <summary>The folder that holds Engine.sln.</summary>
    public string RepoRoot { get; }

    /// <summary>artifacts/native/libkt.so under <see cref="RepoRoot"/>.</summary>
    public string LibraryPath { get; }

    /// <summary>What each call returned, and the last error it left, before the process's first kt_init.</summary>
    public IReadOnlyList<(string Call, KtResult Result, string Error)> BeforeInit { get; }

    /// <summary>Starts the engine again with <see cref="Settings"/> after a test shut it down.</summary>
    public static void Restart()
    {
        var result = KtNative.Init(Settings);
        Assert.True(result == KtResult.Ok, $"kt_init: {result}: {KtNative.LastError}");
    }

    public void Dispose() => KtNative.Shutdown(TimeSpan.FromSeconds(10));

    /// <summary>The folder that holds Engine.sln, above the test's output folder.</summary>
    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Engine.sln above {AppContext.BaseDirectory}");
    }

    private static List<(string, KtResult, string)> RecordBeforeInit()
    {
        var results = new List<(string, KtResult, string)>();
        void Add(string call, KtResult result) => results.Add((call, result, KtNative.LastError));
        Add("kt_flush", KtNative.Flush(TimeSpan.FromSeconds(1)));
        Add("kt_shutdown", KtNative.Shutdown(TimeSpan.FromSeconds(1)));
        Add("kt_counters", KtNative.Counters(out _));
        Add("kt_tracer_new", NativeTracer.Create("before", out _));
        Add("kt_context_begin", NativeContext.Begin(out _));
        Add("kt_context_end", new NativeContext(1).End());
        Add("kt_start_span", NativeTracer.Global.StartSpan(NativeContext.None, "before", out _));
        Add("kt_span_finish", new NativeSpan(1).Finish());
        Add("kt_span_set_string", new NativeSpan(1).SetAttribute("k", "v"));
        Add("kt_active_span", NativeTracer.Global.ActiveSpan(NativeContext.None, out _));
        Add("kt_span_inject", new NativeSpan(1).TryInject(new byte[64], out _));
        return results;
    }
}

/// <summary>The one collection every test class joins: one engine, no parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeEngineCollection : ICollectionFixture<NativeEngineFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "libkt";
}
