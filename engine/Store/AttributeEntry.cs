namespace Kt.Store;

/// <summary>
/// One stored attribute. Scalars live in <see cref="Value"/>; strings and arrays live in the
/// arena at offset <see cref="Value"/>, with <see cref="Length"/> bytes (string) or elements (array).
/// A string array's elements are each a 4-byte length and that many bytes.
/// </summary>
internal struct AttributeEntry
{
    public StringRef Key;
    public AttributeType Type;
    public long Value;
    public int Length;
}
