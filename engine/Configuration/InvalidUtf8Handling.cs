namespace Kt;

/// <summary>What a span's text that is not valid UTF-8 gets (<see cref="EngineOptions.InvalidUtf8"/>).</summary>
public enum InvalidUtf8Handling
{
    /// <summary>The call is refused with <see cref="KtStatus.InvalidArgument"/>, and the value counted.</summary>
    Refuse = 0,

    /// <summary>The text is recorded with U+FFFD in place of each invalid sequence, and the value counted.</summary>
    Replace = 1,
}
