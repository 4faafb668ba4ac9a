namespace Kt.Store;

/// <summary>
/// What one thread owns in one engine: a magazine of free slots taken from the shared list
/// in batches, its ring of finished spans, its id generator and its counters. This is why
/// starting and finishing a span needs no atomic instruction.
/// </summary>
internal sealed class ThreadLocalState
{
    public readonly TraceEngine Engine;
    public readonly Thread Owner;
    public readonly FinishedRing Finished;
    public readonly ThreadCounters Counters = new();
    public readonly int[] Magazine;
    public readonly int RefillSize;
    public int MagazineCount;
    public IdGenerator Ids = IdGenerator.Create();

    public ThreadLocalState(TraceEngine engine, Thread owner, int queueCapacity, int refillSize)
    {
        RefillSize = refillSize;
        Magazine = new int[refillSize * 2];
        Engine = engine;
        Owner = owner;
        Finished = new FinishedRing(queueCapacity);
    }
}
