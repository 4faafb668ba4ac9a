// Build script for kt. Run through ./build.sh TARGET (Setup, Build, Native, NginxModule, Test, Bench, BenchLua, BenchNginx, BenchAspNetCore, Demo, DemoDotnet; default Test).
using System.Xml.Linq;

var target = Argument("target", "Default");
var configuration = "Release";
var solution = "./Engine.sln";
var testResults = Directory("./artifacts/test-results");
var benchArtifacts = Directory("./artifacts/bench");
var benchProject = File("./bench/Kt.Bench/Kt.Bench.csproj");
var demoProject = File("./bindings/dotnet/Kt.Demo/Kt.Demo.csproj");
var viewerProject = File("./bindings/dotnet/Kt.TraceViewer/Kt.TraceViewer.csproj");
var nativeProject = File("./native/Kt.Native.csproj");
var nativeOutput = Directory("./artifacts/native");
var cTests = File("./tests/c/run.sh");
var luaTests = File("./tests/lua/run.sh");
var nginxModuleBuild = File("./bindings/nginx/build.sh");
var nginxDemo = File("./bindings/nginx/demo/run.sh");

// System (apt) packages the tests need beyond the .NET SDK. Add them here as they come up.
// gcc and the C library headers link libkt.so (NativeAOT) and build the C tests; g++ checks that
// kt.h compiles as C++; binutils gives nm and readelf.
// luajit2 is OpenResty's LuaJIT (Debian's plain luajit conflicts with it), which the Lua binding's
// tests run under and libnginx-mod-http-lua embeds; nginx and nginx-dev run and build the Nginx
// parts; wrk loads them in the tests and benchmarks. chromium (headless) loads the trace viewer's
// page in its tests.
var systemPackages = new string[] { "gcc", "g++", "libc6-dev", "binutils", "zlib1g-dev",
    "luajit2", "nginx", "nginx-dev", "libnginx-mod-http-lua", "wrk", "chromium" };

// Set by Test; printed after Cake's task summary so it is the last line of the run.
string testSummary = null;

// ---------------------------------------------------------------------------
// Helpers

bool IsInstalled(string package)
{
    var exit = StartProcess("dpkg", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append("-s").Append(package),
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    }, out var output);
    return exit == 0 && output.Any(line => line.Trim() == "Status: install ok installed");
}

bool OnPath(string tool) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => System.IO.File.Exists(System.IO.Path.Combine(dir, tool)));

bool aptUpdated = false;

void RunAsRoot(string command, params string[] args)
{
    StartProcess("id", new ProcessSettings { Arguments = "-u", RedirectStandardOutput = true }, out var uid);
    var isRoot = uid.FirstOrDefault()?.Trim() == "0";
    var builder = new ProcessArgumentBuilder();
    string exe;
    if (isRoot) {
        exe = command;
    } else if (OnPath("sudo")) {
        exe = "sudo";
        builder.Append("env").Append("DEBIAN_FRONTEND=noninteractive").Append(command);
    } else {
        throw new CakeException($"Need root (or sudo) to run: {command} {string.Join(" ", args)}");
    }
    foreach (var arg in args) builder.Append(arg);
    Information($"> {exe} {builder.Render()}");
    var exit = StartProcess(exe, new ProcessSettings {
        Arguments = builder,
        EnvironmentVariables = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
    });
    if (exit != 0) throw new CakeException($"{command} {string.Join(" ", args)} failed with exit code {exit}");
}

// Installs the given Debian packages if any of them is missing; runs apt-get update once per build.
void AptInstall(params string[] packages)
{
    if (packages.Length == 0) return;
    if (!OnPath("dpkg") || !OnPath("apt-get"))
        throw new CakeException($"dpkg/apt-get not found; install these packages by hand: {string.Join(" ", packages)}");
    var missing = packages.Where(p => !IsInstalled(p)).ToArray();
    if (missing.Length == 0) {
        Information($"System packages present: {string.Join(" ", packages)}");
        return;
    }
    Information($"Installing missing system packages: {string.Join(" ", missing)}");
    if (!aptUpdated) {
        RunAsRoot("apt-get", "update");
        aptUpdated = true;
    }
    RunAsRoot("apt-get", new[] { "install", "-y", "--no-install-recommends" }.Concat(missing).ToArray());
}


