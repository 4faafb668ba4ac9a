using System.Text;

namespace Kt.Tests;

/// <summary>
/// kt as a service in W3C Trace Context Level 2's test suite: a request's headers (lines in order,
/// a name repeated as the suite sends it) are extracted, a span continues them, and what the span
/// injects is what the next service gets. The vectors are the suite's own.
/// </summary>
public class TraceContextLevel2Tests
{
    private const string TraceId = "12345678901234567890123456789012";
    private const string Unsampled = "00-12345678901234567890123456789012-1234567890123456-00";

    private sealed record Sent(string Traceparent, string? Tracestate)
    {
        public string TraceId => Traceparent.Split('-')[1];

        public string ParentId => Traceparent.Split('-')[2];

        public int Flags => Convert.ToInt32(Traceparent.Split('-')[3], 16);

        /// <summary>The tracestate's members by key, as the suite reads them.</summary>
        public Dictionary<string, string> State =>
            (Tracestate ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(m => m.Split('=', 2)).ToDictionary(m => m[0], m => m[1]);
    }

    // The headers through both extraction paths (which must agree), then a span of a tracer that
    // samples everything: what it injects in w3c.
    private static Sent Service(params (string Name, string Value)[] headers)
    {
        using var t = new TestEngine();
        var (_, context) = RequestHeaders.Extract(PropagationFormat.W3C, headers);
        var span = t.Engine.CreateTracer("service").StartSpan(context, "server", new SpanOptions { Kind = SpanKind.Server });
        var written = RequestHeaders.Inject(span, PropagationFormat.W3C);
        Assert.Single(written, h => h.Name == "traceparent");
        Assert.True(written.Count(h => h.Name == "tracestate") <= 1);
        return new Sent(written.Single(h => h.Name == "traceparent").Value, written.SingleOrDefault(h => h.Name == "tracestate").Value);
    }

    private static (string, string) Parent(string value = Unsampled) => ("traceparent", value);

    private static (string, string) State(string value) => ("tracestate", value);

    [Fact]
    public void An_unsampled_parents_tracestate_is_carried_on()
    {
        var sent = Service(Parent(), State("foo=1,bar=2"));
        Assert.Equal(TraceId, sent.TraceId);
        Assert.NotEqual("1234567890123456", sent.ParentId);
        Assert.Equal(0, sent.Flags & 1);
        Assert.Equal("foo=1,bar=2", sent.Tracestate);
    }

    [Fact]
    public void An_unsampled_spans_children_carry_it_too()
    {
        using var t = new TestEngine();
        var tracer = t.Engine.CreateTracer("service");
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, context.Extract(Unsampled, "rojo=00f067aa0ba902b7"));
        var server = tracer.StartSpan(context, "server", default);
        Assert.False(server.IsRecording);
        tracer.SetActiveSpan(server, context);
        var client = tracer.StartSpan(context, "client", new SpanOptions { Kind = SpanKind.Client });
        Assert.Equal("rojo=00f067aa0ba902b7", Encoding.ASCII.GetString(client.TraceState));
        Assert.Contains(("tracestate", "rojo=00f067aa0ba902b7"), RequestHeaders.Inject(client, PropagationFormat.W3C));
    }

    [Fact]
    public void Two_traceparent_lines_start_a_new_trace()
    {
        var (result, context) = RequestHeaders.Extract(PropagationFormat.W3C,
            Parent("00-12345678901234567890123456789011-1234567890123456-01"), Parent("00-12345678901234567890123456789012-1234567890123456-01"));
        Assert.Equal(new ExtractionResult(PropagationFormat.W3C, PropagationStatus.RepeatedHeader, "traceparent"), result);
        Assert.False(context.RemoteParent.IsValid);
        var sent = Service(Parent("00-12345678901234567890123456789011-1234567890123456-01"), Parent("00-12345678901234567890123456789012-1234567890123456-01"), State("foo=1"));
        Assert.NotEqual("12345678901234567890123456789011", sent.TraceId);
        Assert.NotEqual(TraceId, sent.TraceId);
        Assert.Null(sent.Tracestate);
    }

