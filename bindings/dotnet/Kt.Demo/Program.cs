using Kt.Demo;

// kt's demos. With --jsonl FILE: the spans an nginx with ngx_http_kt_module left in an OTLP JSON
// lines file (./build.sh demo runs bindings/nginx/demo/run.sh first), summarised and printed as
// trees. With --aspnetcore DIR: a Kestrel service traced by Kt.AspNetCore (./build.sh demodotnet).
// Without arguments: a .NET service tracing three requests in process.
return args switch
{
    ["--jsonl", var file] => TraceSummary.Print(file, Console.Out),
    ["--aspnetcore", var directory] => await AspNetCoreDemo.RunAsync(directory),
    [] => InProcessDemo.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Kt.Demo [--jsonl TRACES.jsonl | --aspnetcore DIRECTORY]");
    return 2;
}
