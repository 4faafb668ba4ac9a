using System.Text;

namespace Kt.Tests;

/// <summary>tracestate's grammar and limits as Trace Context Level 2 gives them, with its test suite's examples.</summary>
public class TracestateTests
{
    private const string KeyChars = "abcdefghijklmnopqrstuvwxyz0123456789_-*/@";

    // Every ASCII vector goes through both overloads, which must agree.
    private static PropagationStatus Validate(string header)
    {
        var fromBytes = Tracestate.Validate(Encoding.ASCII.GetBytes(header));
        var fromChars = Tracestate.Validate(header.AsSpan());
        Assert.Equal(fromBytes, fromChars);
        return fromBytes;
    }

    private static string Members(int count, string separator = ",") =>
        string.Join(separator, Enumerable.Range(1, count).Select(i => $"m{i}={i}"));

    [Theory]
    [InlineData("foo=1")]
    [InlineData("foo=1,bar=2")]
    [InlineData("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")]
    [InlineData("foo=1 \t , \t bar=2, \t baz=3")]
    [InlineData("foo=1\t \t,\t \tbar=2,\t \tbaz=3")]
    [InlineData(" foo=1")]
    [InlineData("\tfoo=1")]
    [InlineData("foo=1 ")]
    [InlineData("foo=1\t")]
    [InlineData("\t foo=1 \t")]
    public void AcceptsValidHeadersWithWhitespace(string header) =>
        Assert.Equal(PropagationStatus.Ok, Validate(header));