// Runs a test script that ends with "N passed, N failed"; a script that prints no such line, or
// fails without counting a failure, counts as one failed test.
(long passed, long failed) RunCountedSuite(FilePath script, string argument)
{
    var exit = StartProcess("bash", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append(script.FullPath).Append(argument),
        RedirectStandardOutput = true,
    }, out var output);
    var lines = output.ToList();
    foreach (var line in lines) Information(line);
    var summary = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^(\d+) passed, (\d+) failed$")).LastOrDefault(m => m.Success);
    if (summary == null) {
        Error($"{script} printed no 'N passed, N failed' line (exit {exit})");
        return (0, 1);
    }
    long passed = long.Parse(summary.Groups[1].Value), failed = long.Parse(summary.Groups[2].Value);
    if (exit != 0 && failed == 0) {
        Error($"{script} exited with {exit}");
        failed++;
    }
    return (passed, failed);
}

// ---------------------------------------------------------------------------
// Tasks

Task("Setup")
    .Description("Install the system packages the tests need (beyond the .NET SDK).")
    .Does(() =>
{
    AptInstall(systemPackages);
    // Node.js runs the OTLP decoder of the tests; Debian's packages only where none is on the PATH
    // (a Node.js installed another way ships its own npm, which Debian's npm would conflict with).
    if (!OnPath("node")) AptInstall("nodejs");
    if (!OnPath("npm")) AptInstall("npm");
    // The decoder OpenTelemetry's JavaScript project generates from the official OTLP schema.
    if (!DirectoryExists("./tests/otlp/node_modules/@opentelemetry/otlp-transformer")) {
        var exit = StartProcess("npm", new ProcessSettings {
            Arguments = "ci --no-audit --no-fund",
            WorkingDirectory = "./tests/otlp",
        });
        if (exit != 0) throw new CakeException($"npm ci in tests/otlp failed with exit code {exit}");
    }
});

Task("Build")
    .Description("dotnet build Engine.sln -c Release")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Native")
    .Description("Publish libkt.so with NativeAOT into artifacts/native/.")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetPublish(nativeProject.Path.FullPath, new DotNetPublishSettings {
        Configuration = configuration,
        OutputDirectory = nativeOutput,
    });
});

Task("NginxModule")
    .Description("Build the Nginx module (bindings/nginx) against Debian's nginx-dev into artifacts/nginx/.")
    .IsDependentOn("Setup")
    .IsDependentOn("Native")
    .Does(() =>
{
    var exit = StartProcess("bash", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append(nginxModuleBuild.Path.FullPath).Append(MakeAbsolute(nativeOutput).FullPath),
    });
    if (exit != 0) throw new CakeException($"bindings/nginx/build.sh failed with exit code {exit}");
});

// "FAILED Class.Method: first line of the message" for each test a TRX file records as not passed.
IEnumerable<string> FailedTestsIn(XDocument trx)
{
    foreach (var result in trx.Descendants().Where(e => e.Name.LocalName == "UnitTestResult")) {
        var outcome = (string)result.Attribute("outcome");
        if (outcome is "Passed" or "NotExecuted") continue;
        var message = result.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? "";
        var firstLine = message.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        yield return $"{outcome.ToUpperInvariant()} {(string)result.Attribute("testName")}: {firstLine}";
    }
}

Task("Test")
    .Description("Run every test; prints 'N passed, N failed, N skipped'.")
    .IsDependentOn("Setup")
    .IsDependentOn("Build")
    .IsDependentOn("Native")
    .IsDependentOn("NginxModule")
    .Does(() =>
{
    CleanDirectory(testResults);
    Exception testError = null;
    try {
        DotNetTest(solution, new DotNetTestSettings {
            Configuration = configuration,
            NoBuild = true,
            ResultsDirectory = testResults,
            Loggers = new List<string> { "console;verbosity=normal", "trx" },
        });
    } catch (Exception e) {
        testError = e; // report the counts first, fail below
    }

    long passed = 0, failed = 0, total = 0, executed = 0;
    var failedTests = new List<string>();
    var trxFiles = GetFiles($"{testResults}/**/*.trx");
    foreach (var trx in trxFiles) {
        var doc = XDocument.Load(trx.FullPath);
        failedTests.AddRange(FailedTestsIn(doc));
        foreach (var c in doc.Descendants().Where(e => e.Name.LocalName == "Counters")) {
            long N(string name) => long.TryParse((string)c.Attribute(name), out var v) ? v : 0;
            passed += N("passed");
            failed += N("failed") + N("error") + N("timeout") + N("aborted");
            total += N("total");
            executed += N("executed");
        }
    }
    // The C and Lua tests print their own "N passed, N failed" line last.
    foreach (var suite in new[] { cTests, luaTests }) {
        var (suitePassed, suiteFailed) = RunCountedSuite(suite, MakeAbsolute(nativeOutput).FullPath);
        passed += suitePassed;
        failed += suiteFailed;
        total += suitePassed + suiteFailed;
        executed += suitePassed + suiteFailed;
    }

    var skipped = Math.Max(0, total - executed);
    testSummary = $"{passed} passed, {failed} failed, {skipped} skipped";
    Information($"Read {trxFiles.Count} TRX file(s) from {testResults}.");
    // Named again last, so that the tail of a long log says what failed.
    foreach (var line in failedTests) Error(line);

    if (failed > 0) throw new CakeException($"{failed} test(s) failed.");
    if (passed + failed == 0) throw new CakeException("No tests ran.", testError);
    if (testError != null) throw new CakeException($"dotnet test failed (test run aborted or crashed?): {testError.Message}", testError);
});