    [Fact]
    public void A_blank_traceparent_line_beside_one_is_no_second_line()
    {
        Assert.Equal(TraceId, Service(("traceparent", " "), Parent()).TraceId);
        Assert.Equal(TraceId, Service(Parent(), ("traceparent", "")).TraceId);
    }

    [Fact]
    public void A_tracestate_without_traceparent_is_dropped()
    {
        var sent = Service(State("foo=1,bar=2"));
        Assert.NotEqual(TraceId, sent.TraceId);
        Assert.Null(sent.Tracestate);
    }

    [Theory]
    [InlineData("trace-state")]
    [InlineData("trace.state")]
    public void A_misnamed_tracestate_is_not_one(string name) =>
        Assert.Null(Service(Parent(), (name, "foo=1")).Tracestate);

    [Theory]
    [InlineData("TraceState")]
    [InlineData("TrAcEsTaTe")]
    [InlineData("TRACESTATE")]
    public void Tracestate_is_read_in_any_case(string name) =>
        Assert.Equal("foo=1", Service(Parent(), (name, "foo=1")).Tracestate);

    [Fact]
    public void Empty_tracestate_lines_contribute_nothing()
    {
        Assert.Null(Service(Parent(), State("")).Tracestate);
        Assert.Equal("foo=1", Service(Parent(), State("foo=1"), State("")).Tracestate);
        Assert.Equal("foo=1", Service(Parent(), State(""), State("foo=1")).Tracestate);
    }

    [Fact]
    public void Tracestate_lines_are_combined_in_order() =>
        Assert.Equal("foo=1,bar=2,rojo=1,congo=2,baz=3", Service(Parent(), State("foo=1,bar=2"), State("rojo=1,congo=2"), State("baz=3")).Tracestate);

    [Fact]
    public void Lines_of_other_headers_in_between_change_nothing() =>
        Assert.Equal("foo=1,bar=2", Service(State("foo=1"), ("accept", "*/*"), Parent(), ("x-other", "1"), State("bar=2")).Tracestate);

    [Theory]
    [InlineData(new[] { "foo=1,foo=1" }, "1")]
    [InlineData(new[] { "foo=1,foo=2" }, "1")]
    [InlineData(new[] { "foo=1", "foo=1" }, "1")]
    [InlineData(new[] { "foo=1", "foo=2" }, "1")]
    public void A_repeated_key_keeps_the_list(string[] lines, string foo)
    {
        var sent = Service([Parent(), .. lines.Select(State)]);
        Assert.Equal(TraceId, sent.TraceId);
        Assert.Equal(foo, sent.State["foo"]);
        Assert.Single(sent.State);
    }

