using Kt.Store;

namespace Kt.Native.Interop;

/// <summary>Where an attribute from C goes: a span, its last event, or its last link.</summary>
internal interface IAttributeTarget
{
    KtStatus Set<TValue>(scoped in TextInput key, scoped in TValue value) where TValue : IAttributeValue, allows ref struct;

    /// <summary>The keys registered in the engine the attribute goes to.</summary>
    RegisteredKeys Keys { get; }
}

internal readonly struct SpanTarget(TraceEngine engine, long token) : IAttributeTarget
{
    public RegisteredKeys Keys => engine.Store.Keys;

    public KtStatus Set<TValue>(scoped in TextInput key, scoped in TValue value) where TValue : IAttributeValue, allows ref struct =>
        engine.SetAttribute(token, key, value);
}

/// <summary>A recording span's slot, resolved once for many attributes.</summary>
internal readonly struct SlotTarget(TraceEngine engine, int slot) : IAttributeTarget
{
    public RegisteredKeys Keys => engine.Store.Keys;

    public KtStatus Set<TValue>(scoped in TextInput key, scoped in TValue value) where TValue : IAttributeValue, allows ref struct =>
        engine.SetSlotAttribute(slot, key, value);
}

internal readonly struct EventTarget(TraceEngine engine, int slot) : IAttributeTarget
{
    public RegisteredKeys Keys => engine.Store.Keys;

    public KtStatus Set<TValue>(scoped in TextInput key, scoped in TValue value) where TValue : IAttributeValue, allows ref struct =>
        engine.SetLastEventAttribute(slot, key, value);
}

internal readonly struct LinkTarget(TraceEngine engine, int slot) : IAttributeTarget
{
    public RegisteredKeys Keys => engine.Store.Keys;

    public KtStatus Set<TValue>(scoped in TextInput key, scoped in TValue value) where TValue : IAttributeValue, allows ref struct =>
        engine.SetLastLinkAttribute(slot, key, value);
}
