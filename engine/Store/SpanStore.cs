using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kt.Text;

namespace Kt.Store;

/// <summary>
/// Every span's storage, allocated once: the fixed slots, and per slot a run of attribute,
/// event, link and event/link-attribute entries and a byte arena for text. Writers append
/// to a slot's arena; nothing is freed until the slot is.
/// </summary>
internal sealed class SpanStore
{
    public readonly NativeArray<SpanSlot> Slots;
    public readonly NativeArray<AttributeEntry> Attributes;
    public readonly NativeArray<EventEntry> Events;
    public readonly NativeArray<LinkEntry> Links;
    public readonly NativeArray<AttributeEntry> ExtraAttributes;
    public readonly NativeArray<byte> Arena;

    /// <summary>Keys registered once, held in the first <see cref="RegisteredKeys.Bytes"/> of <see cref="Arena"/>, before every slot's part.</summary>
    public readonly RegisteredKeys Keys;
    public readonly TraceContext?[] Owners;
    private readonly NativeRegion _memory;

    public readonly int AttributesPerSpan;
    public readonly int EventsPerSpan;
    public readonly int LinksPerSpan;
    public readonly int ExtraAttributesPerSpan;
    public readonly int BytesPerSpan;

    public readonly int AttributeLimit;
    public readonly int EventLimit;
    public readonly int LinkLimit;
    public readonly int EventAttributeLimit;
    public readonly int LinkAttributeLimit;
    public readonly int ValueLengthLimit;

    /// <summary>Text that is not valid UTF-8 is recorded with U+FFFD in its place, not refused.</summary>
    public readonly bool RepairsInvalidText;

    public SpanStore(EngineOptions options, uint firstGeneration)
    {
        int n = options.MaxSpans;
        AttributesPerSpan = options.AttributesPerSpan;
        EventsPerSpan = options.EventsPerSpan;
        LinksPerSpan = options.LinksPerSpan;
        ExtraAttributesPerSpan = options.EventAndLinkAttributesPerSpan;
        BytesPerSpan = options.BytesPerSpan;
        RepairsInvalidText = options.InvalidUtf8 == InvalidUtf8Handling.Replace;

        nuint size = 0;
        nuint slotsAt = Reserve<SpanSlot>(ref size, n);
        nuint attributesAt = Reserve<AttributeEntry>(ref size, n * AttributesPerSpan);
        nuint eventsAt = Reserve<EventEntry>(ref size, n * EventsPerSpan);
        nuint linksAt = Reserve<LinkEntry>(ref size, n * LinksPerSpan);
        nuint extraAt = Reserve<AttributeEntry>(ref size, n * ExtraAttributesPerSpan);
        nuint arenaAt = Reserve<byte>(ref size, n * BytesPerSpan + RegisteredKeys.Bytes);
        _memory = new NativeRegion(size);
        Slots = _memory.Array<SpanSlot>(slotsAt, n);
        Attributes = _memory.Array<AttributeEntry>(attributesAt, n * AttributesPerSpan);
        Events = _memory.Array<EventEntry>(eventsAt, n * EventsPerSpan);
        Links = _memory.Array<LinkEntry>(linksAt, n * LinksPerSpan);
        ExtraAttributes = _memory.Array<AttributeEntry>(extraAt, n * ExtraAttributesPerSpan);
        Arena = _memory.Array<byte>(arenaAt, n * BytesPerSpan + RegisteredKeys.Bytes);
        Keys = new RegisteredKeys(Arena, 0);
        Owners = new TraceContext?[n];

        var limits = options.Limits;
        AttributeLimit = Math.Min(limits.AttributeCountLimit, AttributesPerSpan);
        EventLimit = Math.Min(limits.EventCountLimit, EventsPerSpan);
        LinkLimit = Math.Min(limits.LinkCountLimit, LinksPerSpan);
        EventAttributeLimit = limits.EventAttributeCountLimit;
        LinkAttributeLimit = limits.LinkAttributeCountLimit;
        ValueLengthLimit = limits.AttributeValueLengthLimit;

        // Generations start at a random point so that tokens of another engine, or of an
        // earlier engine in the same process, do not match.
        for (int i = 0; i < n; i++)
            Slots[i].Generation = firstGeneration + (uint)i * 0x9E3779B9u;
    }

