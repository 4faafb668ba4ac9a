using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Kt;

/// <summary>
/// SplitMix64: an add, three shifts and two 64-bit multiplies per 64 random bits, with no
/// 128-bit product (which costs a software fallback where BMI2 is not assumed, as in the
/// NativeAOT library). Each thread owns one, seeded from the
/// OS and reseeded when <see cref="ForkEpoch"/> says the process forked, so that a child never
/// repeats its parent's ids. Callers draw all the ids of a span in one go, so the state is
/// loaded and stored once and the fork check made once.
/// </summary>
internal struct IdGenerator
{
    private const ulong Increment = 0x9E3779B97F4A7C15UL;

    private ulong _state;
    private int _epoch;

    public static IdGenerator Create()
    {
        var generator = default(IdGenerator);
        generator.Reseed();
        return generator;
    }

    /// <summary>A span id, never zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextSpanId()
    {
        if (_epoch != ForkEpoch.Current)
            Reseed();
        ulong state = _state;
        ulong id = NonZero(ref state);
        _state = state;
        return id;
    }

    /// <summary>A trace id (never all zero) and a span id (never zero) for a new root.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextRootIds(out ulong traceHigh, out ulong traceLow)
    {
        if (_epoch != ForkEpoch.Current)
            Reseed();
        ulong state = _state;
        traceHigh = NonZero(ref state);
        traceLow = Mix(ref state);
        ulong id = NonZero(ref state);
        _state = state;
        return id;
    }

    /// <summary>The next 64 random bits; tests use it to compare sequences.</summary>
    public ulong Next()
    {
        if (_epoch != ForkEpoch.Current)
            Reseed();
        return Mix(ref _state);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ref ulong state)
    {
        state += Increment;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NonZero(ref ulong state)
    {
        ulong value;
        do
        {
            value = Mix(ref state);
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
