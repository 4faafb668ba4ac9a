using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Kt.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "sendcost")
            return SendCost.Run(args);
        if (args.Length > 0 && args[0] == "viewer")
            return ViewerLoad.Run(args).GetAwaiter().GetResult();
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, CreateConfig(args));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    internal static IConfig CreateConfig(string[] args)
    {
        var defaults = DefaultConfig.Instance;
        // DefaultConfig's loggers, columns, analysers and validators (among them the one that
        // refuses a Debug build), but only these exporters: DefaultConfig's GitHub exporter
        // added again would be reported as a duplicate.
        var config = ManualConfig.CreateEmpty()
            .AddLogger(defaults.GetLoggers().ToArray())
            .AddColumnProvider(defaults.GetColumnProviders().ToArray())
            .AddAnalyser(defaults.GetAnalysers().ToArray())
            .AddValidator(defaults.GetValidators().ToArray())
            // Allocated bytes per operation (the Allocated column) and GC counts.
            .AddDiagnoser(MemoryDiagnoser.Default)
            // <artifacts>/results/*-report-github.md, which ./build.sh bench copies to bench/results/;
            // the CSV beside it is for tools.
            .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default)
            .AddColumn(RankColumn.Arabic)
            .HideColumns(Column.Job);

        // The job. The suite is 4 scenarios x 5 implementations = 20 benchmarks, each in its own
        // process, and must finish in about 12 minutes on a 2-core machine. Job.Default lets the
        // engine pick up to 100 iterations per benchmark (20-60 s each, about 15 minutes for the
        // suite); ShortRun's 3 iterations are too few to tell noise from a difference of a few
        // nanoseconds. A fixed 3 warm-up + 10 measured iterations of the default 500 ms takes
        // about 15 s per benchmark, about 5 minutes for the suite plus the build, and still gives
        // BenchmarkDotNet enough samples for a mean, an error and outlier removal.
        // AsDefault() makes it the base job that command-line options such as --iterationCount
        // adjust. BenchmarkDotNet would also prefer it to a --job given on the command line, so
        // with --job (e.g. --job Dry) it is left out and the named job runs instead.
        if (!args.Any(a => a is "-j" or "--job" || a.StartsWith("--job=", StringComparison.Ordinal)))
        {
            config.AddJob(Job.Default
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithId("kt-bench")
                .AsDefault());
        }
        return config;
    }
}
