using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Kt;

/// <summary>
/// wyrand: one multiply per 64 random bits. Each thread owns one, seeded from the OS and
/// reseeded when <see cref="ForkEpoch"/> says the process forked, so that a child never
/// repeats its parent's ids.
/// </summary>
internal struct IdGenerator
{
    private ulong _state;
    private int _epoch;

    public static IdGenerator Create()
    {
        var generator = default(IdGenerator);
        generator.Reseed();
        return generator;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Next()
    {
        if (_epoch != ForkEpoch.Current)
            Reseed();
        _state += 0xa0761d6478bd642fUL;
        var product = Math.BigMul(_state, _state ^ 0xe7037ed1a0b428dbUL, out ulong low);
        return product ^ low;
    }

    /// <summary>A random value that is never zero, as W3C ids require.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextNonZero()
    {
        ulong value;
        do
        {
            value = Next();
        }
        while (value == 0);
        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Reseed()
    {
        Span<byte> seed = stackalloc byte[8];
        RandomNumberGenerator.Fill(seed);
        _state = BitConverter.ToUInt64(seed);
        _epoch = ForkEpoch.Current;
    }
}