Task("Bench")
    .Description("Run the BenchmarkDotNet suite, the C ABI harness and the Lua benchmarks; reports go to bench/results/ (extra args: --bench-args=\"...\").")
    .IsDependentOn("Native")
    .IsDependentOn("BenchLua")
    .IsDependentOn("BenchNginx")
    .IsDependentOn("BenchAspNetCore")
    .Does(() =>
{
    if (!FileExists(benchProject))
        throw new CakeException($"Benchmark project {benchProject} does not exist yet.");
    var artifacts = MakeAbsolute(benchArtifacts);
    CleanDirectory($"{artifacts}/results");
    var extra = Argument("bench-args", "");
    var args = new ProcessArgumentBuilder().Append("--artifacts").AppendQuoted(artifacts.FullPath);
    // Every suite unless the extra arguments choose some.
    if (!System.Text.RegularExpressions.Regex.IsMatch(extra, @"(^|\s)(--filter|-f)(\s|=|$)"))
        args.Append("--filter").AppendQuoted("*");
    if (!string.IsNullOrWhiteSpace(extra)) args.Append(extra);

    DotNetRun(benchProject.Path.FullPath, args, new DotNetRunSettings { Configuration = configuration });

    var reports = GetFiles($"{artifacts}/results/*-report-github.md");
    if (reports.Count == 0)
        throw new CakeException($"No *-report-github.md in {artifacts}/results (did any benchmark match?).");
    EnsureDirectoryExists("./bench/results");
    CopyFiles(reports, "./bench/results");
    foreach (var r in reports) Information($"Copied {r.GetFilename()} to bench/results/");

    // The C ABI harness: a span through libkt.so from C, beside an empty exported call.
    var lib = MakeAbsolute(nativeOutput).FullPath;
    var harness = MakeAbsolute(File("./artifacts/bench/cabi_bench")).FullPath;
    var compile = StartProcess("gcc", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder()
            .Append("-O2").Append("-std=c99").Append("-Wall").Append("-Wextra").Append("-Werror").Append("-pedantic")
            .Append("-Inative/include").Append("bench/native/cabi_bench.c")
            .Append($"-L{lib}").Append("-lkt").Append($"-Wl,-rpath,{lib}").Append("-o").Append(harness),
    });
    if (compile != 0) throw new CakeException("gcc could not build bench/native/cabi_bench.c");
    var run = StartProcess(harness, new ProcessSettings { RedirectStandardOutput = true }, out var table);
    if (run != 0) throw new CakeException($"the C ABI harness exited with {run}");
    var lines = table.ToList();
    foreach (var line in lines) Information(line);
    System.IO.File.WriteAllLines("./bench/results/cabi.md", new[] { "# libkt.so from C", "" }.Concat(lines));
    Information("Wrote bench/results/cabi.md");

    // A proxied request's calls, as the Nginx module makes them, warm and with the host's data
    // written between requests.
    var requestHarness = MakeAbsolute(File("./artifacts/bench/request_bench")).FullPath;
    compile = StartProcess("gcc", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder()
            .Append("-O2").Append("-std=c99").Append("-Wall").Append("-Wextra").Append("-Werror").Append("-pedantic")
            .Append("-Inative/include").Append("bench/native/request_bench.c")
            .Append($"-L{lib}").Append("-lkt").Append($"-Wl,-rpath,{lib}").Append("-o").Append(requestHarness),
    });
    if (compile != 0) throw new CakeException("gcc could not build bench/native/request_bench.c");
    run = StartProcess(requestHarness, new ProcessSettings { RedirectStandardOutput = true }, out var requestTable);
    if (run != 0) throw new CakeException($"the request harness exited with {run} (spans dropped or failed)");
    lines = requestTable.ToList();
    foreach (var line in lines) Information(line);
    System.IO.File.WriteAllLines("./bench/results/request.md", new[] { "# A proxied request's calls into libkt.so, as the Nginx module makes them", "" }.Concat(lines));
    Information("Wrote bench/results/request.md");
});

