namespace Kt.Store;

/// <summary>A caller's string, either UTF-8 or UTF-16, not yet copied.</summary>
internal readonly ref struct TextInput
{
    public readonly ReadOnlySpan<byte> Utf8;
    public readonly ReadOnlySpan<char> Utf16;
    public readonly bool IsUtf16;

    public TextInput(ReadOnlySpan<byte> utf8)
    {
        Utf8 = utf8;
        IsUtf16 = false;
    }

    public TextInput(ReadOnlySpan<char> utf16)
    {
        Utf16 = utf16;
        IsUtf16 = true;
    }
}
