namespace Kt.Tests;

/// <summary>Format names as Kong's settings spell them.</summary>
public class PropagationFormatNameTests
{
    [Theory]
    [InlineData("w3c", PropagationFormat.W3C)]
    [InlineData("b3", PropagationFormat.B3)]
    [InlineData("b3-single", PropagationFormat.B3Single)]
    [InlineData("jaeger", PropagationFormat.Jaeger)]
    [InlineData("ot", PropagationFormat.OT)]
    [InlineData("datadog", PropagationFormat.Datadog)]
    [InlineData("aws", PropagationFormat.Aws)]
    [InlineData("gcp", PropagationFormat.Gcp)]
    [InlineData("W3C", PropagationFormat.W3C)]
    [InlineData("B3-Single", PropagationFormat.B3Single)]
    public void Names_the_formats(string name, PropagationFormat format)
    {
        Assert.True(PropagationFormatNames.TryParse<char>(name, out var parsed));
        Assert.Equal(format, parsed);
        Assert.True(PropagationFormatNames.TryParse<byte>(System.Text.Encoding.ASCII.GetBytes(name), out parsed));
        Assert.Equal(format, parsed);
        Assert.Equal(name.ToLowerInvariant(), PropagationFormatNames.NameOf(format));
    }

    [Theory]
    [InlineData("")]
    [InlineData("b3single")]
    [InlineData("b3 ")]
    [InlineData("preserve")]
    [InlineData("tracecontext")]
    [InlineData("w3c\0")]
    public void Refuses_other_names(string name)
    {
        Assert.False(PropagationFormatNames.TryParse<char>(name, out var format));
        Assert.Equal(PropagationFormat.None, format);
    }

    [Fact]
    public void None_and_unknown_values_have_no_name()
    {
        Assert.Null(PropagationFormatNames.NameOf(PropagationFormat.None));
        Assert.Null(PropagationFormatNames.NameOf((PropagationFormat)9));
    }
}
