namespace Kt.AspNetCore;

/// <summary>Names a span "{method} {target}" as the HTTP semantic conventions do, on the stack.</summary>
internal static class SpanNames
{
    private const int StackLimit = 512;

    public static void Rename(SpanHandle span, string method, ReadOnlySpan<char> target)
    {
        int length = method.Length + 1 + target.Length;
        if (length > StackLimit)
        {
            span.UpdateName(string.Concat(method, " ", target));
            return;
        }
        Span<char> name = stackalloc char[StackLimit];
        method.CopyTo(name);
        name[method.Length] = ' ';
        target.CopyTo(name[(method.Length + 1)..]);
        span.UpdateName(name[..length]);
    }
}
