namespace Kt.Store;

/// <summary>
/// One stored attribute. Scalars live in <see cref="Value"/>; strings and arrays live in the
/// arena at offset <see cref="Value"/>, with <see cref="Length"/> bytes (string) or elements (array).
/// A string array's elements are each a 4-byte length and that many bytes.
/// </summary>
/// <remarks>The type is last so that the entry packs into 24 bytes rather than 32: a span's attributes are most of what it touches.</remarks>
internal struct AttributeEntry
{
    public StringRef Key;
    public long Value;
    public int Length;
    public AttributeType Type;
}
