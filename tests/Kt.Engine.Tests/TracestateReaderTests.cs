using System.Text;

namespace Kt.Tests;

/// <summary>
/// A tracestate on one or more lines becomes the list kt forwards: combined in order, repeated keys
/// kept once, members trimmed, and cut to 512 bytes as Trace Context Level 2 says.
/// </summary>
public class TracestateReaderTests
{
    private sealed record Outcome(PropagationStatus Status, string List, int Duplicates, int Cut);

    // Every vector goes through both overloads, which must agree.
    private static Outcome Read(params string[] lines)
    {
        var fromBytes = ReadBytes(lines);
        var fromChars = ReadChars(lines);
        Assert.Equal(fromBytes, fromChars);
        return fromBytes;
    }

    private static Outcome ReadBytes(string[] lines)
    {
        var reader = new TracestateReader(new byte[TracestateReader.ScratchLength]);
        foreach (var line in lines)
            reader.Add(Encoding.ASCII.GetBytes(line));
        var destination = new byte[Tracestate.MaxLength];
        var status = reader.WriteTo(destination, out int written);
        return new Outcome(status, Encoding.ASCII.GetString(destination, 0, written), reader.DuplicatesDropped, reader.MembersCut);
    }

    private static Outcome ReadChars(string[] lines)
    {
        var reader = new TracestateReader(new byte[TracestateReader.ScratchLength]);
        foreach (var line in lines)
            reader.Add(line.AsSpan());
        var destination = new byte[Tracestate.MaxLength];
        var status = reader.WriteTo(destination, out int written);
        return new Outcome(status, Encoding.ASCII.GetString(destination, 0, written), reader.DuplicatesDropped, reader.MembersCut);
    }

    private static string Kept(params string[] lines)
    {
        var outcome = Read(lines);
        Assert.Equal(PropagationStatus.Ok, outcome.Status);
        return outcome.List;
    }

    // A member of the given length whose key starts with the given text; past 257 characters the key grows too.
    private static string Member(string key, int length)
    {
        int value = Math.Min(Tracestate.MaxLength / 2, length - key.Length - 1);
        return key.PadRight(length - 1 - value, 'k') + "=" + new string('v', value);
    }

    [Fact]
    public void Combines_lines_in_order()
    {
        Assert.Equal("foo=1,bar=2,rojo=1,congo=2,baz=3", Kept("foo=1,bar=2", "rojo=1,congo=2", "baz=3"));
    }

    [Theory]
    [InlineData("", "foo=1")]
    [InlineData("foo=1", "")]
    [InlineData(" \t", "foo=1", ",")]
    public void An_empty_line_contributes_nothing(params string[] lines) =>
        Assert.Equal("foo=1", Kept(lines));

    [Theory]
    [InlineData("")]
    [InlineData(" , ,\t")]
    public void Lines_without_members_are_empty(string line)
    {
        var outcome = Read(line, line);
        Assert.Equal(PropagationStatus.Empty, outcome.Status);
        Assert.Equal("", outcome.List);
    }

    [Fact]
    public void No_line_at_all_is_empty() => Assert.Equal(PropagationStatus.Empty, Read().Status);

    [Theory]
    [InlineData("foo=1 \t , \t bar=2, \t baz=3")]
    [InlineData(" ,foo=1,,\tbar=2 ,baz=3, ")]
    public void Forwards_members_without_the_whitespace_and_empty_members_around_them(string line) =>
        Assert.Equal("foo=1,bar=2,baz=3", Kept(line));

    [Fact]
    public void Keeps_a_values_inner_and_leading_spaces() => Assert.Equal("foo= a b", Kept("foo= a b "));

