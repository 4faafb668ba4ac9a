using System.Text;

namespace Kt.Tests;

/// <summary>UTF-8 request headers for the tests: name/value byte arrays, matched as <see cref="StringHeaderList"/> matches strings.</summary>
internal readonly struct Utf8HeaderList(byte[][] names, byte[][] values) : IRequestHeaders<byte>
{
    public bool TryGetNextValue(string name, scoped ref int position, out ReadOnlySpan<byte> value)
    {
        for (int i = position; i < names.Length; i++)
        {
            if (HeaderNames.Matches<byte>(names[i], name))
            {
                value = values[i];
                position = i + 1;
                return true;
            }
        }
        position = names.Length;
        value = default;
        return false;
    }
}

/// <summary>Extraction through both entry points (UTF-16 and UTF-8), which must agree; injection into name/value pairs.</summary>
internal static class RequestHeaders
{
    public static (ExtractionResult Result, TraceContext Context) Extract(PropagationFormat format, params (string Name, string Value)[] headers) =>
        Extract([format], headers);

    public static (ExtractionResult Result, TraceContext Context) Extract(PropagationFormat[] formats, params (string Name, string Value)[] headers)
    {
        var pairs = headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToArray();
        var utf16 = new TraceContext();
        var fromChars = utf16.Extract(formats, new StringHeaderList(pairs));

        var utf8 = new TraceContext();
        var list = new Utf8HeaderList(headers.Select(h => Encoding.UTF8.GetBytes(h.Name)).ToArray(), headers.Select(h => Encoding.UTF8.GetBytes(h.Value)).ToArray());
        var fromBytes = utf8.ExtractUtf8(formats, list);

        Assert.Equal(fromChars, fromBytes);
        Assert.Equal(utf16.RemoteParent, utf8.RemoteParent);
        Assert.Equal(utf16.RemoteSampled, utf8.RemoteSampled);
        Assert.Equal(utf16.TraceState.ToArray(), utf8.TraceState.ToArray());
        return (fromBytes, utf8);
    }

    /// <summary>Extracts and expects the headers to be refused with <paramref name="status"/>, naming <paramref name="header"/>, leaving no parent.</summary>
    public static void Refused(PropagationFormat format, PropagationStatus status, string header, params (string Name, string Value)[] headers)
    {
        var (result, context) = Extract(format, headers);
        Assert.Equal(new ExtractionResult(format, status, header), result);
        Assert.Equal(default, context.RemoteParent);
        Assert.Null(context.RemoteSampled);
    }

    /// <summary>Extracts and expects a parent with these ids (hex) and decision.</summary>
    public static TraceContext Parent(PropagationFormat format, string traceId, string spanId, bool? sampled, params (string Name, string Value)[] headers)
    {
        var (result, context) = Extract(format, headers);
        Assert.Equal(new ExtractionResult(format, PropagationStatus.Ok, null), result);
        Assert.Equal(traceId, context.RemoteParent.TraceId.ToString());
        Assert.Equal(spanId, context.RemoteParent.SpanId.ToString());
        Assert.True(context.RemoteParent.IsRemote);
        Assert.True(context.RemoteParent.IsValid);
        Assert.Equal(sampled, context.RemoteSampled);
        Assert.Equal(sampled == true, context.RemoteParent.IsSampled);
        return context;
    }

    /// <summary>Extracts and expects a sampling decision without ids.</summary>
    public static void SamplingOnly(PropagationFormat format, bool? sampled, params (string Name, string Value)[] headers)
    {
        var (result, context) = Extract(format, headers);
        Assert.Equal(new ExtractionResult(format, PropagationStatus.Ok, null), result);
        Assert.False(context.RemoteParent.TraceId.IsValid);
        Assert.False(context.RemoteParent.IsValid);
        Assert.Equal(sampled, context.RemoteSampled);
    }

    /// <summary>The headers a span injects in a format, in the order written.</summary>
    public static (string Name, string Value)[] Inject(SpanHandle span, PropagationFormat format)
    {
        var buffer = new byte[1024];
        var headers = new InjectedHeader[4];
        var status = span.TryInject(format, buffer, headers, out int count);
        Assert.Equal(KtStatus.Ok, status);
        return headers[..count].Select(h => (Encoding.ASCII.GetString(h.Name(buffer)), Encoding.ASCII.GetString(h.Value(buffer)))).ToArray();
    }

    /// <summary>A live span whose ids and parent are those of a remote parent of the given ids and decision.</summary>
    public static SpanHandle ChildOf(TestEngine t, string traceparent)
    {
        var context = new TraceContext();
        Assert.Equal(PropagationStatus.Ok, context.Extract(traceparent));
        return t.Engine.CreateTracer("inject").StartSpan(context, "client", new SpanOptions { Kind = SpanKind.Client });
    }
}
