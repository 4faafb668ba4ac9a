namespace Kt.Native.Interop;

/// <summary>
/// What is wrong with a caller's string, found without naming the argument: only a failure
/// needs the name, so the checks of a call that succeeds never build one.
/// </summary>
internal enum TextProblem
{
    None,
    TooLong,
    NullWithLength,
    NotUtf8,
    EmptyKey,
}
