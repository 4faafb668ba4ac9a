namespace Kt.TraceViewer;

/// <summary>What the reader made of a file: its spans, the problems it met, and how many lines held something.</summary>
internal sealed class TraceFile
{
    public required IReadOnlyList<TraceSpan> Spans { get; init; }

    /// <summary>Problems in line order; a line may have several.</summary>
    public required IReadOnlyList<LineProblem> Problems { get; init; }

    /// <summary>Lines that were not blank.</summary>
    public required int Lines { get; init; }

    /// <summary>Lines that gave no span because the line as a whole could not be read.</summary>
    public required int UnreadableLines { get; init; }

    /// <summary>Spans left out because their ids or times could not be read (those of unreadable lines not counted).</summary>
    public required int SpansLeftOut { get; init; }
}