Task("BenchLua")
    .Description("LuaJIT's cost per span and OpenResty's requests/s with 5 spans per request; reports go to bench/results/lua.md and nginx-lua.md.")
    .IsDependentOn("Setup")
    .IsDependentOn("Native")
    .IsDependentOn("NginxModule")
    .Does(() =>
{
    var lib = MakeAbsolute(nativeOutput).FullPath;
    EnsureDirectoryExists("./bench/results");
    var perSpan = StartProcess("luajit", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append("bench/lua/span_bench.lua").Append("bench/results/lua.md"),
        EnvironmentVariables = new Dictionary<string, string> {
            ["KT_LIBRARY"] = $"{lib}/libkt.so",
            ["LUA_PATH"] = "bindings/lua/?.lua;bench/lua/?.lua;;",
        },
    });
    if (perSpan != 0) throw new CakeException($"bench/lua/span_bench.lua exited with {perSpan}");
    var wrk = StartProcess("bash", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append("bench/lua/wrk_bench.sh").Append(lib).Append("bench/results/nginx-lua.md"),
    });
    if (wrk != 0) throw new CakeException($"bench/lua/wrk_bench.sh exited with {wrk}");
});

Task("BenchNginx")
    .Description("Requests/s and latency of nginx without the kt module, with kt_trace off and with kt_trace on (100%, OTLP/HTTP protobuf to a loopback receiver), proxied and bare; report to bench/results/nginx.md.")
    .IsDependentOn("Setup")
    .IsDependentOn("NginxModule")
    .Does(() =>
{
    EnsureDirectoryExists("./bench/results");
    var exit = StartProcess("bash", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append("bench/nginx/wrk_bench.sh").Append("bench/results/nginx.md"),
    });
    if (exit != 0) throw new CakeException($"bench/nginx/wrk_bench.sh exited with {exit}");
});

Task("BenchAspNetCore")
    .Description("Requests/s, CPU and allocated bytes per request of an ASP.NET Core minimal API without tracing, with kt (Kt.AspNetCore) and with the OpenTelemetry SDK, under wrk; report to bench/results/aspnetcore.md.")
    .IsDependentOn("Setup")
    .IsDependentOn("Build")
    .Does(() =>
{
    EnsureDirectoryExists("./bench/results");
    var exit = StartProcess("bash", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append("bench/aspnetcore/wrk_bench.sh").Append("bench/results/aspnetcore.md"),
    });
    if (exit != 0) throw new CakeException($"bench/aspnetcore/wrk_bench.sh exited with {exit}");
});

Task("Demo")
    .Description("The Nginx demo: nginx with the kt module takes some traffic, leaves its spans in artifacts/demo/traces.jsonl, Kt.Demo prints them back as trees, and Kt.TraceViewer writes them as a page, artifacts/demo/traces.html.")
    .IsDependentOn("Setup")
    .IsDependentOn("NginxModule")
    .Does(() =>
{
    var output = MakeAbsolute(Directory("./artifacts/demo"));
    // Kt.Demo runs in the repository's root, where the relative path reads best in its output.
    var exit = StartProcess("bash", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder().Append(nginxDemo.Path.FullPath).Append(output.FullPath),
    });
    if (exit != 0) throw new CakeException($"bindings/nginx/demo/run.sh exited with {exit}");
    DotNetRun(demoProject.Path.FullPath,
        new ProcessArgumentBuilder().Append("--jsonl").Append("artifacts/demo/traces.jsonl"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true });
    // The same spans as a page to open in a browser: artifacts/demo/traces.html (the tool prints its path).
    DotNetRun(viewerProject.Path.FullPath,
        new ProcessArgumentBuilder().Append("artifacts/demo/traces.jsonl"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true });
});

Task("DemoDotnet")
    .Description("The ASP.NET Core demo: a Kestrel service traced by Kt.AspNetCore calls itself through HttpClient, leaves its spans in artifacts/demo-aspnetcore/traces.jsonl, and Kt.Demo prints them back as trees.")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetRun(demoProject.Path.FullPath,
        new ProcessArgumentBuilder().Append("--aspnetcore").Append("artifacts/demo-aspnetcore"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true });
});

Task("Default")
    .IsDependentOn("Test");

try {
    RunTarget(target);
} finally {
    if (testSummary != null) Console.WriteLine(testSummary);
}
