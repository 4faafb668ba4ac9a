using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Kt.Interop;

/// <summary>
/// A span of libkt (<c>kt_span</c>): a 64-bit handle checked on every call, so a handle kept
/// past <see cref="Finish"/> or <see cref="Release"/> gets <see cref="KtResult.Stale"/> and never
/// touches the span that reuses its slot. <c>default</c> is the no-op span, on which every call
/// succeeds and does nothing. A span belongs to one thread at a time.
/// <para>
/// Strings are taken as UTF-8 (<see cref="ReadOnlySpan{T}"/> of <see cref="byte"/>, checked by
/// the library) or as UTF-16 (<see cref="ReadOnlySpan{T}"/> of <see cref="char"/>, transcoded on
/// the stack, or into a pooled buffer above 512 bytes). Neither allocates.
/// </para>
/// </summary>
public readonly struct NativeSpan : IEquatable<NativeSpan>
{
    /// <summary>Wraps a handle received from native code; it is checked when used.</summary>
    /// <param name="handle">A <c>kt_span</c>.</param>
    public NativeSpan(ulong handle) => Handle = handle;

    /// <summary>The <c>kt_span</c> handle, to hand to native code in the same process; 0 for the no-op span.</summary>
    public ulong Handle { get; }

    /// <summary>True for the no-op span (tracing off, no free slot, or a failed start).</summary>
    public bool IsNoop => Handle == 0;

    /// <summary>The no-op span.</summary>
    public static NativeSpan Noop => default;

    // ---- attributes -------------------------------------------------------------------

    /// <summary>
    /// Sets a string attribute from UTF-8 (<c>kt_span_set_string</c>); a key set twice keeps the last
    /// value. An empty key is <see cref="KtResult.InvalidArgument"/>, for every attribute call.
    /// </summary>
    /// <param name="key">The key, UTF-8.</param>
    /// <param name="value">The value, UTF-8.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.Limit"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.InvalidArgument"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            return (KtResult)NativeMethods.kt_span_set_string(Handle, k, (nuint)key.Length, v, (nuint)value.Length);
    }

    /// <summary>Sets a string attribute (<c>kt_span_set_string</c>); a key set twice keeps the last value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>As the UTF-8 overload; a lone surrogate is <see cref="KtResult.InvalidArgument"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        using var v = new Utf8Arg(value, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* kp = k)
        fixed (byte* vp = v)
            return (KtResult)NativeMethods.kt_span_set_string(Handle, kp, k.Length, vp, v.Length);
    }

    /// <summary>Sets an integer attribute with a UTF-8 key (<c>kt_span_set_int</c>).</summary>
    /// <param name="key">The key, UTF-8.</param>
    /// <param name="value">The value.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<byte> key, long value)
    {
        fixed (byte* k = key)
            return (KtResult)NativeMethods.kt_span_set_int(Handle, k, (nuint)key.Length, value);
    }

    /// <summary>Sets an integer attribute (<c>kt_span_set_int</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, long value)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* kp = k)
            return (KtResult)NativeMethods.kt_span_set_int(Handle, kp, k.Length, value);
    }

    /// <summary>Sets a float attribute with a UTF-8 key (<c>kt_span_set_double</c>).</summary>
    /// <param name="key">The key, UTF-8.</param>
    /// <param name="value">The value.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<byte> key, double value)
    {
        fixed (byte* k = key)
            return (KtResult)NativeMethods.kt_span_set_double(Handle, k, (nuint)key.Length, value);
    }

    /// <summary>Sets a float attribute (<c>kt_span_set_double</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, double value)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* kp = k)
            return (KtResult)NativeMethods.kt_span_set_double(Handle, kp, k.Length, value);
    }

    /// <summary>Sets a boolean attribute with a UTF-8 key (<c>kt_span_set_bool</c>).</summary>
    /// <param name="key">The key, UTF-8.</param>
    /// <param name="value">The value.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<byte> key, bool value)
    {
        fixed (byte* k = key)
            return (KtResult)NativeMethods.kt_span_set_bool(Handle, k, (nuint)key.Length, value ? 1 : 0);
    }

    /// <summary>Sets a boolean attribute (<c>kt_span_set_bool</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, bool value)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* kp = k)
            return (KtResult)NativeMethods.kt_span_set_bool(Handle, kp, k.Length, value ? 1 : 0);
    }

    /// <summary>Sets an integer-array attribute with a UTF-8 key (<c>kt_span_set_attribute</c>, <c>KT_ATTR_INT_ARRAY</c>).</summary>
    /// <param name="key">The key, UTF-8.</param>
    /// <param name="values">The values; the library copies them.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<byte> key, ReadOnlySpan<long> values)
    {
        fixed (byte* k = key)
        fixed (long* items = values)
            return SetArray(k, (nuint)key.Length, KtAttrType.IntArray, items, values.Length);
    }

    /// <summary>Sets an integer-array attribute (<c>kt_span_set_attribute</c>, <c>KT_ATTR_INT_ARRAY</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values; the library copies them.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<long> values)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* kp = k)
        fixed (long* items = values)
            return SetArray(kp, k.Length, KtAttrType.IntArray, items, values.Length);
    }

    /// <summary>Sets a float-array attribute with a UTF-8 key (<c>kt_span_set_attribute</c>, <c>KT_ATTR_DOUBLE_ARRAY</c>).</summary>
    /// <param name="key">The key, UTF-8.</param>
    /// <param name="values">The values; the library copies them.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<byte> key, ReadOnlySpan<double> values)
    {
        fixed (byte* k = key)
        fixed (double* items = values)
            return SetArray(k, (nuint)key.Length, KtAttrType.DoubleArray, items, values.Length);
    }

    /// <summary>Sets a float-array attribute (<c>kt_span_set_attribute</c>, <c>KT_ATTR_DOUBLE_ARRAY</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values; the library copies them.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<double> values)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* kp = k)
        fixed (double* items = values)
            return SetArray(kp, k.Length, KtAttrType.DoubleArray, items, values.Length);
    }

    /// <summary>Sets a boolean-array attribute with a UTF-8 key (<c>kt_span_set_attribute</c>, <c>KT_ATTR_BOOL_ARRAY</c>).</summary>
    /// <param name="key">The key, UTF-8.</param>
    /// <param name="values">The values, passed as bytes 0 or 1; the library copies them.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<byte> key, ReadOnlySpan<bool> values)
    {
        fixed (byte* k = key)
        fixed (bool* items = values)
            return SetArray(k, (nuint)key.Length, KtAttrType.BoolArray, items, values.Length);
    }

    /// <summary>Sets a boolean-array attribute (<c>kt_span_set_attribute</c>, <c>KT_ATTR_BOOL_ARRAY</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values, passed as bytes 0 or 1; the library copies them.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<bool> values)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* kp = k)
        fixed (bool* items = values)
            return SetArray(kp, k.Length, KtAttrType.BoolArray, items, values.Length);
    }

    /// <summary>
    /// Sets a string-array attribute (<c>kt_span_set_attribute</c>, <c>KT_ATTR_STRING_ARRAY</c>).
    /// The strings are transcoded into pooled buffers: no allocation once the pool is warm. A
    /// null string is the empty string; a lone surrogate is <see cref="KtResult.InvalidArgument"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values; the library copies them.</param>
    /// <returns>As <see cref="SetAttribute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</returns>
    public unsafe KtResult SetAttribute(ReadOnlySpan<char> key, ReadOnlySpan<string> values)
    {
        using var k = new Utf8Arg(key, stackalloc byte[Utf8Arg.StackBytes]);
        long total = 0;
        foreach (var value in values)
            total += Math.Max(1L, 3L * (value?.Length ?? 0));
        if (total > int.MaxValue)
        {
            // More than any string the library takes; let it name the first one too long.
            total = values.Length;
        }
        const int StackItems = 16;
        byte[] text = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, total));
        byte[]? itemRental = values.Length > StackItems ? ArrayPool<byte>.Shared.Rent(values.Length * sizeof(KtStr)) : null;
        try
        {
            Span<byte> itemBytes = itemRental ?? stackalloc byte[StackItems * sizeof(KtStr)];
            fixed (byte* kp = k)
            fixed (byte* textBase = text)
            fixed (byte* itemBase = itemBytes)
            {
                var items = (KtStr*)itemBase;
                int used = 0;
                for (int i = 0; i < values.Length; i++)
                {
                    string? value = values[i];
                    if (string.IsNullOrEmpty(value))
                    {
                        items[i] = new KtStr(null, 0);
                        continue;
                    }
                    if (value.Length > Utf8Arg.MaxString || 3L * value.Length > text.Length - used)
                    {
                        items[i] = new KtStr(null, Utf8Arg.MaxString + 1);
                        continue;
                    }
                    var destination = text.AsSpan(used);
                    if (Utf8.FromUtf16(value, destination, out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
                    {
                        destination[0] = 0xFF;
                        written = 1;
                    }
                    items[i] = new KtStr(textBase + used, (nuint)written);
                    used += written;
                }
                return SetArray(kp, k.Length, KtAttrType.StringArray, items, values.Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
            if (itemRental is not null)
                ArrayPool<byte>.Shared.Return(itemRental);
        }
    }

    private unsafe KtResult SetArray(byte* key, nuint keyLength, int type, void* items, int count)
    {
        KtAttribute attribute;
        attribute.Key = new KtStr(key, keyLength);
        attribute.Type = type;
        attribute.Value = default;
        attribute.Value.Array.Items = items;
        attribute.Value.Array.Count = (nuint)count;
        return (KtResult)NativeMethods.kt_span_set_attribute(Handle, &attribute);
    }

    // ---- events, errors, status, links ------------------------------------------------

    /// <summary>Adds an event (<c>kt_span_add_event</c>) named in UTF-8.</summary>
    /// <param name="name">The event's name, UTF-8.</param>
    /// <param name="timeNs">Its time in Unix nanoseconds; 0 means now.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.Limit"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.InvalidArgument"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult AddEvent(ReadOnlySpan<byte> name, long timeNs = 0)
    {
        fixed (byte* n = name)
            return (KtResult)NativeMethods.kt_span_add_event(Handle, n, (nuint)name.Length, timeNs, null, 0);
    }

    /// <summary>Adds an event (<c>kt_span_add_event</c>).</summary>
    /// <param name="name">The event's name.</param>
    /// <param name="timeNs">Its time in Unix nanoseconds; 0 means now.</param>
    /// <returns>As the UTF-8 overload.</returns>
    public unsafe KtResult AddEvent(ReadOnlySpan<char> name, long timeNs = 0)
    {
        using var n = new Utf8Arg(name, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* np = n)
            return (KtResult)NativeMethods.kt_span_add_event(Handle, np, n.Length, timeNs, null, 0);
    }

    /// <summary>Records an error (<c>kt_span_record_error</c>): an "exception" event with <c>exception.message</c>.</summary>
    /// <param name="message">The message, UTF-8.</param>
    /// <returns>As <see cref="AddEvent(ReadOnlySpan{byte}, long)"/>.</returns>
    public unsafe KtResult RecordError(ReadOnlySpan<byte> message)
    {
        fixed (byte* m = message)
            return (KtResult)NativeMethods.kt_span_record_error(Handle, m, (nuint)message.Length);
    }

    /// <summary>Records an error (<c>kt_span_record_error</c>): an "exception" event with <c>exception.message</c>.</summary>
    /// <param name="message">The message.</param>
    /// <returns>As <see cref="AddEvent(ReadOnlySpan{byte}, long)"/>.</returns>
    public unsafe KtResult RecordError(ReadOnlySpan<char> message)
    {
        using var m = new Utf8Arg(message, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* mp = m)
            return (KtResult)NativeMethods.kt_span_record_error(Handle, mp, m.Length);
    }

    /// <summary>Sets the status (<c>kt_span_set_status</c>): Unset is ignored, Ok is final, the message is kept for Error only.</summary>
    /// <param name="code">The status.</param>
    /// <param name="message">The message, UTF-16; empty for none.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.InvalidArgument"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult SetStatus(NativeStatusCode code, ReadOnlySpan<char> message = default)
    {
        using var m = new Utf8Arg(message, stackalloc byte[Utf8Arg.StackBytes]);
        fixed (byte* mp = m)
            return (KtResult)NativeMethods.kt_span_set_status(Handle, (int)code, mp, m.Length);
    }

    /// <summary>Sets the status (<c>kt_span_set_status</c>) with a UTF-8 message.</summary>
    /// <param name="code">The status.</param>
    /// <param name="message">The message, UTF-8.</param>
    /// <returns>As the UTF-16 overload.</returns>
    public unsafe KtResult SetStatus(NativeStatusCode code, ReadOnlySpan<byte> message)
    {
        fixed (byte* m = message)
            return (KtResult)NativeMethods.kt_span_set_status(Handle, (int)code, m, (nuint)message.Length);
    }

    /// <summary>
    /// Links the span to another (<c>kt_span_add_link</c>). A trace id that is not 16 bytes or a
    /// span id that is not 8 is passed as NULL, which the library refuses and names.
    /// </summary>
    /// <param name="traceId">The linked trace id, 16 bytes, network order; not all zero.</param>
    /// <param name="spanId">The linked span id, 8 bytes, network order; not all zero.</param>
    /// <param name="flags">The linked span's W3C trace flags (1: sampled).</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.Limit"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.InvalidArgument"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult AddLink(ReadOnlySpan<byte> traceId, ReadOnlySpan<byte> spanId, byte flags)
    {
        fixed (byte* t = traceId)
        fixed (byte* s = spanId)
            return (KtResult)NativeMethods.kt_span_add_link(Handle, traceId.Length == 16 ? t : null, spanId.Length == 8 ? s : null, flags, null, 0);
    }

    // ---- ending -----------------------------------------------------------------------

    /// <summary>
    /// Ends the span (<c>kt_span_finish</c>); a second call is <see cref="KtResult.Stale"/> and changes
    /// nothing. An end time before the span's start is <see cref="KtResult.InvalidArgument"/> and the
    /// span stays open.
    /// </summary>
    /// <param name="endTimeNs">The end time in Unix nanoseconds; 0 means now.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.InvalidArgument"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public KtResult Finish(long endTimeNs = 0) => (KtResult)NativeMethods.kt_span_finish(Handle, endTimeNs);

    /// <summary>Gives the slot back now without exporting the span (<c>kt_span_release</c>).</summary>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public KtResult Release() => (KtResult)NativeMethods.kt_span_release(Handle);

    // ---- ids and propagation ----------------------------------------------------------

    /// <summary>Writes the span's W3C traceparent (<c>kt_span_inject</c>): 55 bytes, not NUL-terminated.</summary>
    /// <param name="buffer">The destination; at least 55 bytes.</param>
    /// <param name="written">The bytes written; 0 unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.BufferTooSmall"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.InvalidArgument"/> (the no-op span) or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult TryInject(Span<byte> buffer, out int written)
    {
        nuint count = 0;
        KtResult result;
        fixed (byte* b = buffer)
            result = (KtResult)NativeMethods.kt_span_inject(Handle, b, (nuint)buffer.Length, &count);
        written = result == KtResult.Ok ? (int)count : 0;
        return result;
    }

    /// <summary>Renames the span (<c>kt_span_update_name</c>); Kong's link_span names a created span.</summary>
    public unsafe KtResult UpdateName(ReadOnlySpan<byte> name)
    {
        fixed (byte* p = name)
            return (KtResult)NativeMethods.kt_span_update_name(Handle, p, (nuint)name.Length);
    }

    /// <summary>Moves the span's start to a Unix time in nanoseconds (<c>kt_span_set_start_time</c>).</summary>
    public KtResult SetStartTime(long startTimeUnixNanoseconds) =>
        (KtResult)NativeMethods.kt_span_set_start_time(Handle, startTimeUnixNanoseconds);

    /// <summary>
    /// Writes the span's headers in one format (<c>kt_span_inject_headers</c>): names (lower case)
    /// and values (ASCII) go into <paramref name="buffer"/>, and <paramref name="headers"/> says where.
    /// <see cref="MaxInjectedBytes"/> bytes and <see cref="MaxInjectedHeaders"/> headers always suffice.
    /// </summary>
    /// <param name="format">The format to write.</param>
    /// <param name="buffer">The destination of the names and values.</param>
    /// <param name="headers">Where each header lies in <paramref name="buffer"/>.</param>
    /// <param name="headerCount">The headers written; 0 unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.BufferTooSmall"/> (nothing written), <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.InvalidArgument"/> (an unknown format, the no-op span) or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult TryInject(NativePropagationFormat format, Span<byte> buffer, Span<NativeInjectedHeader> headers, out int headerCount)
    {
        Span<KtHeader> native = stackalloc KtHeader[Math.Min(headers.Length, 16)];
        nuint count = 0;
        KtResult result;
        fixed (byte* b = buffer)
        fixed (KtHeader* h = native)
        {
            result = (KtResult)NativeMethods.kt_span_inject_headers(Handle, (int)format, b, (nuint)buffer.Length, h, (nuint)native.Length, &count);
            if (result == KtResult.Ok)
            {
                for (int i = 0; i < (int)count; i++)
                {
                    headers[i] = new NativeInjectedHeader((int)(h[i].Name.Ptr - b), (int)h[i].Name.Len, (int)(h[i].Value.Ptr - b), (int)h[i].Value.Len);
                }
            }
        }
        headerCount = result == KtResult.Ok ? (int)count : 0;
        return result;
    }

    /// <summary><c>KT_INJECT_MAX_BYTES</c>: a buffer this large holds any format's headers.</summary>
    public const int MaxInjectedBytes = 1024;

    /// <summary><c>KT_INJECT_MAX_HEADERS</c>: the most headers a format writes.</summary>
    public const int MaxInjectedHeaders = 4;

    /// <summary>Writes the span's tracestate (<c>kt_span_tracestate</c>), inherited from a remote parent, sampled or not; often empty.</summary>
    /// <param name="buffer">The destination; 512 bytes always suffice.</param>
    /// <param name="written">The bytes written; 0 unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.BufferTooSmall"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/> or <see cref="KtResult.NotInitialized"/>.</returns>
    public unsafe KtResult TryGetTraceState(Span<byte> buffer, out int written)
    {
        nuint count = 0;
        KtResult result;
        fixed (byte* b = buffer)
            result = (KtResult)NativeMethods.kt_span_tracestate(Handle, b, (nuint)buffer.Length, &count);
        written = result == KtResult.Ok ? (int)count : 0;
        return result;
    }

    /// <summary>
    /// The span's ids and sampled flag (<c>kt_span_ids</c>); zero ids for the no-op span. An empty
    /// destination is skipped; one shorter than the id is <see cref="KtResult.BufferTooSmall"/>,
    /// returned by the binding without calling the library.
    /// </summary>
    /// <param name="traceId">Receives the 16-byte trace id, network order; may be empty.</param>
    /// <param name="spanId">Receives the 8-byte span id, network order; may be empty.</param>
    /// <param name="sampled">Whether the span is sampled; false unless the result is <see cref="KtResult.Ok"/>.</param>
    /// <returns><see cref="KtResult.Ok"/>, <see cref="KtResult.Stale"/>, <see cref="KtResult.InvalidHandle"/>, <see cref="KtResult.NotInitialized"/> or <see cref="KtResult.BufferTooSmall"/>.</returns>
    public unsafe KtResult GetIds(Span<byte> traceId, Span<byte> spanId, out bool sampled)
    {
        sampled = false;
        if ((traceId.Length is > 0 and < 16) || (spanId.Length is > 0 and < 8))
            return KtResult.BufferTooSmall;
        int flag = 0;
        KtResult result;
        fixed (byte* t = traceId)
        fixed (byte* s = spanId)
            result = (KtResult)NativeMethods.kt_span_ids(Handle, t, s, &flag);
        sampled = result == KtResult.Ok && flag != 0;
        return result;
    }

    /// <inheritdoc/>
    public bool Equals(NativeSpan other) => Handle == other.Handle;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NativeSpan other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Handle.GetHashCode();

    /// <summary>True when both wrap the same handle.</summary>
    /// <param name="left">One span.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(NativeSpan left, NativeSpan right) => left.Handle == right.Handle;

    /// <summary>True when the handles differ.</summary>
    /// <param name="left">One span.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(NativeSpan left, NativeSpan right) => left.Handle != right.Handle;

    /// <summary>The handle in hexadecimal.</summary>
    public override string ToString() => $"span 0x{Handle:x16}";
}
