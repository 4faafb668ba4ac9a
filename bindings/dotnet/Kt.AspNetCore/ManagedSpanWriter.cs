namespace Kt.AspNetCore;

/// <summary>A span of the managed engine, as a token: a <see cref="SpanHandle"/> lives on the stack only.</summary>
internal readonly struct ManagedSpanWriter(TraceEngine engine, long token) : ISpanWriter
{
    private const int StackName = 512;

    private SpanHandle Span => SpanHandle.FromToken(engine, token);

    public bool IsRecording => Span.IsRecording;

    public void Set(string key, ReadOnlySpan<char> value) => Span.SetAttribute(key, value);

    public void Set(string key, long value) => Span.SetAttribute(key, value);

    public void Rename(string method, ReadOnlySpan<char> target)
    {
        int length = method.Length + 1 + target.Length;
        if (length > StackName)
        {
            Span.UpdateName(string.Concat(method, " ", target));
            return;
        }
        Span<char> name = stackalloc char[StackName];
        method.CopyTo(name);
        name[method.Length] = ' ';
        target.CopyTo(name[(method.Length + 1)..]);
        Span.UpdateName(name[..length]);
    }

    public void SetError(ReadOnlySpan<char> description) => Span.SetStatus(StatusCode.Error, description);

    public void RecordException(Exception exception, string type) =>
        Span.AddEvent(HttpAttributes.ExceptionEvent,
        [
            new(HttpAttributes.ExceptionType, type),
            new(HttpAttributes.ExceptionMessage, exception.Message),
            new(HttpAttributes.ExceptionStacktrace, exception.ToString()),
        ]);
}
