using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The app itself in a process of its own, started the way the Dockerfile's entrypoint starts it
/// (<c>dotnet PrivateMail.Web.dll</c> in its folder, Production, configured only through environment variables), so a
/// test can run several nodes on one database and SIGKILL one. The web project's own build output is used (same
/// configuration as the tests).
/// </summary>
internal sealed class AppNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppNodeProcess(Process process, string nodeId, string dataDirectory, int port)
    {
        _process = process;
        NodeId = nodeId;
        DataDirectory = dataDirectory;
        BaseAddress = $"http://127.0.0.1:{port}";
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string NodeId { get; }

    public string DataDirectory { get; }

    public string BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the node logged (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a node on PostgreSQL with its own data folder, port and node id, plus <paramref name="settings"/> (as configuration keys).</summary>
    public static AppNodeProcess Start(string nodeId, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var dll = WebAssemblyPath();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "privatemail-tests", "node-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var port = FreePort();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFileName(dll));
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PrivateMail__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Scanner__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        // As in the container: Production, the data folder, the port; then the database and this node's name.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["PrivateMail__DataDirectory"] = dataDirectory;
        start.Environment["PrivateMail__Database__Provider"] = "PostgreSql";
        start.Environment["ConnectionStrings__PrivateMail"] = connectionString;
        start.Environment["PrivateMail__Nodes__NodeId"] = nodeId;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__PrivateMail.Web.Features.Nodes"] = "Information";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + dll);
        return new AppNodeProcess(process, nodeId, dataDirectory, port);
    }

    /// <summary>Waits until the node answers HTTP (the app is up, its database migrated and checked).</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"Node {NodeId} exited ({_process.ExitCode}) before serving:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(BaseAddress + "/Account/Login", deadline.Token);
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Node {NodeId} did not serve within {timeout.TotalSeconds:0} s:\n{Output}");
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Node {NodeId} did not serve within {timeout.TotalSeconds:0} s:\n{Output}");
            }
        }
    }

    /// <summary>SIGSTOP: the node is frozen where it is — nothing it started finishes, nothing new starts — until <see cref="Resume"/>.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>SIGCONT: a node frozen by <see cref="Pause"/> goes on.</summary>
    public void Resume() => Signal(SigCont);

    // Linux's signal numbers.
    private const int SigCont = 18;
    private const int SigStop = 19;

    private void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGKILL: nothing in the node runs afterwards (no lease released, no run closed).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned with the temp folder eventually.
        }
    }

    /// <summary>The web project's build output of the configuration these tests were built in.</summary>
    private static string WebAssemblyPath()
    {
        var testDirectory = Path.GetDirectoryName(typeof(AppNodeProcess).Assembly.Location)!;
        var framework = Path.GetFileName(testDirectory);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testDirectory)!);
        for (var dir = new DirectoryInfo(testDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PrivateMail.sln")))
            {
                var dll = Path.Combine(dir.FullName, "PrivateMail.Web", "bin", configuration, framework, "PrivateMail.Web.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the web project ({configuration}) first: {dll} is missing.", dll);
            }
        }

        throw new DirectoryNotFoundException("PrivateMail.sln not found above " + testDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
