// Every test here uses the process's one engine (Tracing.Global): one host at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
