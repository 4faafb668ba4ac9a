using System.Text;

namespace Kt.Tests;

public class TracestateTests
{
    private const string KeyChars = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";

    // Every ASCII vector goes through both overloads, which must agree.
    private static PropagationStatus Validate(string header)
    {
        var fromBytes = Tracestate.Validate(Encoding.ASCII.GetBytes(header));
        var fromChars = Tracestate.Validate(header.AsSpan());
        Assert.Equal(fromBytes, fromChars);
        return fromBytes;
    }

    private static int TruncatedLength(string header)
    {
        int fromBytes = Tracestate.TruncatedLength(Encoding.ASCII.GetBytes(header));
        int fromChars = Tracestate.TruncatedLength(header.AsSpan());
        Assert.Equal(fromBytes, fromChars);
        return fromBytes;
    }

    private static string Members(int count, string separator = ",") =>
        string.Join(separator, Enumerable.Range(1, count).Select(i => $"m{i}={i}"));

    private static string Member(int index, int length)
    {
        string key = $"k{index:D2}=";
        return key + new string('v', length - key.Length);
    }

    // Seven members of 64, six commas, a comma and a member of 57: 512 characters.
    private static string Exactly512() =>
        string.Join(",", Enumerable.Range(0, 7).Select(i => Member(i, 64))) + "," + Member(7, 57);

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
        Assert.Equal(PropagationStatus.Ok, Validate("0123456789" + KeyChars + "@z9_-*/=" + value));
    }

    [Theory]
    [InlineData("a=1")]
    [InlineData("z/*-_9=1")]
    [InlineData("0@a=1")]
    [InlineData("9tenant@system=1")]
    [InlineData("t_-*/@s_-*/9=1")]
    [InlineData("tenant@s=1")]
    public void AcceptsKeyGrammarEdges(string header) =>
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
    [InlineData("1foo=1")]
    [InlineData("_foo=1")]
    [InlineData("/foo=1")]
    [InlineData("foo@=1,bar=2")]
    [InlineData("@foo=1,bar=2")]
    [InlineData("foo@@bar=1,bar=2")]
    [InlineData("foo@bar@baz=1,bar=2")]
    [InlineData("_t@s=1")]
    [InlineData("t@1s=1")]
    [InlineData("t@_s=1")]
    [InlineData("t@S=1")]
    [InlineData("bar=2,foo.bar=1")]
    public void RefusesBadKeys(string header) =>
        Assert.Equal(PropagationStatus.BadKey, Validate(header));

    [Fact]
    public void LimitsSimpleKeysTo256Characters()
    {
        Assert.Equal(PropagationStatus.Ok, Validate("foo=1," + new string('z', 256) + "=1"));
        Assert.Equal(PropagationStatus.BadKey, Validate("foo=1," + new string('z', 257) + "=1"));
    }

    [Fact]
    public void LimitsTenantIdsTo241Characters()
    {
        Assert.Equal(PropagationStatus.Ok, Validate("foo=1," + new string('t', 241) + "@" + new string('s', 14) + "=1"));
        Assert.Equal(PropagationStatus.BadKey, Validate("foo=1," + new string('t', 242) + "@s=1"));
    }

    [Fact]
    public void LimitsSystemIdsTo14Characters()
    {
        Assert.Equal(PropagationStatus.Ok, Validate("t@" + new string('s', 14) + "=1"));
        Assert.Equal(PropagationStatus.BadKey, Validate("foo=1,t@" + new string('s', 15) + "=1"));
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

    [Theory]
    [InlineData("foo=1,foo=1")]
    [InlineData("foo=1,foo=2")]
    [InlineData("foo=1 , bar=2 ,\tfoo=3")]
    [InlineData("t@v=1,x=2,t@v=3")]
    [InlineData("a=1,,b=2,,a=3")]
    public void RefusesDuplicateKeys(string header) =>
        Assert.Equal(PropagationStatus.DuplicateKey, Validate(header));

    [Theory]
    [InlineData("foo=1,fo=2")]
    [InlineData("fo=1,foo=2")]
    [InlineData("foo=1,foo@bar=2")]
    [InlineData("foo@bar=1,foo=2")]
    [InlineData("a@b=1,a@bc=2")]
    [InlineData("foo=1,bar=1")]
    public void AcceptsKeysThatOnlyLookAlike(string header) =>
        Assert.Equal(PropagationStatus.Ok, Validate(header));

    [Fact]
    public void FindsADuplicateAmongTheLastMembers() =>
        Assert.Equal(PropagationStatus.DuplicateKey, Validate(Members(31) + ",m1=x"));

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
        var header = string.Join(",", Enumerable.Range(0, 10).Select(i => Member(i, 60)));
        Assert.True(header.Length > Tracestate.MaxLength);
        Assert.Equal(PropagationStatus.Ok, Validate(header));
    }

    [Theory]
    [InlineData("")]
    [InlineData("foo=1")]
    [InlineData("foo=1 , ")]
    public void LeavesAShortHeaderWhole(string header) =>
        Assert.Equal(header.Length, TruncatedLength(header));

    [Fact]
    public void LeavesAHeaderOfExactly512Whole()
    {
        var header = Exactly512();
        Assert.Equal(Tracestate.MaxLength, header.Length);
        Assert.Equal(Tracestate.MaxLength, TruncatedLength(header));
    }

    [Fact]
    public void TruncatesAtTheLastWholeMember()
    {
        var header = string.Join(",", Enumerable.Range(0, 10).Select(i => Member(i, 60)));
        Assert.Equal(609, header.Length);

        int length = TruncatedLength(header);

        Assert.Equal(8 * 60 + 7, length);
        Assert.Equal(string.Join(",", Enumerable.Range(0, 8).Select(i => Member(i, 60))), header[..length]);
        Assert.Equal(PropagationStatus.Ok, Validate(header[..length]));
    }

    [Fact]
    public void KeepsAMemberThatEndsExactlyAt512()
    {
        var kept = Exactly512();
        Assert.Equal(Tracestate.MaxLength, TruncatedLength(kept + "," + Member(8, 20)));
    }

    [Fact]
    public void DropsAMemberThatEndsOneByteLate()
    {
        var first = string.Join(",", Enumerable.Range(0, 7).Select(i => Member(i, 64)));
        var header = first + "," + Member(7, 58) + "," + Member(8, 20);
        Assert.Equal(first.Length, TruncatedLength(header));
    }

    [Fact]
    public void RemovesWhitespaceAndEmptyMembersAtTheCut()
    {
        var header = string.Join(" \t, , ", Enumerable.Range(0, 10).Select(i => Member(i, 60)));
        int length = TruncatedLength(header);
        // Each separator is 6 characters; the 8th member would end at 8 * 60 + 7 * 6 = 522.
        Assert.Equal(7 * 60 + 6 * 6, length);
        Assert.EndsWith(Member(6, 60), header[..length]);
        Assert.Equal(PropagationStatus.Ok, Validate(header[..length]));
    }

    [Fact]
    public void DropsOnlyTrailingSeparatorsWhenTheMembersFit()
    {
        var header = Member(0, 500) + " \t,, ,\t" + new string(' ', 20);
        Assert.True(header.Length > Tracestate.MaxLength);
        Assert.Equal(500, TruncatedLength(header));
    }

    [Fact]
    public void KeepsNothingWhenTheFirstMemberIsTooLong()
    {
        Assert.Equal(0, TruncatedLength(Member(0, 513) + ",a=1"));
        Assert.Equal(0, TruncatedLength(Member(0, 600)));
        Assert.Equal(0, TruncatedLength(" , " + Member(0, 600)));
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
        int length = 0;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            failures += (int)Tracestate.Validate(header);
            failures += (int)Tracestate.Validate(charHeader);
            length += Tracestate.TruncatedLength(header);
        }
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, failures);
        Assert.Equal(header.Length * iterations, length);
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
