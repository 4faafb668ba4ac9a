namespace Kt.Export.Otlp;

/// <summary>
/// The distinct tracers (instrumentation scopes) of a batch of records, in order of first
/// appearance, as OTLP groups spans under them. Reused from batch to batch; grows only when a
/// batch has more scopes than any before it.
/// </summary>
internal sealed class RecordScopes
{
    private int[] _scopes = new int[16];

    /// <summary>The batch's scopes, valid until the next call.</summary>
    public ReadOnlySpan<int> Collect(in SpanRecordBatch batch)
    {
        int count = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            int scope = batch.ScopeIndex(i);
            if (count > 0 && (_scopes[count - 1] == scope || Array.IndexOf(_scopes, scope, 0, count) >= 0))
                continue;
            if (count == _scopes.Length)
                Array.Resize(ref _scopes, count * 2);
            _scopes[count++] = scope;
        }
        return _scopes.AsSpan(0, count);
    }
}
