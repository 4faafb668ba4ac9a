using System.Text;
using System.Text.Json;
using Kt.Export.Otlp;

namespace Kt.Tests;

/// <summary>
/// Several writers appending OTLP JSON lines to one file, as nginx's workers do: every line is
/// a whole request and no span is lost. Each exporter opens the file itself, so they share it
/// the way separate processes do (separate open file descriptions).
/// </summary>
public class OtlpFileAppendTests
{
    private static readonly KeyValuePair<string, string>[] Resource = [new("service.name", "kt-file-test")];

    [Fact]
    public void Two_exporters_appending_to_one_file_write_only_whole_lines()
    {
        const int writers = 2, batches = 60, spansPerBatch = 40;
        var path = Path.GetTempFileName();
        // Long lines (about 60 KB) make a split write, or a write over another writer's line, likely.
        var padding = new string('x', 1200);
        try
        {
            var engines = Enumerable.Range(0, writers)
                .Select(_ => new TraceEngine(new EngineOptions { MaxSpans = 256, Exporter = new OtlpFileExporter(path, Resource) }))
                .ToList();
            using var start = new Barrier(writers);
            var threads = engines.Select((engine, n) => new Thread(() =>
            {
                var tracer = engine.CreateTracer("writer");
                start.SignalAndWait();
                for (int b = 0; b < batches; b++)
                {
                    for (int i = 0; i < spansPerBatch; i++)
                    {
                        var span = tracer.StartSpan(null, "span", default);
                        span.SetAttribute("writer", (long)n);
                        span.SetAttribute("padding", padding);
                        span.Finish();
                    }
                    Assert.True(engine.ForceFlush(TimeSpan.FromSeconds(10)));
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            var exported = engines.Sum(e => e.ReadCounters().SpansExported);
            engines.ForEach(e => e.Dispose());

            var text = File.ReadAllText(path, Encoding.UTF8);
            Assert.EndsWith("\n", text);
            var lines = text.Split('\n')[..^1];
            long spans = 0;
            var perWriter = new long[writers];
            foreach (var line in lines)
            {
                using var request = JsonDocument.Parse(line);
                foreach (var span in request.RootElement.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans").EnumerateArray())
                {
                    spans++;
                    var writer = span.GetProperty("attributes").EnumerateArray().Single(a => a.GetProperty("key").GetString() == "writer");
                    perWriter[long.Parse(writer.GetProperty("value").GetProperty("intValue").GetString()!)]++;
                }
            }
            Assert.Equal(writers * batches * spansPerBatch, exported);
            Assert.Equal(exported, spans);
            Assert.All(perWriter, count => Assert.Equal(batches * spansPerBatch, count));
            // The schema's own reader takes a line too.
            var decoded = OtlpDecoder.Decode(Encoding.UTF8.GetBytes(lines[^1]), json: true);
            Assert.Equal("kt-file-test", OtlpDecoder.Attributes(decoded.GetProperty("resourceSpans")[0].GetProperty("resource").GetProperty("attributes"))["service.name"].GetProperty("stringValue").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_cannot_be_opened_is_refused_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "kt-no-such-directory-" + Guid.NewGuid().ToString("N"), "traces.jsonl");
        var e = Assert.ThrowsAny<IOException>(() => new OtlpFileExporter(path, Resource));
        Assert.Contains(path, e.Message);
    }
}
