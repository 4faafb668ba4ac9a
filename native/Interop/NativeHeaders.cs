namespace Kt.Native.Interop;

/// <summary>
/// A caller's array of kt_header as the engine's extractors read it. Only the headers a format
/// asks for are looked at, so the request's other headers may hold anything (a cookie in
/// Latin-1, say); pointers and lengths are checked for all of them first.
/// </summary>
internal readonly unsafe struct NativeHeaders(KtHeader* headers, int count) : IRequestHeaders<byte>
{
    public const nuint MaxCount = 1 << 16;

    /// <summary>A status naming the first header whose name or value is a NULL pointer with a length, or is too long.</summary>
    public static int Validate(KtHeader* headers, nuint count)
    {
        if (count > MaxCount)
            return LastError.Set(Status.InvalidArgument, $"header_count: {count} is more than {MaxCount}");
        if (headers == null)
            return count == 0 ? Status.Ok : LastError.Set(Status.InvalidArgument, $"headers: NULL pointer with header_count {count}");
        for (nuint i = 0; i < count; i++)
        {
            int status = Check(headers[i].Name, new ArgName("headers", (long)i).Field("name"));
            if (status == Status.Ok)
                status = Check(headers[i].Value, new ArgName("headers", (long)i).Field("value"));
            if (status != Status.Ok)
                return status;
        }
        return Status.Ok;
    }

    public bool TryGetNextValue(string name, scoped ref int position, out ReadOnlySpan<byte> value)
    {
        for (int i = Math.Max(position, 0); i < count; i++)
        {
            if (HeaderNames.Matches(new ReadOnlySpan<byte>(headers[i].Name.Ptr, (int)headers[i].Name.Len), name))
            {
                value = new ReadOnlySpan<byte>(headers[i].Value.Ptr, (int)headers[i].Value.Len);
                position = i + 1;
                return true;
            }
        }
        position = count;
        value = default;
        return false;
    }

    private static int Check(KtStr text, ArgName name)
    {
        if (text.Len > Arguments.MaxString)
            return LastError.Set(Status.InvalidArgument, $"{name}: length {text.Len} is more than KT_MAX_STRING ({Arguments.MaxString})");
        if (text.Ptr == null && text.Len > 0)
            return LastError.Set(Status.InvalidArgument, $"{name}: NULL pointer with length {text.Len}");
        return Status.Ok;
    }
}