    [Theory]
    [InlineData("a=1,,b=2")]
    [InlineData(",a=1")]
    [InlineData("a=1,")]
    [InlineData(" , a=1 , \t, ,b=2,, ")]
    public void SkipsEmptyMembers(string header) =>
        Assert.Equal(PropagationStatus.Ok, Validate(header));

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData(",")]
    [InlineData(" ,\t, ,")]
    public void ReportsAHeaderWithoutMembersAsEmpty(string header) =>
        Assert.Equal(PropagationStatus.Empty, Validate(header));

    [Fact]
    public void AcceptsEveryAllowedCharacter()
    {
        var value = new string(Enumerable.Range(0x20, 0x7F - 0x20)
            .Select(c => (char)c)
            .Where(c => c is not (',' or '='))
            .ToArray());
        Assert.Equal(PropagationStatus.Ok, Validate(KeyChars + "=" + value));
        Assert.Equal(PropagationStatus.Ok, Validate("0123456789" + KeyChars + "@a-z0-9_-*/=" + value));
    }

    // Level 2's key: a lower-case letter or a digit, then up to 255 of a-z 0-9 _ - * / @.
    [Theory]
    [InlineData("a=1")]
    [InlineData("z/*-_9=1")]
    [InlineData("0@a=1")]
    [InlineData("1foo=1")]
    [InlineData("9tenant@system=1")]
    [InlineData("t_-*/@s_-*/9=1")]
    [InlineData("tenant@s=1")]
    [InlineData("foo@=1,bar=2")]
    [InlineData("foo@@bar=1,bar=2")]
    [InlineData("foo@bar@baz=1,bar=2")]
    [InlineData("t@1s=1")]
    [InlineData("t@_s=1")]
    [InlineData("special@vendor@tenant=1")]
    public void AcceptsKeysOfTheLevel2Grammar(string header) =>
        Assert.Equal(PropagationStatus.Ok, Validate(header));

    [Theory]
    [InlineData("=1")]
    [InlineData("FOO=1")]
    [InlineData("Foo=1")]
    [InlineData("fOo=1")]
    [InlineData("foo.bar=1")]
    [InlineData("foo =1")]
    [InlineData("fo o=1")]
    [InlineData("foo\t=1")]
    [InlineData("_foo=1")]
    [InlineData("/foo=1")]
    [InlineData("@foo=1,bar=2")]
    [InlineData("_t@s=1")]
    [InlineData("t@S=1")]
    [InlineData("bar=2,foo.bar=1")]
    public void RefusesBadKeys(string header) =>
        Assert.Equal(PropagationStatus.BadKey, Validate(header));

    [Fact]
    public void LimitsKeysTo256CharactersWhereverTheirAtSigns()
    {
        Assert.Equal(PropagationStatus.Ok, Validate("foo=1," + new string('z', 256) + "=1"));
        Assert.Equal(PropagationStatus.BadKey, Validate("foo=1," + new string('z', 257) + "=1"));
        Assert.Equal(PropagationStatus.Ok, Validate("foo=1," + new string('t', 241) + "@" + new string('v', 14) + "=1"));
        Assert.Equal(PropagationStatus.Ok, Validate("foo=1," + new string('t', 242) + "@v=1"));
        Assert.Equal(PropagationStatus.Ok, Validate("foo=1,t@" + new string('v', 15) + "=1"));
        Assert.Equal(PropagationStatus.Ok, Validate("foo=1,t@" + new string('v', 254) + "=1"));
        Assert.Equal(PropagationStatus.BadKey, Validate("foo=1,t@" + new string('v', 255) + "=1"));
    }

    [Theory]
    [InlineData("foo= 1")]
    [InlineData("foo=  1")]
    [InlineData("foo=a b")]
    [InlineData("foo=!")]
    [InlineData("foo=~")]
    [InlineData("foo=<>")]
    [InlineData("foo=a@b/c+d")]
    public void AcceptsValueEdges(string header) =>
        Assert.Equal(PropagationStatus.Ok, Validate(header));

    [Theory]
    [InlineData("foo=bar=baz")]
    [InlineData("foo==")]
    [InlineData("foo=")]
    [InlineData("foo= ")]
    [InlineData("foo=\t")]
    [InlineData("foo=,bar=3")]
    [InlineData("bar=3,foo=")]
    [InlineData("foo=a\tb")]
    [InlineData("foo=\u007f")]
    [InlineData("foo=a\nb")]
    [InlineData("foo=\u0001")]
    public void RefusesBadValues(string header) =>
        Assert.Equal(PropagationStatus.BadValue, Validate(header));

    [Fact]
    public void LimitsValuesTo256Characters()
    {
        Assert.Equal(PropagationStatus.Ok, Validate("foo=" + new string('v', 256)));
        Assert.Equal(PropagationStatus.BadValue, Validate("foo=" + new string('v', 257)));
        Assert.Equal(PropagationStatus.Ok, Validate("foo=" + new string('v', 256) + " \t "));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("foo=1,bar")]
    [InlineData("foo=1, bar ,baz=2")]
    public void RefusesMembersWithoutEquals(string header) =>
        Assert.Equal(PropagationStatus.BadFormat, Validate(header));

    // Level 2: a receiver may discard duplicates; the list is not invalid for them.
    [Theory]
    [InlineData("foo=1,foo=1")]
    [InlineData("foo=1,foo=2")]
    [InlineData("foo=1 , bar=2 ,\tfoo=3")]
    [InlineData("t@v=1,x=2,t@v=3")]
    public void AcceptsRepeatedKeys(string header) =>
        Assert.Equal(PropagationStatus.Ok, Validate(header));

    [Fact]
    public void AllowsAtMost32Members()
    {
        Assert.Equal(PropagationStatus.Ok, Validate(Members(32)));
        Assert.Equal(PropagationStatus.Ok, Validate(Members(32, " ,, \t,")));
        Assert.Equal(PropagationStatus.TooManyMembers, Validate(Members(33)));
        Assert.Equal(PropagationStatus.TooManyMembers, Validate(Members(33, " , ")));
    }

    [Theory]
    [InlineData("f\u00f6o=1", PropagationStatus.BadKey)]
    [InlineData("f\u0161=1", PropagationStatus.BadKey)]       // U+0161: its low byte is 'a'
    [InlineData("foo=\u0131", PropagationStatus.BadValue)]    // U+0131: its low byte is '1'
    [InlineData("foo=\u00e9t\u00e9", PropagationStatus.BadValue)]
    [InlineData("foo=1,\u00a0bar=2", PropagationStatus.BadKey)]
    [InlineData("foo=1\u00a0", PropagationStatus.BadValue)]
    public void RefusesNonAscii(string header, PropagationStatus expected)
    {
        Assert.Equal(expected, Tracestate.Validate(header.AsSpan()));
        Assert.Equal(expected, Tracestate.Validate(Encoding.UTF8.GetBytes(header)));
    }

    [Fact]
    public void DoesNotRefuseALongHeader()
    {
        var header = string.Join(",", Enumerable.Range(0, 10).Select(i => $"k{i:D2}=" + new string('v', 56)));
        Assert.True(header.Length > Tracestate.MaxLength);
        Assert.Equal(PropagationStatus.Ok, Validate(header));
    }

    [Fact]
    public void ValidateAllocatesNothing()
    {
        Validate(1_000);
        long allocated = Validate(10_000);
        Assert.Equal(0L, allocated);
    }

    // Proves the measurement can see an allocation, so the zero above means something.
    [Fact]
    public void TheAllocationCheckSeesAllocations()
    {
        Decode(1_000);
        long allocated = Decode(10_000);
        Assert.True(allocated > 0);
    }

    private static long Validate(int iterations)
    {
        ReadOnlySpan<byte> header = "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7 ,,t@v=x y,m1=1,m2=2,m3=3"u8;
        ReadOnlySpan<char> charHeader = "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7 ,,t@v=x y,m1=1,m2=2,m3=3";
        int failures = 0;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            failures += (int)Tracestate.Validate(header);
            failures += (int)Tracestate.Validate(charHeader);
        }
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, failures);
        return after - before;
    }

    private static long Decode(int iterations)
    {
        ReadOnlySpan<byte> header = "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7 ,,t@v=x y,m1=1,m2=2,m3=3"u8;
        int failures = 0;
        int length = 0;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            failures += (int)Tracestate.Validate(header);
            length += Encoding.ASCII.GetString(header).Length;
        }
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, failures);
        Assert.Equal(header.Length * iterations, length);
        return after - before;
    }
}
