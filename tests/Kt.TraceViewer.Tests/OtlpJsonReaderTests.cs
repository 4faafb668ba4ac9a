using Kt.TraceViewer;

namespace Kt.Tests;

/// <summary>The reader of OTLP JSON lines: every attribute type, 64-bit integers as strings, and bad input named by line.</summary>
public sealed class OtlpJsonReaderTests
{
    private const string TraceId = "5b8efff798038103d269b633813fc60c";

    internal static string Span(string spanId, string parent = "", string name = "op", string extra = "", string trace = TraceId,
        string start = "\"1700000000000000000\"", string end = "\"1700000000001000000\"") =>
        $$"""{"traceId":"{{trace}}","spanId":"{{spanId}}","parentSpanId":"{{parent}}","name":"{{name}}","kind":2,"startTimeUnixNano":{{start}},"endTimeUnixNano":{{end}}{{extra}}}""";

    internal static string Line(params string[] spans) =>
        $$$"""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"scopeSpans":[{"scope":{"name":"kt","version":"1.0"},"spans":[{{{string.Join(",", spans)}}}]}]}]}""";

    private static TraceFile Read(params string[] lines) => OtlpJsonReader.Read(new StringReader(string.Join("\n", lines)));

    [Fact]
    public void Every_attribute_type_is_read_with_its_value()
    {
        var attributes = """
            ,"attributes":[
              {"key":"s","value":{"stringValue":"text </script> \"q\""}},
              {"key":"b","value":{"boolValue":true}},
              {"key":"i","value":{"intValue":"-42"}},
              {"key":"i_number","value":{"intValue":7}},
              {"key":"d","value":{"doubleValue":2.5}},
              {"key":"d_nan","value":{"doubleValue":"NaN"}},
              {"key":"d_inf","value":{"doubleValue":"-Infinity"}},
              {"key":"bytes","value":{"bytesValue":"AQL/"}},
              {"key":"array","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"},{"boolValue":false}]}}},
              {"key":"empty_array","value":{"arrayValue":{}}},
              {"key":"kv","value":{"kvlistValue":{"values":[{"key":"inner","value":{"doubleValue":0.5}},{"key":"deep","value":{"arrayValue":{"values":[{"intValue":"3"}]}}}]}}},
              {"key":"empty","value":{}},
              {"key":"no_value"}
            ]
            """.Replace("\n", "");
        var file = Read(Line(Span("051581bf3cb55c13", extra: attributes)));

        Assert.Empty(file.Problems);
        var a = Assert.Single(file.Spans).Attributes.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(new AttributeValue(AttributeType.String, "text </script> \"q\""), a["s"]);
        Assert.Equal("text </script> \"q\"", a["s"].Display());
        Assert.Equal(new AttributeValue(AttributeType.Bool, true), a["b"]);
        Assert.Equal(new AttributeValue(AttributeType.Int, -42L), a["i"]);
        Assert.Equal(new AttributeValue(AttributeType.Int, 7L), a["i_number"]);
        Assert.Equal(new AttributeValue(AttributeType.Double, 2.5), a["d"]);
        Assert.True(double.IsNaN((double)a["d_nan"].Value!));
        Assert.Equal("NaN", a["d_nan"].Display());
        Assert.Equal("-Infinity", a["d_inf"].Display());
        Assert.Equal(AttributeType.Bytes, a["bytes"].Type);
        Assert.Equal(new byte[] { 1, 2, 255 }, (byte[])a["bytes"].Value!);
        Assert.Equal("0102ff", a["bytes"].Display());
        Assert.Equal(AttributeType.Array, a["array"].Type);
        Assert.Equal("[\"a\", 1, false]", a["array"].Display());
        Assert.Equal("[]", a["empty_array"].Display());
        Assert.Equal(AttributeType.KeyValueList, a["kv"].Type);
        Assert.Equal("{\"inner\": 0.5, \"deep\": [3]}", a["kv"].Display());
        Assert.Equal(AttributeValue.Empty, a["empty"]);
        Assert.Equal(AttributeValue.Empty, a["no_value"]);
        Assert.Equal(["string", "bool", "int", "int", "double", "double", "double", "bytes", "array", "array", "kvlist", "empty", "empty"],
            Assert.Single(file.Spans).Attributes.Select(kv => kv.Value.TypeName));
    }