    [Fact]
    public void Every_allowed_character_is_carried()
    {
        const string key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
        var value = new string(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not (',' or '=')).ToArray());
        Assert.Equal(value, Service(Parent(), State(key + "=" + value)).State[key]);
        Assert.Equal(value, Service(Parent(), State(key + "@a-z0-9_-*/=" + value)).State[key + "@a-z0-9_-*/"]);
    }

    [Theory]
    [InlineData("foo=1 \t , \t bar=2, \t baz=3")]
    [InlineData("foo=1\t \t,\t \tbar=2,\t \tbaz=3")]
    public void Whitespace_around_members_is_not_carried(string line) =>
        Assert.Equal("foo=1,bar=2,baz=3", Service(Parent(), State(line)).Tracestate);

    [Theory]
    [InlineData(" foo=1")]
    [InlineData("\tfoo=1")]
    [InlineData("foo=1 ")]
    [InlineData("foo=1\t")]
    [InlineData("\t foo=1 \t")]
    public void A_member_in_whitespace_is_carried(string line) =>
        Assert.Equal("foo=1", Service(Parent(), State(line)).Tracestate);

    [Theory]
    [InlineData("foo =1")]
    [InlineData("FOO=1")]
    [InlineData("foo.bar=1")]
    [InlineData("@foo=1,bar=2")]
    [InlineData("foo=bar=baz")]
    [InlineData("foo=,bar=3")]
    public void A_malformed_list_is_dropped_but_the_trace_continues(string line)
    {
        var sent = Service(Parent(), State(line));
        Assert.Equal(TraceId, sent.TraceId);
        Assert.Null(sent.Tracestate);
    }

    [Theory]
    [InlineData("foo@=1,bar=2", "foo@")]
    [InlineData("foo@@bar=1,bar=2", "foo@@bar")]
    [InlineData("foo@bar@baz=1,bar=2", "foo@bar@baz")]
    public void Keys_with_at_signs_after_the_first_character_are_carried(string line, string key)
    {
        var state = Service(Parent(), State(line)).State;
        Assert.Equal("1", state[key]);
        Assert.Equal("2", state["bar"]);
    }

    [Fact]
    public void Thirty_two_members_over_four_lines_are_carried_and_33_are_not()
    {
        (string, string)[] headers =
        [
            Parent(),
            State("bar01=01,bar02=02,bar03=03,bar04=04,bar05=05,bar06=06,bar07=07,bar08=08,bar09=09,bar10=10"),
            State("bar11=11,bar12=12,bar13=13,bar14=14,bar15=15,bar16=16,bar17=17,bar18=18,bar19=19,bar20=20"),
            State("bar21=21,bar22=22,bar23=23,bar24=24,bar25=25,bar26=26,bar27=27,bar28=28,bar29=29,bar30=30"),
            State("bar31=31,bar32=32"),
        ];
        var state = Service(headers).State;
        Assert.Equal(32, state.Count);
        Assert.Equal("01", state["bar01"]);
        headers[4] = State("bar31=31,bar32=32,bar33=33");
        Assert.Null(Service(headers).Tracestate);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void A_key_of_256_characters_is_carried_and_one_of_257_is_not(int length, bool kept)
    {
        var key = new string('z', length);
        var sent = Service(Parent(), State("foo=1"), State(key + "=1"));
        if (kept)
        {
            Assert.Equal("1", sent.State["foo"]);
            Assert.Equal("1", sent.State[key]);
        }
        else
        {
            Assert.Null(sent.Tracestate);
        }
    }

    [Theory]
    [InlineData(241, 14)]
    [InlineData(242, 1)]
    [InlineData(1, 15)]
    public void Keys_with_an_at_sign_are_judged_by_their_whole_length(int before, int after)
    {
        var key = new string('t', before) + "@" + new string('v', after);
        var state = Service(Parent(), State("foo=1"), State(key + "=1")).State;
        Assert.Equal("1", state["foo"]);
        Assert.Equal("1", state[key]);
    }

    [Fact]
    public void The_random_flag_is_carried_on_with_the_trace()
    {
        var sent = Service(Parent("00-12345678901234567890123456789012-1234567890123456-02"));
        Assert.Equal(TraceId, sent.TraceId);
        Assert.NotEqual("1234567890123456", sent.ParentId);
        Assert.Equal(2, sent.Flags & 2);
        Assert.Equal(0, Service(Parent()).Flags & 2);
    }

    [Fact]
    public void A_new_trace_has_the_random_flag() =>
        Assert.Equal(2, Service().Flags & 2);

    [Fact]
    public void Another_format_continuing_a_trace_does_not_claim_its_id_is_random()
    {
        using var t = new TestEngine();
        var context = new TraceContext();
        context.Extract(PropagationFormat.B3, new StringHeaderList([new("x-b3-traceid", TraceId), new("x-b3-spanid", "1234567890123456"), new("x-b3-sampled", "1")]));
        var span = t.Engine.CreateTracer("service").StartSpan(context, "server", default);
        Assert.Equal(TraceFlags.Sampled, span.Context.Flags);
    }

    [Fact]
    public void A_traceparent_beside_another_format_on_two_lines_keeps_no_tracestate()
    {
        var (result, context) = RequestHeaders.Extract([PropagationFormat.B3, PropagationFormat.W3C],
            ("x-b3-traceid", TraceId), ("x-b3-spanid", "1234567890123456"),
            Parent("00-12345678901234567890123456789012-1234567890123456-01"), Parent("00-12345678901234567890123456789012-1234567890123456-01"),
            State("foo=1"));
        Assert.Equal(PropagationFormat.B3, result.Format);
        Assert.True(context.TraceState.IsEmpty);
    }
}
