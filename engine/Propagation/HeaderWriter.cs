namespace Kt;

/// <summary>
/// Writes injected headers into a caller's buffer and header array. Once either is full every
/// later write is skipped and <see cref="IsFull"/> says so, so injectors write straight through
/// without checking each step.
/// </summary>
internal ref struct HeaderWriter(Span<byte> buffer, Span<InjectedHeader> headers)
{
    private readonly Span<byte> _buffer = buffer;
    private readonly Span<InjectedHeader> _headers = headers;
    private int _position;
    private int _count;
    private int _nameStart;
    private int _valueStart;

    /// <summary>A write did not fit: the buffer or the header array is too small.</summary>
    public bool IsFull { get; private set; }

    /// <summary>Headers written and ended.</summary>
    public readonly int Count => _count;

    /// <summary>Starts a header: writes its lower-case name; its value follows.</summary>
    public void Begin(string name)
    {
        if (_count == _headers.Length)
            IsFull = true;
        _nameStart = _position;
        var destination = Take(name.Length);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (byte)name[i];
        _valueStart = _position;
    }

    /// <summary>Ends the header begun last.</summary>
    public void End()
    {
        if (!IsFull)
            _headers[_count++] = new InjectedHeader(_nameStart, _valueStart - _nameStart, _valueStart, _position - _valueStart);
    }

    public void Append(scoped ReadOnlySpan<byte> text)
    {
        var destination = Take(text.Length);
        if (!IsFull)
            text.CopyTo(destination);
    }

    public void Append(char ascii)
    {
        var destination = Take(1);
        if (!destination.IsEmpty)
            destination[0] = (byte)ascii;
    }

    /// <summary>Writes the low <paramref name="digits"/> hex digits of <paramref name="value"/>.</summary>
    public void AppendHex(ulong value, int digits = 16)
    {
        var destination = Take(digits);
        if (!destination.IsEmpty)
            IdCodec.WriteHex(value, digits, destination);
    }

    /// <summary>Writes a trace id as 32 hex digits.</summary>
    public void AppendTraceId(TraceId id)
    {
        AppendHex(id.High);
        AppendHex(id.Low);
    }

    /// <summary>
    /// Writes a trace id in 16 hex digits when its high half is zero, else 32: formats that allow
    /// both (B3, Jaeger, OpenTracing) then hand a 64-bit caller its own id back.
    /// </summary>
    public void AppendShortestTraceId(TraceId id)
    {
        if (id.High != 0)
            AppendHex(id.High);
        AppendHex(id.Low);
    }

    public void AppendDecimal(ulong value)
    {
        var destination = Take(IdCodec.DecimalLength(value));
        if (!destination.IsEmpty)
            IdCodec.WriteDecimal(value, destination);
    }

    public void AppendSampled(bool sampled) => Append(sampled ? '1' : '0');

    // Empty once full; a request for nothing is never a reason to be full.
    private Span<byte> Take(int length)
    {
        if (IsFull || length > _buffer.Length - _position)
        {
            IsFull = true;
            return default;
        }
        var destination = _buffer.Slice(_position, length);
        _position += length;
        return destination;
    }
}
