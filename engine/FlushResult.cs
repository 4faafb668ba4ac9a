namespace Kt;

/// <summary>
/// What <see cref="TraceEngine.Flush"/> or <see cref="TraceEngine.Shutdown"/> achieved: whether the
/// exporter was done in time, and how many spans were lost since the last flush or shutdown that
/// reported (or since the engine started).
/// </summary>
/// <param name="Status">
/// <see cref="KtStatus.Ok"/>: done, nothing lost. <see cref="KtStatus.SpansLost"/>: done, but
/// <paramref name="LostSpans"/> spans were lost. <see cref="KtStatus.Timeout"/>: the time limit passed
/// first (what was lost so far is in <paramref name="LostSpans"/>; a shutdown that ran out of time
/// counts the spans it could not export there too). <see cref="KtStatus.NotInitialized"/>: no engine.
/// </param>
/// <param name="LostSpans">
/// Spans dropped because a thread's queue was full, that failed to export (or to encode), that the
/// receiver rejected, or that a shutdown dropped; each loss is reported by one flush or shutdown.
/// </param>
public readonly record struct FlushResult(KtStatus Status, long LostSpans)
{
    /// <summary>True when the exporter was done in time and nothing was lost.</summary>
    public bool IsOk => Status == KtStatus.Ok;
}