    public int Capacity => Slots.Length;

    // Lays the arrays out one after another in the region, each on a cache line of its own.
    private static unsafe nuint Reserve<T>(ref nuint size, int count) where T : unmanaged
    {
        nuint at = (size + 63) & ~(nuint)63;
        size = at + (nuint)sizeof(T) * (nuint)count;
        return at;
    }

    public ReadOnlySpan<byte> Text(StringRef text) => Arena.AsSpan(text.Offset, text.Length);

    /// <summary>Where a slot's part of <see cref="Arena"/> starts: after the registered keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TextStart(int slot) => RegisteredKeys.Bytes + slot * BytesPerSpan;

    /// <summary>Copies text into the slot's arena, cut to <paramref name="maxCharacters"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KtStatus AppendText(int slot, ref SpanSlot s, scoped in TextInput text, int maxCharacters, out StringRef result)
    {
        // What callers pass nearly always, inline: UTF-8 the C ABI has checked, or ASCII from
        // .NET, under the limit (a string's bytes or chars are at least its characters), with room.
        int length = text.Length;
        if (length <= maxCharacters && length <= BytesPerSpan - s.ArenaUsed)
        {
            int at = TextStart(slot) + s.ArenaUsed;
            var destination = Arena.AsSpan(at, length);
            if (text.IsValidated)
                Utf8Text.Copy(text.Utf8, destination);
            else if (!text.IsUtf16 || Utf8Text.TryCopyAscii(text.Utf16, destination) < 0)
                return AppendAnyText(slot, ref s, text, maxCharacters, out result);
            s.ArenaUsed += length;
            result = new StringRef(at, length);
            return KtStatus.Ok;
        }
        return AppendAnyText(slot, ref s, text, maxCharacters, out result);
    }

    private KtStatus AppendAnyText(int slot, ref SpanSlot s, scoped in TextInput text, int maxCharacters, out StringRef result)
    {
        int start = TextStart(slot) + s.ArenaUsed;
        var room = Arena.AsSpan(start, BytesPerSpan - s.ArenaUsed);
        int written;
        result = default;
        if (text.IsUtf16)
        {
            var source = text.Utf16;
            if (maxCharacters < source.Length)
                source = source[..PrefixChars(source, maxCharacters)];
            written = Utf8Text.TryCopyAscii(source, room);
            if (written < 0)
            {
                var status = Utf8Text.FromUtf16(source, room, out written);
                if (status == OperationStatus.InvalidData)
                {
                    if (!RepairsInvalidText)
                    {
                        InputProblems.ValueRefused(source);
                        return KtStatus.InvalidArgument;
                    }
                    status = System.Text.Unicode.Utf8.FromUtf16(source, room, out _, out written, replaceInvalidSequences: true);
                    InputProblems.ValueRepaired(source);
                }
                if (status != OperationStatus.Done)
                    return KtStatus.LimitReached;
            }
        }
        else if (!text.IsValidated && !Utf8Text.IsValid(text.Utf8))
        {
            if (!RepairsInvalidText)
            {
                InputProblems.ValueRefused(text.Utf8);
                return KtStatus.InvalidArgument;
            }
            if (!Utf8Text.CopyReplacingInvalid(text.Utf8, room, maxCharacters, out written))
                return KtStatus.LimitReached;
            InputProblems.ValueRepaired(text.Utf8);
        }
        else
        {
            written = Utf8Text.PrefixLength(text.Utf8, maxCharacters);
            if (written > room.Length)
                return KtStatus.LimitReached;
            Utf8Text.Copy(text.Utf8[..written], room);
        }
        s.ArenaUsed += written;
        result = new StringRef(start, written);
        return KtStatus.Ok;
    }