    [Theory]
    [InlineData(new[] { "foo=1,foo=1" }, "foo=1")]
    [InlineData(new[] { "foo=1,foo=2" }, "foo=1")]
    [InlineData(new[] { "foo=1", "foo=1" }, "foo=1")]
    [InlineData(new[] { "foo=1", "foo=2" }, "foo=1")]
    [InlineData(new[] { "congo=second,rojo=first,congo=first" }, "congo=second,rojo=first")]
    [InlineData(new[] { "a=1,b=2", "b=3,c=4,a=5" }, "a=1,b=2,c=4")]
    public void Keeps_the_first_member_of_a_repeated_key(string[] lines, string kept)
    {
        var outcome = Read(lines);
        Assert.Equal(PropagationStatus.Ok, outcome.Status);
        Assert.Equal(kept, outcome.List);
        Assert.True(outcome.Duplicates > 0);
    }

    [Theory]
    [InlineData("foo=1,fo=2")]
    [InlineData("fo=1,foo=2")]
    [InlineData("foo=1,foo@bar=2")]
    [InlineData("foo@bar=1,foo=2")]
    [InlineData("a@b=1,a@bc=2")]
    public void Keys_that_only_look_alike_are_not_repeated(string line)
    {
        var outcome = Read(line);
        Assert.Equal(line, outcome.List);
        Assert.Equal(0, outcome.Duplicates);
    }

    [Fact]
    public void Counts_at_most_32_members_over_all_lines()
    {
        string[] lines =
        [
            "bar01=01,bar02=02,bar03=03,bar04=04,bar05=05,bar06=06,bar07=07,bar08=08,bar09=09,bar10=10",
            "bar11=11,bar12=12,bar13=13,bar14=14,bar15=15,bar16=16,bar17=17,bar18=18,bar19=19,bar20=20",
            "bar21=21,bar22=22,bar23=23,bar24=24,bar25=25,bar26=26,bar27=27,bar28=28,bar29=29,bar30=30",
            "bar31=31,bar32=32",
        ];
        Assert.Equal(32, Kept(lines).Split(',').Length);
        lines[3] += ",bar33=33";
        Assert.Equal(new Outcome(PropagationStatus.TooManyMembers, "", 0, 0), Read(lines));
    }

    [Theory]
    [InlineData(PropagationStatus.BadKey, "foo=1", "FOO=1")]
    [InlineData(PropagationStatus.BadKey, "foo=1", "", "@foo=1")]
    [InlineData(PropagationStatus.BadValue, "foo=,bar=3")]
    [InlineData(PropagationStatus.BadValue, "foo=bar=baz")]
    [InlineData(PropagationStatus.BadFormat, "foo=1", "bar")]
    public void A_bad_member_on_any_line_refuses_the_whole_list(PropagationStatus status, params string[] lines)
    {
        var outcome = Read(lines);
        Assert.Equal(status, outcome.Status);
        Assert.Equal("", outcome.List);
    }

    [Fact]
    public void The_key_length_limit_is_judged_over_lines()
    {
        var key = new string('z', 256);
        Assert.Equal($"foo=1,{key}=1", Kept("foo=1", key + "=1"));
        Assert.Equal(PropagationStatus.BadKey, Read("foo=1", "z" + key + "=1").Status);
        key = new string('t', 242) + "@v";
        Assert.Equal($"foo=1,{key}=1", Kept("foo=1", key + "=1"));
    }

    [Fact]
    public void A_list_of_512_bytes_is_kept_whole()
    {
        // Seven members of 64, six commas, a comma and a member of 57: 512 characters.
        var list = string.Join(",", Enumerable.Range(0, 7).Select(i => Member($"k{i}", 64))) + "," + Member("k7", 57);
        Assert.Equal(Tracestate.MaxLength, list.Length);
        var outcome = Read(list);
        Assert.Equal(list, outcome.List);
        Assert.Equal(0, outcome.Cut);
    }

    [Fact]
    public void Whitespace_does_not_count_against_the_512_bytes()
    {
        var members = Enumerable.Range(0, 7).Select(i => Member($"k{i}", 64)).Append(Member("k7", 57)).ToArray();
        Assert.Equal(string.Join(",", members), Kept(string.Join(" \t, ,", members)));
    }

