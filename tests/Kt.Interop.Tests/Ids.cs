namespace Kt.Interop.Tests;

/// <summary>Reading a span's ids in the forms the tests compare.</summary>
internal static class Ids
{
    public static (string TraceId, string SpanId, bool Sampled) Of(NativeSpan span)
    {
        var trace = new byte[16];
        var id = new byte[8];
        var result = span.GetIds(trace, id, out bool sampled);
        Assert.True(result == KtResult.Ok, $"GetIds: {result}: {KtNative.LastError}");
        return (Convert.ToHexStringLower(trace), Convert.ToHexStringLower(id), sampled);
    }

    public static string Traceparent(NativeSpan span)
    {
        var buffer = new byte[64];
        var result = span.TryInject(buffer, out int written);
        Assert.True(result == KtResult.Ok, $"TryInject: {result}: {KtNative.LastError}");
        return System.Text.Encoding.ASCII.GetString(buffer, 0, written);
    }

    public static void Ok(KtResult result, string what = "call")
    {
        if (result != KtResult.Ok)
            Assert.Fail($"{what}: {result}: {KtNative.LastError}");
    }
}
