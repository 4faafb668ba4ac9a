namespace Kt.Store;

/// <summary>Where a UTF-8 string lives in the arena: an absolute offset and a byte length.</summary>
internal struct StringRef
{
    public int Offset;
    public int Length;

    public StringRef(int offset, int length)
    {
        Offset = offset;
        Length = length;
    }
}
