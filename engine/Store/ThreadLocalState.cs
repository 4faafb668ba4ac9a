namespace Kt.Store;

/// <summary>
/// What one thread owns in one engine: a magazine of free slots taken from the shared list
/// in batches, its ring of finished spans, its id generator and its counters. This is why
/// starting and finishing a span needs no atomic instruction.
/// </summary>
internal sealed class ThreadLocalState
{
    public const int MagazineSize = 32;

    public readonly TraceEngine Engine;
    public readonly Thread Owner;
    public readonly FinishedRing Finished;
    public readonly ThreadCounters Counters = new();
    public readonly int[] Magazine = new int[MagazineSize * 2];
    public int MagazineCount;
    public IdGenerator Ids = IdGenerator.Create();

    public ThreadLocalState(TraceEngine engine, Thread owner, int queueCapacity)
    {
        Engine = engine;
        Owner = owner;
        Finished = new FinishedRing(queueCapacity);
    }
}
