using Kt.Store;

namespace Kt.Export.Otlp;

/// <summary>
/// The spans of a batch grouped by tracer (instrumentation scope), as OTLP groups them:
/// scopes in order of first appearance, spans in batch order within their scope. A batch of
/// one tracer, the usual case, is read once and used as it is. Reused from batch to batch;
/// grows only when a batch is larger, or has more scopes, than any before it.
/// </summary>
internal sealed class BatchScopes
{
    private int[] _tracers = new int[16];
    private int[] _ends = new int[16];
    private int[] _scopeOfSpan = [];
    private int[] _grouped = [];
    private int _count;

    /// <summary>How many scopes the last grouped batch has.</summary>
    public int Count => _count;

    /// <summary>Groups the spans of <paramref name="slots"/>; the groups are valid until the next call.</summary>
    public void Group(SpanStore store, ReadOnlySpan<int> slots)
    {
        _count = 0;
        if (slots.IsEmpty)
            return;
        int first = store.Slots[slots[0]].Tracer;
        int i = 1;
        while (i < slots.Length && store.Slots[slots[i]].Tracer == first)
            i++;
        _tracers[0] = first;
        _ends[0] = slots.Length;
        _count = 1;
        if (i < slots.Length)
            GroupMixed(store, slots);
    }

    /// <summary>The tracer index of scope <paramref name="scope"/>.</summary>
    public int Tracer(int scope) => _tracers[scope];

    /// <summary>The slots of scope <paramref name="scope"/>'s spans, out of the batch <see cref="Group"/> was given.</summary>
    public ReadOnlySpan<int> Spans(int scope, ReadOnlySpan<int> slots)
    {
        if (_count == 1)
            return slots;
        int start = scope == 0 ? 0 : _ends[scope - 1];
        return _grouped.AsSpan(start, _ends[scope] - start);
    }

    // A stable counting sort of the slots by scope.
    private void GroupMixed(SpanStore store, ReadOnlySpan<int> slots)
    {
        if (_scopeOfSpan.Length < slots.Length)
        {
            _scopeOfSpan = new int[slots.Length];
            _grouped = new int[slots.Length];
        }
        _count = 0;
        int last = -1, lastScope = -1;
        for (int i = 0; i < slots.Length; i++)
        {
            int tracer = store.Slots[slots[i]].Tracer;
            if (tracer != last)
            {
                lastScope = Array.IndexOf(_tracers, tracer, 0, _count);
                if (lastScope < 0)
                {
                    if (_count == _tracers.Length)
                    {
                        Array.Resize(ref _tracers, _count * 2);
                        Array.Resize(ref _ends, _count * 2);
                    }
                    _tracers[_count] = tracer;
                    _ends[_count] = 0;
                    lastScope = _count++;
                }
                last = tracer;
            }
            _scopeOfSpan[i] = lastScope;
            _ends[lastScope]++;
        }
        int end = 0;
        for (int scope = 0; scope < _count; scope++)
        {
            end += _ends[scope];
            _ends[scope] = end;
        }
        // Filled from the back, each end moves down to its scope's start, which is where
        // the scope before it ends.
        for (int i = slots.Length - 1; i >= 0; i--)
            _grouped[--_ends[_scopeOfSpan[i]]] = slots[i];
        for (int scope = 0; scope < _count - 1; scope++)
            _ends[scope] = _ends[scope + 1];
        _ends[_count - 1] = slots.Length;
    }
}
