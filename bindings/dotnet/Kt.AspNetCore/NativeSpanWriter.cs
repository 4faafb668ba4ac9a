using System.Text;
using Kt.Interop;

namespace Kt.AspNetCore;

/// <summary>A span of libkt, through the P/Invoke binding.</summary>
internal readonly struct NativeSpanWriter(NativeSpan span) : ISpanWriter
{
    private const int StackName = 512;

    public bool IsRecording => span.GetIds(default, default, out bool sampled) == KtResult.Ok && sampled;

    public void Set(string key, ReadOnlySpan<char> value) => span.SetAttribute(key, value);

    public void Set(string key, long value) => span.SetAttribute(key, value);

    public void Rename(string method, ReadOnlySpan<char> target)
    {
        // kt_span_update_name takes UTF-8; a method is ASCII.
        int length = method.Length + 1 + Encoding.UTF8.GetByteCount(target);
        if (length > StackName)
        {
            span.UpdateName(Encoding.UTF8.GetBytes(string.Concat(method, " ", target)));
            return;
        }
        Span<byte> name = stackalloc byte[StackName];
        int written = Encoding.ASCII.GetBytes(method, name);
        name[written++] = (byte)' ';
        written += Encoding.UTF8.GetBytes(target, name[written..]);
        span.UpdateName(name[..written]);
    }

    public void SetError(ReadOnlySpan<char> description) => span.SetStatus(NativeStatusCode.Error, description);

    // kt.h's record_error: an exception event with exception.message (the binding takes no other event attributes).
    public void RecordException(Exception exception, string type) => span.RecordError(exception.Message);
}