    [Fact]
    public void Sixty_four_bit_integers_as_strings_keep_every_digit()
    {
        var attributes = ""","attributes":[{"key":"max","value":{"intValue":"9223372036854775807"}},{"key":"min","value":{"intValue":"-9223372036854775808"}}]""";
        // Times past 2^53 (a double would round them) and past 2^63 (a long would overflow).
        var file = Read(Line(
            Span("051581bf3cb55c13", extra: attributes, start: "\"1700000000123456789\"", end: "\"1700000000123456791\""),
            Span("051581bf3cb55c14", start: "\"18446744073709551614\"", end: "18446744073709551615")));

        Assert.Empty(file.Problems);
        var span = file.Spans[0];
        Assert.Equal(1700000000123456789UL, span.StartUnixNano);
        Assert.Equal(2UL, span.EndUnixNano - span.StartUnixNano);
        Assert.Equal(long.MaxValue, span.Attributes[0].Value.Value);
        Assert.Equal("9223372036854775807", span.Attributes[0].Value.Display());
        Assert.Equal(long.MinValue, span.Attributes[1].Value.Value);
        Assert.Equal(18446744073709551615UL, file.Spans[1].EndUnixNano);
    }

    [Fact]
    public void Malformed_lines_are_reported_by_number_and_the_good_lines_still_read()
    {
        var file = Read(
            Line(Span("051581bf3cb55c13")),
            "this is not json",
            "",
            "[1, 2]",
            """{"resourceLogs":[]}""",
            """{"something":"else"}""",
            """{"resourceSpans":{"not":"an array"}}""",
            """{"resourceSpans":[{"scopeSpans":[{"spans":[""",
            Line(Span("051581bf3cb55c14", name: "second")));

        Assert.Equal(["op", "second"], file.Spans.Select(s => s.Name));
        Assert.Equal(8, file.Lines);
        Assert.Equal(6, file.UnreadableLines);
        Assert.Equal(0, file.SpansLeftOut);
        Assert.Equal([2, 4, 5, 6, 7, 8], file.Problems.Select(p => p.Line));
        Assert.Equal(1, file.Spans[0].Line);
        Assert.Equal(9, file.Spans[1].Line);
        Assert.StartsWith("line 2: not JSON at byte ", file.Problems[0].ToString());
        Assert.Contains("a JSON object; this is an array", file.Problems[1].Message);
        Assert.Contains("another signal (resourceLogs)", file.Problems[2].Message);
        Assert.Contains("no resourceSpans", file.Problems[3].Message);
        Assert.Contains("resourceSpans is an object, not an array", file.Problems[4].Message);
        Assert.StartsWith("not JSON", file.Problems[5].Message);
    }

    [Theory]
    [InlineData("\"traceId\":\"5b8efff7\"", "traceId \"5b8efff7\" is not 32 hex digits")]
    [InlineData("\"traceId\":\"00000000000000000000000000000000\"", "traceId is all zeros")]
    [InlineData("\"traceId\":17", "traceId is 17, not a string of 32 hex digits")]
    [InlineData("\"spanId\":\"zz1581bf3cb55c13\"", "spanId \"zz1581bf3cb55c13\" is not 16 hex digits")]
    [InlineData("\"parentSpanId\":\"0515\"", "parentSpanId \"0515\" is not 16 hex digits")]
    [InlineData("\"startTimeUnixNano\":\"soon\"", "startTimeUnixNano \"soon\" is not an unsigned 64-bit integer of nanoseconds")]
    [InlineData("\"startTimeUnixNano\":\"-5\"", "startTimeUnixNano \"-5\" is not an unsigned 64-bit integer of nanoseconds")]
    [InlineData("\"endTimeUnixNano\":\"18446744073709551616\"", "endTimeUnixNano \"18446744073709551616\" is not an unsigned 64-bit integer of nanoseconds")]
    public void A_span_with_unusable_ids_or_times_is_left_out_and_named(string field, string expected)
    {
        var good = Span("051581bf3cb55c13", name: "good");
        var bad = Span("051581bf3cb55c14", parent: "051581bf3cb55c13", name: "bad");
        var name = field[..field.IndexOf(':')];
        bad = System.Text.RegularExpressions.Regex.Replace(bad, name + ":(\"[^\"]*\"|\\d+)", field.Replace("$", "$$"));

        var file = Read(Line(good, bad));

        Assert.Equal("good", Assert.Single(file.Spans).Name);
        Assert.Equal(1, file.SpansLeftOut);
        Assert.Equal(0, file.UnreadableLines);
        var problem = Assert.Single(file.Problems);
        Assert.Equal(1, problem.Line);
        Assert.Equal($"resourceSpans[0].scopeSpans[0].spans[1] \"bad\" left out: {expected}", problem.Message.Replace(", which no span may have", ""));
    }

