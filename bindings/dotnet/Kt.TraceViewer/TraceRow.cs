namespace Kt.TraceViewer;

/// <summary>
/// A span in its place in the waterfall: the row of its parent (-1 for none), its depth, and
/// whether it names a parent that is not among the trace's spans in the file (a remote parent,
/// or one in a batch that was not written). A span whose parents loop back to it has no parent
/// row though its parent is in the file.
/// </summary>
internal readonly record struct TraceRow(TraceSpan Span, int Parent, int Depth, bool ParentMissing);
