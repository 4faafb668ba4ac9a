using System.Runtime.CompilerServices;

namespace Kt.Store;

/// <summary>
/// The 64-bit form of a span handle: bits 0-31 the slot's generation, bits 32-55 the slot
/// index plus one (so 0 is never a live span), bits 56-63 a check byte keyed by a secret of
/// the engine, so a random or foreign value is refused even when its slot and generation fit.
/// </summary>
internal static class SpanToken
{
    public const int MaxSlots = (1 << 24) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Encode(int slot, uint generation, uint secret) =>
        (long)((ulong)Check(slot, generation, secret) << 56 | (ulong)(uint)(slot + 1) << 32 | generation);

    /// <summary>Splits a token; false when it cannot be one of this engine's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryDecode(long token, uint secret, int capacity, out int slot, out uint generation)
    {
        generation = (uint)token;
        slot = (int)(((ulong)token >> 32) & 0xFFFFFF) - 1;
        return (uint)slot < (uint)capacity && (byte)((ulong)token >> 56) == Check(slot, generation, secret);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Check(int slot, uint generation, uint secret)
    {
        // Two independent multiplies: a keyed check, not a cryptographic one; a random value
        // passes it one time in 256, and must then also name a live slot and its generation.
        return (byte)((((uint)slot * 0x9E3779B1u) ^ (generation * 0x85EBCA77u) ^ secret) >> 24);
    }
}