    [Fact]
    public void A_missing_id_or_time_is_named()
    {
        var file = Read(Line("""{"spanId":"051581bf3cb55c13","name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2"}""",
            """{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"051581bf3cb55c14","name":"y","endTimeUnixNano":"2"}"""));

        Assert.Empty(file.Spans);
        Assert.Equal(2, file.SpansLeftOut);
        Assert.Equal(0, file.UnreadableLines);
        Assert.Equal(["resourceSpans[0].scopeSpans[0].spans[0] \"x\" left out: no traceId", "resourceSpans[0].scopeSpans[0].spans[1] \"y\" left out: no startTimeUnixNano"],
            file.Problems.Select(p => p.Message));
    }

    [Fact]
    public void Bad_attributes_kinds_and_statuses_are_reported_and_the_span_kept()
    {
        var extra = """
            ,"kind":9,"status":{"code":"BROKEN"},"flags":"many","attributes":[
              {"key":"i","value":{"intValue":"12x"}},
              {"key":"b","value":{"boolValue":"yes"}},
              {"key":"odd","value":{"colorValue":"red"}},
              {"value":{"stringValue":"no key"}},
              {"key":"ok","value":{"stringValue":"fine"}}]
            """.Replace("\n", "");
        var span = Span("051581bf3cb55c13").Replace(",\"kind\":2", "") [..^1] + extra + "}";
        var file = Read(Line(span));

        var read = Assert.Single(file.Spans);
        Assert.Equal(0, read.Kind);
        Assert.Equal(0, read.StatusCode);
        Assert.Null(read.ParentIsRemote);
        Assert.Equal(["i", "b", "odd", "ok"], read.Attributes.Select(a => a.Key));
        Assert.Equal(AttributeType.Invalid, read.Attributes[0].Value.Type);
        Assert.Equal("\"12x\"", read.Attributes[0].Value.Display());
        Assert.Equal(AttributeType.Invalid, read.Attributes[2].Value.Type);
        Assert.Equal("fine", read.Attributes[3].Value.Display());
        var messages = file.Problems.Select(p => p.Message).ToList();
        Assert.Equal(7, messages.Count);
        Assert.Contains(messages, m => m.EndsWith("kind 9 is not a span kind (0 to 5 or SPAN_KIND_*); shown as unspecified"));
        Assert.Contains(messages, m => m.EndsWith("status code \"BROKEN\" is not 0, 1, 2 or STATUS_CODE_*; shown as unset"));
        Assert.Contains(messages, m => m.EndsWith("flags \"many\" is not a 32-bit unsigned integer"));
        Assert.Contains(messages, m => m.EndsWith("attributes \"i\": intValue \"12x\" is not a 64-bit integer"));
        Assert.Contains(messages, m => m.EndsWith("attributes \"b\": boolValue \"yes\" is not true or false"));
        Assert.Contains(messages, m => m.EndsWith("attributes \"odd\": \"colorValue\" is not a kind of AnyValue"));
        Assert.Contains(messages, m => m.EndsWith("attributes[3] has no string key"));
        Assert.Equal(0, file.UnreadableLines);
    }