    [Fact]
    public void Cuts_members_from_the_end_when_none_is_long()
    {
        var members = Enumerable.Range(0, 10).Select(i => Member($"k{i}", 60)).ToArray();
        var outcome = Read(string.Join(",", members));
        Assert.Equal(string.Join(",", members[..8]), outcome.List);
        Assert.Equal(2, outcome.Cut);
    }

    [Fact]
    public void Cuts_members_longer_than_128_characters_first()
    {
        string first = Member("a", 200), second = Member("b", 40), third = Member("c", 129), fourth = Member("d", 128), fifth = Member("e", 100);
        // 200 + 40 + 129 + 128 + 100 + 4 commas = 601: the last long one (c) goes, then 471 fits.
        var outcome = Read(string.Join(",", first, second, third, fourth, fifth));
        Assert.Equal(string.Join(",", first, second, fourth, fifth), outcome.List);
        Assert.Equal(1, outcome.Cut);
        // With another long one after it, both go, the later first: 601 + 301 = 902, then 601, then 471.
        string sixth = Member("f", 300);
        outcome = Read(string.Join(",", first, second, third), string.Join(",", fourth, fifth, sixth));
        Assert.Equal(string.Join(",", first, second, fourth, fifth), outcome.List);
        Assert.Equal(2, outcome.Cut);
    }

    [Fact]
    public void Then_cuts_from_the_end()
    {
        var shorts = Enumerable.Range(0, 6).Select(i => Member($"s{i}", 100)).ToArray();
        var outcome = Read(Member("long", 300) + "," + string.Join(",", shorts));
        // Without the long member: 6 x 100 + 5 commas = 605; the last short one goes too.
        Assert.Equal(string.Join(",", shorts[..5]), outcome.List);
        Assert.Equal(2, outcome.Cut);
    }

    [Fact]
    public void A_member_too_long_to_forward_leaves_an_empty_list()
    {
        var member = new string('k', 256) + "=" + new string('v', 256);
        var outcome = Read(member);
        Assert.Equal(new Outcome(PropagationStatus.Ok, "", 0, 1), outcome);
    }

    [Fact]
    public void Refuses_a_destination_shorter_than_the_list()
    {
        var reader = new TracestateReader(new byte[TracestateReader.ScratchLength]);
        reader.Add("foo=1,bar=2"u8);
        Assert.Equal(PropagationStatus.BufferTooSmall, reader.WriteTo(new byte[10], out int written));
        Assert.Equal(0, written);
        Assert.Equal(PropagationStatus.Ok, reader.WriteTo(new byte[11], out written));
        Assert.Equal(11, written);
    }

    [Fact]
    public void Refuses_scratch_space_that_is_too_small() =>
        Assert.Throws<ArgumentException>(() => new TracestateReader(new byte[TracestateReader.ScratchLength - 1]));

    [Fact]
    public void Holds_32_members_of_the_longest_kind()
    {
        var lines = Enumerable.Range(0, 32).Select(i => $"k{i:D2}" + new string('k', 253) + "=" + new string('v', 256)).ToArray();
        var outcome = Read(lines);
        Assert.Equal(PropagationStatus.Ok, outcome.Status);
        Assert.Equal(32, outcome.Cut);
    }

    [Fact]
    public void Reading_allocates_nothing()
    {
        Read(1_000);
        Assert.Equal(0L, Read(10_000));
    }

    private static long Read(int iterations)
    {
        Span<byte> scratch = stackalloc byte[TracestateReader.ScratchLength];
        Span<byte> destination = stackalloc byte[Tracestate.MaxLength];
        int total = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            var reader = new TracestateReader(scratch);
            reader.Add("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7 ,,t@v=x y"u8);
            reader.Add("m1=1,m2=2,congo=again"u8);
            reader.WriteTo(destination, out int written);
            total += written;
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,t@v=x y,m1=1,m2=2".Length * iterations, total);
        return after - before;
    }
}
