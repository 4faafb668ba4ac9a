namespace Kt.TraceViewer;

/// <summary>
/// Something wrong on one line of the file: what was left out or taken as a default, and why.
/// Line 0 stands for a file read as one JSON document rather than as lines.
/// </summary>
internal readonly record struct LineProblem(int Line, string Message)
{
    public override string ToString() => Line == 0 ? $"the file as one JSON document: {Message}" : $"line {Line}: {Message}";
}