    [Fact]
    public void A_span_that_ends_before_it_starts_is_kept_ending_where_it_starts()
    {
        var file = Read(Line(Span("051581bf3cb55c13", start: "\"1700000000000005000\"", end: "\"1700000000000000000\"")));

        var span = Assert.Single(file.Spans);
        Assert.Equal(span.StartUnixNano, span.EndUnixNano);
        Assert.EndsWith("\"op\": ends 5 µs before it starts; shown as ending where it starts", Assert.Single(file.Problems).Message);
    }

    [Fact]
    public void Enum_names_snake_case_fields_and_base64_ids_of_other_writers_are_read()
    {
        // The protobuf JSON mapping as some exporters write it: field names as in the schema, enums by name, ids in base64.
        var line = """
            {"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"billing"}}]},
             "scope_spans":[{"scope":{"name":"otel"},"spans":[{"trace_id":"W47/95gDgQPSabYzgT/GDA==","span_id":"BRWBvzy1XBM=",
             "parent_span_id":"BRWBvzy1XBQ=","name":"charge","kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1000,"end_time_unix_nano":"3000",
             "status":{"code":"STATUS_CODE_ERROR","message":"declined"},"flags":768,
             "events":[{"time_unix_nano":"2000","name":"retry","attributes":[{"key":"n","value":{"int_value":"2"}}]}],
             "links":[{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"051581bf3cb55c15","flags":256}],
             "dropped_attributes_count":3}]}]}]}
            """.Replace("\n", "");
        var file = Read(line);

        Assert.Empty(file.Problems);
        var span = Assert.Single(file.Spans);
        Assert.Equal(TraceId, span.TraceId);
        Assert.Equal("051581bf3cb55c13", span.SpanId);
        Assert.Equal("051581bf3cb55c14", span.ParentSpanId);
        Assert.True(span.ParentIsRemote);
        Assert.Equal(3, span.Kind);
        Assert.Equal(2, span.StatusCode);
        Assert.Equal("declined", span.StatusMessage);
        Assert.Equal(2000UL, span.EndUnixNano - span.StartUnixNano);
        Assert.Equal("billing", span.Resource.ServiceName);
        var e = Assert.Single(span.Events);
        Assert.Equal(("retry", 2000UL, 2L), (e.Name, e.TimeUnixNano, (long)e.Attributes[0].Value.Value!));
        var link = Assert.Single(span.Links);
        Assert.Equal(("051581bf3cb55c15", false), (link.SpanId, link.IsRemote));
        Assert.Equal(3U, span.DroppedAttributesCount);
    }

    [Fact]
    public void A_request_printed_over_several_lines_is_read_as_one_document()
    {
        var path = Path.GetTempFileName();
        try
        {
            var pretty = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(Line(Span("051581bf3cb55c13"))).RootElement,
                new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
            File.WriteAllText(path, pretty);

            var file = OtlpJsonReader.ReadFile(path);

            Assert.Empty(file.Problems);
            Assert.Equal(0, Assert.Single(file.Spans).Line);
            Assert.Equal(1, file.Lines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_is_not_otlp_at_all_has_every_line_reported()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "name,duration\nGET /,12\nPOST /,40\n");

            var file = OtlpJsonReader.ReadFile(path);

            Assert.Empty(file.Spans);
            Assert.Equal(3, file.UnreadableLines);
            Assert.Equal([1, 2, 3], file.Problems.Select(p => p.Line));
            Assert.All(file.Problems, p => Assert.StartsWith("not JSON", p.Message));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Resources_and_scopes_of_several_lines_are_shared()
    {
        var file = Read(Line(Span("051581bf3cb55c13")), Line(Span("051581bf3cb55c14")));

        Assert.Same(file.Spans[0].Resource, file.Spans[1].Resource);
        Assert.Same(file.Spans[0].Scope, file.Spans[1].Scope);
        Assert.Equal(("kt", "1.0"), (file.Spans[0].Scope.Name, file.Spans[0].Scope.Version));
    }

    [Fact]
    public void A_line_of_lone_surrogates_is_reported_not_thrown()
    {
        var file = Read(Line(Span("051581bf3cb55c13", name: "\\ud800")), Line(Span("051581bf3cb55c14")));

        Assert.Single(file.Spans);
        Assert.Equal(1, Assert.Single(file.Problems).Line);
    }
}