    /// <summary>Copies raw bytes (tracestate, array payloads) into the slot's arena.</summary>
    public bool AppendBytes(int slot, ref SpanSlot s, ReadOnlySpan<byte> bytes, out StringRef result)
    {
        result = default;
        if (bytes.Length > BytesPerSpan - s.ArenaUsed)
            return false;
        int start = TextStart(slot) + s.ArenaUsed;
        bytes.CopyTo(Arena.AsSpan(start));
        s.ArenaUsed += bytes.Length;
        result = new StringRef(start, bytes.Length);
        return true;
    }

    /// <summary>
    /// Sets a key in a run of attribute entries (the span's, or one event's or link's): a key
    /// already present gets the new value, a new key is appended while under the limit, and
    /// anything that does not fit is counted in <paramref name="dropped"/>.
    /// </summary>
    public KtStatus SetAttribute<TValue>(int slot, ref SpanSlot s, Span<AttributeEntry> entries, ref ushort count, int limit,
        ref int dropped, scoped in TextInput key, scoped in TValue value)
        where TValue : IAttributeValue, allows ref struct
    {
        if (key.IsEmpty)
            return KtStatus.InvalidArgument;
        int mark = s.ArenaUsed;
        StringRef keyRef;
        KtStatus status;
        int stored = key.IsStored ? StoredOffset(key) : -1;
        if (stored >= 0 && Keys.Holds(stored, key.Length))
        {
            keyRef = new StringRef(stored, key.Length);
        }
        else
        {
            status = AppendText(slot, ref s, key, int.MaxValue, out keyRef);
            if (status != KtStatus.Ok)
                return Dropped(status, ref dropped);
        }

        int index = Find(entries[..count], keyRef);
        if (index >= 0)
        {
            s.ArenaUsed = mark;
            keyRef = entries[index].Key;
        }
        else if (count >= limit || count >= entries.Length)
        {
            s.ArenaUsed = mark;
            dropped++;
            return KtStatus.LimitReached;
        }

        int valueMark = s.ArenaUsed;
        AttributeEntry entry = default;
        status = value.WriteTo(this, slot, ref s, ref entry);
        if (status != KtStatus.Ok)
        {
            s.ArenaUsed = index >= 0 ? valueMark : mark;
            return Dropped(status, ref dropped);
        }
        entry.Key = keyRef;
        if (index >= 0)
        {
            entries[index] = entry;
        }
        else
        {
            entries[count] = entry;
            count++;
        }
        return KtStatus.Ok;
    }

    // Where stored text (a registered key) sits in the arena.
    private int StoredOffset(scoped in TextInput key) =>
        (int)Unsafe.ByteOffset(ref Arena[0], ref MemoryMarshal.GetReference(key.Utf8));

    /// <summary>Removes a key from a run of attribute entries, keeping the others in order; its text stays in the arena.</summary>
    public void RemoveAttribute(Span<AttributeEntry> entries, ref ushort count, ReadOnlySpan<byte> keyUtf8)
    {
        for (int i = 0; i < count; i++)
        {
            if (entries[i].Key.Length == keyUtf8.Length && Text(entries[i].Key).SequenceEqual(keyUtf8))
            {
                entries[(i + 1)..count].CopyTo(entries[i..]);
                count--;
                return;
            }
        }
    }

    private static KtStatus Dropped(KtStatus status, ref int dropped)
    {
        if (status == KtStatus.LimitReached)
            dropped++;
        return status;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ReadOnlySpan<AttributeEntry> entries, StringRef key)
    {
        if (entries.IsEmpty)
            return -1;
        var wanted = Text(key);
        for (int i = 0; i < entries.Length; i++)
        {
            if (entries[i].Key.Length == key.Length && Text(entries[i].Key).SequenceEqual(wanted))
                return i;
        }
        return -1;
    }

    // Counts scalar values, so a surrogate pair is one character, as OpenTelemetry counts them.
    private static int PrefixChars(ReadOnlySpan<char> text, int maxCharacters)
    {
        int characters = 0;
        int i = 0;
        while (i < text.Length && characters < maxCharacters)
        {
            i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            characters++;
        }
        return i;
    }
}
