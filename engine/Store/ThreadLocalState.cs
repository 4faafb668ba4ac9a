namespace Kt.Store;

/// <summary>
/// What one thread owns in one engine: a magazine of free slots taken from the shared list
/// in batches, its ring of finished spans (slot indices, or the spans' encoded records when the
/// exporter takes records), its id generator and its counters. This is why starting and
/// finishing a span needs no atomic instruction.
/// </summary>
internal sealed class ThreadLocalState
{
    public readonly TraceEngine Engine;
    public Thread Owner;
    public readonly FinishedRing Finished;
    public readonly ThreadCounters Counters = new();
    public readonly int[] Magazine;
    public readonly int RefillSize;
    public int MagazineCount;
    public readonly SpanRecordRing? Records;
    public readonly Export.ISpanRecordWriter? RecordWriter;
    public IdGenerator Ids = IdGenerator.Create();

    public ThreadLocalState(TraceEngine engine, Thread owner, int queueCapacity, int refillSize, Export.IEncodedSpanExporter? encoded)
    {
        RefillSize = refillSize;
        Magazine = new int[refillSize * 2];
        Engine = engine;
        Owner = owner;
        Finished = new FinishedRing(encoded is null ? queueCapacity : 1);
        if (encoded is not null)
        {
            RecordWriter = encoded.CreateRecordWriter();
            Records = new SpanRecordRing(queueCapacity * RecordWriter.RoomPerRecord, queueCapacity);
        }
    }

    /// <summary>Finished spans waiting for the exporter, in either ring.</summary>
    public int Pending => Finished.Count + (Records?.Count ?? 0);

    /// <summary>
    /// Gives the state of a thread that has ended, its rings drained and its counters retired, to
    /// a new thread: thread pools end and start threads all the time, and a state's rings are the
    /// largest thing an engine allocates after it starts. The rings go on from where they were.
    /// </summary>
    public void Adopt(Thread owner)
    {
        Owner = owner;
        Counters.Reset();
        Ids = IdGenerator.Create();
    }
}
