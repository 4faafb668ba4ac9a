using Kt.TraceViewer;

// Kt.TraceViewer TRACES.jsonl [PAGE.html]: an OTLP JSON lines file as one HTML page that needs
// nothing but a browser (see TraceViewerCommand).
return TraceViewerCommand.Run(args, Console.Out, Console.Error);
