using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kt.TraceViewer;
using static Kt.Tests.OtlpJsonReaderTests;

namespace Kt.Tests;

/// <summary>The command that writes the page: its arguments, its exit status, and a page that needs no network.</summary>
public sealed class TraceViewerCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kt-viewer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = TraceViewerCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData(new string[0], "no input file")]
    [InlineData(new[] { "a.jsonl", "b.html", "c" }, "unexpected arguments")]
    [InlineData(new[] { "--verbose", "a.jsonl" }, "unexpected arguments")]
    [InlineData(new[] { "" }, "unexpected arguments")]
    public void Wrong_arguments_print_the_usage_and_exit_2(string[] args, string message)
    {
        var (exit, output, error) = Run(args);

        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.Contains(TraceViewerCommand.Usage, error);
        Assert.Empty(output);
    }

    [Fact]
    public void Help_prints_the_usage()
    {
        var (exit, output, _) = Run("--help");

        Assert.Equal(0, exit);
        Assert.Contains("usage: Kt.TraceViewer", output);
    }

    [Fact]
    public void A_missing_file_a_directory_and_an_unwritable_page_are_named()
    {
        var missing = Path.Combine(_dir, "nothing.jsonl");
        var (exit, _, error) = Run(missing);
        Assert.Equal(2, exit);
        Assert.Contains($"cannot read {missing}", error);
        Assert.False(File.Exists(Path.Combine(_dir, "nothing.html")));

        (exit, _, error) = Run(_dir);
        Assert.Equal(2, exit);
        Assert.Contains("is a directory", error);

        var input = Write("t.jsonl", Line(Span("051581bf3cb55c13")));
        var page = Path.Combine(_dir, "no-such-dir", "t.html");
        (exit, _, error) = Run(input, page);
        Assert.Equal(2, exit);
        Assert.Contains($"cannot write {page}", error);

        (exit, _, error) = Run(input, input);
        Assert.Equal(2, exit);
        Assert.Contains("would overwrite its input", error);
        Assert.Equal(Line(Span("051581bf3cb55c13")) + "\n", File.ReadAllText(input));
    }

    [Fact]
    public void A_good_file_gives_a_page_beside_it_and_exit_0()
    {
        var input = Write("good.jsonl", Line(Span("051581bf3cb55c13")), Line(Span("051581bf3cb55c14", trace: "5b8efff798038103d269b633813fc60d")));

        var (exit, output, error) = Run(input);

        Assert.Equal(0, exit);
        Assert.Empty(error);
        var page = Path.Combine(_dir, "good.html");
        Assert.StartsWith($"{page}: 2 traces, 2 spans from 2 lines of {input}", output);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(page));
        Assert.False(File.Exists(page + ".tmp"));
    }

    [Fact]
    public void Bad_lines_are_printed_by_number_and_the_page_still_written_with_exit_1()
    {
        var input = Write("mixed.jsonl", Line(Span("051581bf3cb55c13")), "{oops", Line(Span("bad", name: "broken")));

        var (exit, output, error) = Run(input, Path.Combine(_dir, "mixed-page.html"));

        Assert.Equal(1, exit);
        Assert.Contains("1 traces, 1 spans from 3 lines", output);
        Assert.Contains($"{input}: line 2: not JSON", error);
        Assert.Contains($"{input}: line 3: resourceSpans[0].scopeSpans[0].spans[0] \"broken\" left out: spanId \"bad\" is not 16 hex digits", error);
        Assert.Contains("1 of 3 lines could not be read", error); // line 3 was read; its one span was not
        Assert.Contains("1 spans left out", error);
        Assert.True(File.Exists(Path.Combine(_dir, "mixed-page.html")));
    }

    [Fact]
    public void Warnings_alone_are_printed_with_exit_0_and_an_empty_file_gives_exit_1()
    {
        var input = Write("late.jsonl", Line(Span("051581bf3cb55c13", start: "\"2000\"", end: "\"1000\"")));
        var (exit, _, error) = Run(input);
        Assert.Equal(0, exit);
        Assert.Contains("line 1: resourceSpans[0].scopeSpans[0].spans[0] \"op\": ends 1 µs before it starts", error);

        (exit, _, error) = Run(Write("empty.jsonl"));
        Assert.Equal(1, exit);
        Assert.Contains("no span in the file", error);
    }

    [Fact]
    public void Traces_past_the_first_chunk_are_found_in_theirs()
    {
        // 400 traces of a span with 2 KB of text: some 800 KB of documents, several chunks.
        var padding = ",\"attributes\":[{\"key\":\"note\",\"value\":{\"stringValue\":\"" + new string('x', 2000) + "\"}}]";
        var lines = Enumerable.Range(1, 400).Select(i =>
            Line(Span("051581bf3cb55c13", name: $"request {i}", trace: $"{i:x32}", start: $"\"{1000 + i}\"", end: $"\"{2000 + i}\"", extra: padding)));
        var input = Write("many.jsonl", [.. lines]);

        Assert.Equal(0, Run(input).Exit);
        var documents = Documents(File.ReadAllText(Path.Combine(_dir, "many.html")));

        // Newest first: the last request's trace comes first.
        Assert.Equal(Enumerable.Range(1, 400).Reverse().Select(i => $"request {i}"),
            documents.Select(d => d.RootElement.GetProperty("spans")[0].GetProperty("name").GetString()));
        using var index = JsonDocument.Parse(Index(File.ReadAllText(Path.Combine(_dir, "many.html"))));
        Assert.InRange(index.RootElement.GetProperty("chunks").GetArrayLength(), 3, 4);
    }

    // Each trace's document, where the index says it is: a slice of its chunk's bytes, the chunk a slice of the block's base64.
    private static List<JsonDocument> Documents(string html)
    {
        var block = Regex.Match(html, """<script id="kt-detail" type="text/plain">([A-Za-z0-9+/=]*)</script>""").Groups[1].Value;
        using var json = JsonDocument.Parse(Index(html));
        var chunks = json.RootElement.GetProperty("chunks").EnumerateArray().Select(c => Inflate(block.Substring(c[0].GetInt32(), c[1].GetInt32()))).ToList();
        return json.RootElement.GetProperty("traces").EnumerateArray()
            .Select(t => JsonDocument.Parse(chunks[t[8].GetInt32()].AsMemory(t[9].GetInt32(), t[10].GetInt32())))
            .ToList();
    }

    // The list of traces in the page: JSON.
    private static string Index(string html) =>
        Regex.Match(html, """<script id="kt-index" type="application/json">(.*?)</script>""", RegexOptions.Singleline).Groups[1].Value;

    private static byte[] Inflate(string base64)
    {
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(base64)), CompressionMode.Decompress);
        var inflated = new MemoryStream();
        gzip.CopyTo(inflated);
        return inflated.ToArray();
    }

    [Fact]
    public void The_page_loads_nothing_and_no_span_text_can_end_its_script()
    {
        var hostile = Span("051581bf3cb55c13", name: "</script><script>alert(1)</script><!--",
            extra: ""","attributes":[{"key":"</SCRIPT >","value":{"stringValue":"<img src=x onerror=alert(2)>"}}]""");
        var input = Write("hostile.jsonl", Line(hostile));

        Assert.Equal(0, Run(input).Exit);
        var html = File.ReadAllText(Path.Combine(_dir, "hostile.html"));

        // The template's three scripts and nothing else: the list's JSON escapes every <, the chunks are base64.
        Assert.Equal(3, Regex.Matches(html, "<script", RegexOptions.IgnoreCase).Count);
        Assert.Equal(3, Regex.Matches(html, "</script", RegexOptions.IgnoreCase).Count);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<!--", html);
        // Nothing from elsewhere: the page around the data names no URL to load, and has a policy that forbids loading any.
        var page = Regex.Replace(html, """(<script id="kt-(index|detail)"[^>]*>).*?</script>""", "$1</script>", RegexOptions.Singleline);
        Assert.True(page.Length < 30_000, "the data was not cut out");
        Assert.DoesNotMatch(@"(src|href|url)\s*[=(]", page);
        Assert.DoesNotContain("//", page.Replace("// ", ""));
        Assert.Contains("default-src 'none'", html);

        // The list gives back the text as it was.
        using var json = JsonDocument.Parse(Index(html));
        var names = json.RootElement.GetProperty("strings").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("</script><script>alert(1)</script><!--", names);
    }

    [Fact]
    public void Each_traces_document_is_where_the_index_says_after_text_beyond_ascii()
    {
        var input = Write("unicode.jsonl", Line(
            Span("051581bf3cb55c13", name: "naïve café 😀", trace: "00000000000000000000000000000001", start: "\"2000\"", end: "\"3000\""),
            Span("051581bf3cb55c14", name: "日本語", trace: "00000000000000000000000000000002", start: "\"1000\"", end: "\"3000\"")));

        Assert.Equal(0, Run(input).Exit);
        var html = File.ReadAllText(Path.Combine(_dir, "unicode.html"));

        var names = Documents(html).Select(d => d.RootElement.GetProperty("spans")[0].GetProperty("name").GetString()!).ToList();
        Assert.Equal(["naïve café 😀", "日本語"], names);
    }
}
