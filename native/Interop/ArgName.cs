namespace Kt.Native.Interop;

/// <summary>
/// The name of an argument for a message, e.g. <c>attributes[2].key</c>; built as text only
/// when a call fails, so checking arguments allocates nothing.
/// </summary>
internal readonly struct ArgName(string name, long index = -1, string? field = null)
{
    public ArgName Field(string child) => new(name, index, field is null ? child : field + "." + child);

    public ArgName At(long at) => new(name, at, field);

    public override string ToString() =>
        (index >= 0 ? $"{name}[{index}]" : name) + (field is null ? "" : "." + field);

    /// <summary>Writes the name as <see cref="ToString"/> spells it, without making a string.</summary>
    public void WriteTo(ref ErrorMessage message)
    {
        message.AppendFormatted(name);
        if (index >= 0)
        {
            message.AppendLiteral("[");
            message.AppendFormatted(index);
            message.AppendLiteral("]");
        }
        if (field is not null)
        {
            message.AppendLiteral(".");
            message.AppendFormatted(field);
        }
    }

    public static implicit operator ArgName(string name) => new(name);
}
