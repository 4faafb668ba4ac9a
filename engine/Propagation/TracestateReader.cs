using System.Numerics;
using System.Runtime.CompilerServices;

namespace Kt;

/// <summary>
/// Reads a <c>tracestate</c> sent on one or more header lines into the list kt forwards, without
/// allocating. As Trace Context Level 2 and RFC 9110 say:
/// <list type="bullet">
/// <item>the lines are one list, in order; an empty line contributes nothing;</item>
/// <item>a malformed member anywhere, or more than <see cref="Tracestate.MaxMembers"/> members in
/// all, makes the whole list invalid: nothing is kept;</item>
/// <item>of a repeated key the first (left-most, the most recent) member is kept and the others
/// dropped; the list otherwise survives;</item>
/// <item>empty members and the whitespace around members are not forwarded;</item>
/// <item>a list longer than <see cref="Tracestate.MaxLength"/> bytes loses whole members: those
/// longer than <see cref="Tracestate.LongMember"/> characters first, then from the end.</item>
/// </list>
/// </summary>
public ref struct TracestateReader
{
    /// <summary>The scratch space the reader needs: room for the most members a valid list holds, each at its longest.</summary>
    public const int ScratchLength = Tracestate.MaxMembers * (Tracestate.MaxKey + 1 + Tracestate.MaxValue);

    private readonly Span<byte> _scratch;
    private Members _members;
    private int _used;
    private int _kept;
    private int _received;
    private PropagationStatus _refused;

    /// <summary>Starts an empty list in <paramref name="scratch"/>, which must hold <see cref="ScratchLength"/> bytes.</summary>
    /// <exception cref="ArgumentException">The scratch space is smaller than <see cref="ScratchLength"/>.</exception>
    public TracestateReader(Span<byte> scratch)
    {
        if (scratch.Length < ScratchLength)
            throw new ArgumentException($"the scratch space must hold {ScratchLength} bytes", nameof(scratch));
        _scratch = scratch;
    }

    /// <summary>
    /// <see cref="PropagationStatus.Ok"/> while the lines read so far make a valid list with a
    /// member; <see cref="PropagationStatus.Empty"/> while they hold none; else why the list is refused.
    /// </summary>
    public readonly PropagationStatus Status =>
        _refused != PropagationStatus.Ok ? _refused : _received == 0 ? PropagationStatus.Empty : PropagationStatus.Ok;

    /// <summary>Members dropped because an earlier member had the same key.</summary>
    public int DuplicatesDropped { readonly get; private set; }

    /// <summary>Members <see cref="WriteTo"/> cut to keep the list within <see cref="Tracestate.MaxLength"/>.</summary>
    public int MembersCut { readonly get; private set; }

    /// <summary>Adds the next header line, UTF-8.</summary>
    public void Add(ReadOnlySpan<byte> line) => AddCore(line);

    /// <summary>Adds the next header line, held as UTF-16; any non-ASCII character makes the list invalid.</summary>
    public void Add(ReadOnlySpan<char> line) => AddCore(line);

    /// <summary>
    /// Writes the list to forward: its members joined by commas, at most
    /// <see cref="Tracestate.MaxLength"/> bytes. Writes nothing and returns <see cref="Status"/>
    /// when that is not Ok; returns <see cref="PropagationStatus.BufferTooSmall"/> when
    /// <paramref name="destination"/> is shorter than the list. <paramref name="written"/> may be 0
    /// for a valid list whose every member was too long to keep.
    /// </summary>
    public PropagationStatus WriteTo(Span<byte> destination, out int written)
    {
        written = 0;
        MembersCut = 0;
        var status = Status;
        if (status != PropagationStatus.Ok)
            return status;

        uint cut = 0;
        int length = _kept - 1;
        for (int i = 0; i < _kept; i++)
            length += LengthOf(i);
        int left = _kept;
        while (length > Tracestate.MaxLength)
        {
            int victim = LastKept(cut, longOnly: true);
            if (victim < 0)
                victim = LastKept(cut, longOnly: false);
            cut |= 1u << victim;
            left--;
            length -= LengthOf(victim) + (left > 0 ? 1 : 0);
            MembersCut++;
        }
        if (length > destination.Length)
            return PropagationStatus.BufferTooSmall;

        for (int i = 0; i < _kept; i++)
        {
            if ((cut & (1u << i)) != 0)
                continue;
            if (written > 0)
                destination[written++] = (byte)',';
            _scratch.Slice(StartOf(i), LengthOf(i)).CopyTo(destination[written..]);
            written += LengthOf(i);
        }
        return PropagationStatus.Ok;
    }

    private void AddCore<T>(ReadOnlySpan<T> line)
        where T : unmanaged, IBinaryInteger<T>
    {
        var rest = line;
        while (_refused == PropagationStatus.Ok && Tracestate.NextMember(ref rest, out var member))
        {
            if (++_received > Tracestate.MaxMembers)
            {
                _refused = PropagationStatus.TooManyMembers;
                return;
            }
            var status = Tracestate.CheckMember(member, out int keyLength);
            if (status != PropagationStatus.Ok)
            {
                _refused = status;
                return;
            }
            // Checked as ASCII, so each code unit is one byte.
            var copy = _scratch.Slice(_used, member.Length);
            for (int i = 0; i < member.Length; i++)
                copy[i] = byte.CreateTruncating(member[i]);
            if (IsKeptKey(copy[..keyLength]))
            {
                DuplicatesDropped++;
                continue;
            }
            _members[_kept++] = _used | (member.Length << 16);
            _used += member.Length;
        }
    }

    private readonly bool IsKeptKey(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < _kept; i++)
        {
            var kept = _scratch.Slice(StartOf(i), LengthOf(i));
            if (kept.Length > key.Length && kept[key.Length] == (byte)'=' && kept.StartsWith(key))
                return true;
        }
        return false;
    }

    private readonly int LastKept(uint cut, bool longOnly)
    {
        for (int i = _kept - 1; i >= 0; i--)
        {
            if ((cut & (1u << i)) == 0 && (!longOnly || LengthOf(i) > Tracestate.LongMember))
                return i;
        }
        return -1;
    }

    private readonly int StartOf(int member) => _members[member] & 0xFFFF;

    private readonly int LengthOf(int member) => _members[member] >>> 16;

    // A kept member's start in the scratch space (under 2^15) and its length (at most 513), in one int.
    [InlineArray(Tracestate.MaxMembers)]
    private struct Members
    {
        private int _element;
    }
}
