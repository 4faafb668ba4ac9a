using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Kt.Interop;

/// <summary>
/// Request headers given as strings, transcoded for one call into a kt_header array and one
/// UTF-8 text buffer: on the caller's stack when they fit, else in <see cref="ArrayPool{T}"/>
/// rentals that <see cref="Dispose"/> returns, so no call allocates.
/// <para>
/// As in <see cref="Utf8Arg"/>, what UTF-8 cannot carry reaches the library in a form it refuses
/// by name: a lone surrogate becomes the byte 0xFF (which matters only in a header a format
/// reads), and a string longer than <c>KT_MAX_STRING</c> a NULL pointer with that length plus one.
/// </para>
/// </summary>
internal unsafe ref struct Utf8HeaderArray
{
    /// <summary>Headers whose kt_header entries go on the stack.</summary>
    public const int StackHeaders = 32;

    /// <summary>Bytes of text that go on the stack.</summary>
    public const int StackBytes = 4096;

    private readonly byte[]? _rentedText;
    private readonly KtHeader[]? _rentedHeaders;
    private readonly Span<byte> _text;
    private readonly Span<KtHeader> _headers;
    private MemoryHandle _textPin;
    private MemoryHandle _headersPin;

    public Utf8HeaderArray(ReadOnlySpan<KeyValuePair<string, string>> headers, Span<KtHeader> stackHeaders, Span<byte> stackText)
    {
        long total = 0;
        foreach (var header in headers)
            total += 3L * ((header.Key?.Length ?? 0) + (header.Value?.Length ?? 0));
        _rentedText = total > stackText.Length ? ArrayPool<byte>.Shared.Rent((int)Math.Min(total, Array.MaxLength)) : null;
        _rentedHeaders = headers.Length > stackHeaders.Length ? ArrayPool<KtHeader>.Shared.Rent(headers.Length) : null;
        _text = _rentedText is null ? stackText : _rentedText.AsSpan();
        _headers = _rentedHeaders is null ? stackHeaders[..headers.Length] : _rentedHeaders.AsSpan(0, headers.Length);
        // Stack memory needs no pin; pinning an array of the pool is as cheap as a fixed block.
        _textPin = _rentedText is null ? default : _rentedText.AsMemory().Pin();
        _headersPin = _rentedHeaders is null ? default : _rentedHeaders.AsMemory().Pin();

        int used = 0;
        for (int i = 0; i < headers.Length; i++)
        {
            _headers[i].Name = Write(headers[i].Key, ref used);
            _headers[i].Value = Write(headers[i].Value, ref used);
        }
    }

    /// <summary>The kt_header entries, pinned until <see cref="Dispose"/>.</summary>
    public readonly KtHeader* Pointer => (KtHeader*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_headers));

    public readonly nuint Count => (nuint)_headers.Length;

    public void Dispose()
    {
        _textPin.Dispose();
        _headersPin.Dispose();
        if (_rentedText is not null)
            ArrayPool<byte>.Shared.Return(_rentedText);
        if (_rentedHeaders is not null)
            ArrayPool<KtHeader>.Shared.Return(_rentedHeaders);
    }

    private readonly KtStr Write(string? text, ref int used)
    {
        if (string.IsNullOrEmpty(text))
            return new KtStr(null, 0);
        if (text.Length > Utf8Arg.MaxString || 3L * text.Length > _text.Length - used)
            return new KtStr(null, Utf8Arg.MaxString + 1);
        var destination = _text[used..];
        if (Utf8.FromUtf16(text, destination, out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            destination[0] = 0xFF;
            written = 1;
        }
        var str = new KtStr((byte*)Unsafe.AsPointer(ref destination[0]), (nuint)written);
        used += written;
        return str;
    }
}
