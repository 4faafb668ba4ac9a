namespace Kt.AspNetCore;

/// <summary>
/// A span as the semantic conventions' code writes it, whichever engine holds it: the managed
/// engine (<see cref="ManagedSpanWriter"/>) or libkt through the P/Invoke binding
/// (<see cref="NativeSpanWriter"/>). Both are structs, and the code that writes takes them as a
/// type parameter, so every call is direct.
/// </summary>
internal interface ISpanWriter
{
    /// <summary>True while what is written will be exported (the span is alive and sampled).</summary>
    bool IsRecording { get; }

    void Set(string key, ReadOnlySpan<char> value);

    void Set(string key, long value);

    /// <summary>Names the span "{method} {target}".</summary>
    void Rename(string method, ReadOnlySpan<char> target);

    /// <summary>Sets the Error status, with a description or none.</summary>
    void SetError(ReadOnlySpan<char> description);

    /// <summary>Records the exception as an <c>exception</c> event.</summary>
    void RecordException(Exception exception, string type);
}
