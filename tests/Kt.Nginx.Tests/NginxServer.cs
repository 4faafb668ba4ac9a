using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Kt.Tests;

/// <summary>
/// A real nginx (the system's /usr/sbin/nginx) in a temporary prefix: a master with two
/// workers, not daemonised, its error log at info level in <see cref="ErrorLogPath"/>, free
/// loopback ports picked for the configuration. Write the http{} block with
/// <see cref="WriteConfig"/> (it may use <see cref="Ports"/> and <see cref="Prefix"/>), then
/// <see cref="Start"/>; <see cref="Reload"/> and <see cref="Quit"/> send the signals nginx -s
/// would. Dispose stops it and deletes the prefix.
/// </summary>
public sealed partial class NginxServer : IDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    private Process? _master;

    public NginxServer(int ports = 2)
    {
        Prefix = Directory.CreateTempSubdirectory("kt-nginx-").FullName;
        Directory.CreateDirectory(Path.Combine(Prefix, "logs"));
        Ports = Enumerable.Range(0, ports).Select(_ => FreePort()).ToArray();
        Modules.Add(ModulePath);
    }

    /// <summary>The kt module as ./build.sh test builds it.</summary>
    public static string ModulePath => Path.Combine(OtlpDecoder.RepositoryRoot(), "artifacts", "nginx", "ngx_http_kt_module.so");

    /// <summary>Debian's OpenResty Lua module and the development kit it needs, for Lua tests.</summary>
    public static readonly string[] LuaModules =
        ["/usr/lib/nginx/modules/ndk_http_module.so", "/usr/lib/nginx/modules/ngx_http_lua_module.so"];

    public string Prefix { get; }

    /// <summary>Free loopback ports, picked when the server was made.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>The modules load_module loads, in order; the kt module by default.</summary>
    public List<string> Modules { get; } = [];

    /// <summary>Extra main-context directives (env, thread_pool, ...).</summary>
    public string MainDirectives { get; set; } = "";

    public int WorkerProcesses { get; set; } = 2;

    public string ConfigPath => Path.Combine(Prefix, "nginx.conf");
    public string ErrorLogPath => Path.Combine(Prefix, "logs", "error.log");
    public string AccessLogPath => Path.Combine(Prefix, "logs", "access.log");
    public string PidPath => Path.Combine(Prefix, "logs", "nginx.pid");

    public string ErrorLog => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "";

    public string[] AccessLog => File.Exists(AccessLogPath) ? File.ReadAllLines(AccessLogPath) : [];

    public int MasterPid => _master?.Id ?? throw new InvalidOperationException("nginx is not started");

    public bool HasExited => _master?.HasExited ?? true;

    public Uri Url(string path, int port = 0) => new($"http://127.0.0.1:{Ports[port]}{path}");

    /// <summary>Writes nginx.conf: the main context for the tests around the given http{} body.</summary>
    public void WriteConfig(string http)
    {
        var conf = new StringBuilder();
        foreach (var module in Modules)
            conf.AppendLine($"load_module {module};");
        conf.AppendLine($$"""
            user root;
            worker_processes {{WorkerProcesses}};
            master_process on;
            daemon off;
            error_log {{ErrorLogPath}} info;
            pid {{PidPath}};
            {{MainDirectives}}
            events { worker_connections 1024; }
            http {
                access_log {{AccessLogPath}};
                client_body_temp_path {{Prefix}}/client_body;
                proxy_temp_path {{Prefix}}/proxy;
                fastcgi_temp_path {{Prefix}}/fastcgi;
                uwsgi_temp_path {{Prefix}}/uwsgi;
                scgi_temp_path {{Prefix}}/scgi;
            {{http}}
            }
            """);
        File.WriteAllText(ConfigPath, conf.ToString());
    }

    /// <summary>Runs nginx -t on the configuration: its exit code and what it printed.</summary>
    public (int ExitCode, string Output) TestConfig()
    {
        var start = StartInfo("-t");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "nginx -t did not finish in a minute");
        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>Starts the master and waits until the first port answers.</summary>
    public void Start(TimeSpan? timeout = null)
    {
        Assert.True(File.Exists(ModulePath) || !Modules.Contains(ModulePath),
            $"no {ModulePath}: run ./build.sh test (the NginxModule target builds it)");
        _master = Process.Start(StartInfo())!;
        _master.OutputDataReceived += (_, _) => { };
        _master.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _master.BeginOutputReadLine();
        _master.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_master.HasExited)
                throw new InvalidOperationException($"nginx exited with {_master.ExitCode}: {Stderr}\n{ErrorLog}");
            if (File.Exists(PidPath) && Answers(Ports[0]))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"nginx did not answer on port {Ports[0]}: {Stderr}\n{ErrorLog}");
            Thread.Sleep(50);
        }
    }

    private readonly StringBuilder _stderr = new();

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    private ProcessStartInfo StartInfo(params string[] extra)
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-p", Prefix + "/", "-c", ConfigPath, "-e", ErrorLogPath }.Concat(extra))
            start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>The master's worker processes now (its children).</summary>
    public IReadOnlyList<int> WorkerPids()
    {
        var children = $"/proc/{MasterPid}/task/{MasterPid}/children";
        return File.Exists(children)
            ? File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : [];
    }

    /// <summary>The number of threads of a process.</summary>
    public static int Threads(int pid) => Directory.GetDirectories($"/proc/{pid}/task").Length;

    /// <summary>nginx -s reload: SIGHUP; waits until none of the old workers is among the master's children.</summary>
    public void Reload(TimeSpan? timeout = null)
    {
        var old = WorkerPids();
        Signal(SIGHUP);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (WorkerPids() is var now && (now.Count < WorkerProcesses || now.Intersect(old).Any()))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the old workers did not exit after the reload:\n" + ErrorLog);
            Thread.Sleep(50);
        }
    }

    /// <summary>nginx -s quit: SIGQUIT, a graceful shutdown.</summary>
    public void Quit() => Signal(SIGQUIT);

    /// <summary>nginx -s stop: SIGTERM.</summary>
    public void Stop() => Signal(SIGTERM);

    public bool WaitForExit(TimeSpan timeout) => _master is null || _master.WaitForExit(timeout);

    public void Signal(int signal)
    {
        if (kill(MasterPid, signal) != 0)
            throw new InvalidOperationException($"kill({MasterPid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Fails when a worker crashed or nginx logged an alert.</summary>
    public void AssertNoCrash()
    {
        var log = ErrorLog;
        Assert.DoesNotContain("exited on signal", log);
        Assert.DoesNotContain("[alert]", log);
    }

    public void Dispose()
    {
        if (_master is { HasExited: false })
        {
            kill(_master.Id, SIGTERM);
            if (!_master.WaitForExit(10_000))
            {
                _master.Kill(entireProcessTree: true);
                _master.WaitForExit(10_000);
            }
        }
        _master?.Dispose();
        try { Directory.Delete(Prefix, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A free loopback port: bind port 0, read it back, let it go.</summary>
    /// <summary>A loopback port nothing uses, outside the range outgoing connections take theirs from.</summary>
    public static int FreePort() => LoopbackPorts.Free();

    private static bool Answers(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public const int SIGHUP = 1, SIGQUIT = 3, SIGTERM = 15;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
