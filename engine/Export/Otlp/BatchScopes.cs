namespace Kt.Export.Otlp;

/// <summary>
/// The distinct tracers (instrumentation scopes) of a batch, in order of first appearance:
/// OTLP groups a request's spans by scope. Reused from batch to batch; grows only when a
/// batch has more scopes than any before it.
/// </summary>
internal sealed class BatchScopes
{
    private int[] _scopes = new int[16];

    /// <summary>The scope indices of <paramref name="batch"/>, valid until the next call.</summary>
    public ReadOnlySpan<int> Collect(in SpanBatch batch)
    {
        int count = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            int scope = batch[i].ScopeIndex;
            if (Array.IndexOf(_scopes, scope, 0, count) >= 0)
                continue;
            if (count == _scopes.Length)
                Array.Resize(ref _scopes, count * 2);
            _scopes[count++] = scope;
        }
        return _scopes.AsSpan(0, count);
    }
}
