using System.Diagnostics;

namespace Kt.TraceViewer;

/// <summary>
/// <c>Kt.TraceViewer TRACES.jsonl [PAGE.html]</c>: reads the file, writes the page (by default
/// beside the file, with the extension .html), and says what it wrote and what it could not read.
/// Exit status: 0 when every span of the file is in the page (problems that only changed what a
/// span shows, such as an end before its start, are printed), 1 when the page was written without
/// some lines or spans, or the file held no span, 2 for wrong arguments or a file that cannot be
/// read or written.
/// </summary>
internal static class TraceViewerCommand
{
    /// <summary>How many of the problems are printed; the page lists more.</summary>
    private const int PrintedProblems = 10;

    public const string Usage = "usage: Kt.TraceViewer TRACES.jsonl [PAGE.html]   (an OTLP JSON lines file; the page defaults to TRACES.html)";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args is ["--help" or "-h"])
        {
            output.WriteLine(Usage);
            return 0;
        }
        if (args.Length is < 1 or > 2 || args.Any(a => a.Length == 0 || a.StartsWith('-')))
        {
            error.WriteLine(args.Length == 0 ? "Kt.TraceViewer: no input file" : $"Kt.TraceViewer: unexpected arguments: {string.Join(' ', args)}");
            error.WriteLine(Usage);
            return 2;
        }
        var input = args[0];
        var page = args.Length == 2 ? args[1] : Path.ChangeExtension(input, ".html");
        if (Path.GetFullPath(page) == Path.GetFullPath(input))
        {
            error.WriteLine($"Kt.TraceViewer: the page would overwrite its input {input}; name another file");
            return 2;
        }
        if (Directory.Exists(input))
        {
            error.WriteLine($"Kt.TraceViewer: {input} is a directory, not an OTLP JSON lines file");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        TraceFile file;
        try
        {
            file = OtlpJsonReader.ReadFile(input);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Kt.TraceViewer: cannot read {input}: {e.Message}");
            return 2;
        }
        var traces = Trace.Group(file.Spans);
        var read = clock.Elapsed;

        var temporary = page + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                ViewerPage.Write(file, traces, Path.GetFileName(input), stream);
            File.Move(temporary, page, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            error.WriteLine($"Kt.TraceViewer: cannot write {page}: {e.Message}");
            return 2;
        }

        output.WriteLine($"{page}: {traces.Count} traces, {file.Spans.Count} spans from {file.Lines} lines of {input} " +
            $"(read in {read.TotalSeconds:0.00} s, page of {new FileInfo(page).Length / 1024.0 / 1024.0:0.0} MiB in {(clock.Elapsed - read).TotalSeconds:0.00} s)");
        foreach (var problem in file.Problems.Take(PrintedProblems))
            error.WriteLine($"{input}: {problem}");
        if (file.Problems.Count > PrintedProblems)
            error.WriteLine($"{input}: ... and {file.Problems.Count - PrintedProblems} more problems, listed in the page");
        if (file.UnreadableLines > 0)
            error.WriteLine($"{input}: {file.UnreadableLines} of {file.Lines} lines could not be read; the page shows the others");
        if (file.SpansLeftOut > 0)
            error.WriteLine($"{input}: {file.SpansLeftOut} spans left out for want of usable ids or times");
        if (file.Spans.Count == 0)
            error.WriteLine($"{input}: no span in the file");
        return file.UnreadableLines > 0 || file.SpansLeftOut > 0 || file.Spans.Count == 0 ? 1 : 0;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the error that brought us here is the one reported.
        }
    }
}
