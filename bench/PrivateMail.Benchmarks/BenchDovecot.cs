using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace PrivateMail.Benchmarks;

/// <summary>
/// A private Dovecot on a free loopback port, its mail on tmpfs (/dev/shm) when there is one so the server is the same
/// fast, stable limit in every run. Plain IMAP only: TLS would measure OpenSSL, not the scanner. Needs root, like the
/// test fixture (the mail folder is handed to nobody:nogroup and Dovecot drops privileges).
/// </summary>
internal sealed class BenchDovecot : IAsyncDisposable
{
    public const string Login = "bench";
    public const string Password = "benchpw";

    private Process? _master;

    private BenchDovecot(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Host => IPAddress.Loopback.ToString();

    public bool OnTmpfs => Directory.StartsWith("/dev/shm/", StringComparison.Ordinal);

    public static async Task<BenchDovecot> StartAsync(CancellationToken cancellationToken)
    {
        var dovecot = Find("dovecot") ?? throw new InvalidOperationException("Dovecot is not installed: run scripts/install-test-dependencies.sh (apt-get install dovecot-imapd).");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The benchmark runs Dovecot locally, which needs Linux.");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("The benchmark starts its own Dovecot and must run as root (the mail folder is handed to nobody).");
        }

        var root = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var directory = Path.Combine(root, "privatemail-bench-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var mail = System.IO.Directory.CreateDirectory(Path.Combine(directory, "mail")).FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "state"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "run"));
        await File.WriteAllTextAsync(Path.Combine(directory, "users"), $"{Login}:{{PLAIN}}{Password}::::::\n", cancellationToken);
        await RunAsync("chown", ["-R", "nobody:nogroup", mail], cancellationToken);

        var port = FreePort();
        var instance = new BenchDovecot(directory, port);
        await File.WriteAllTextAsync(Path.Combine(directory, "dovecot.conf"), instance.Config(), cancellationToken);
        instance._master = Process.Start(new ProcessStartInfo(dovecot)
        {
            ArgumentList = { "-F", "-c", Path.Combine(directory, "dovecot.conf") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start dovecot.");
        instance._master.OutputDataReceived += (_, _) => { };
        instance._master.ErrorDataReceived += (_, _) => { };
        instance._master.BeginOutputReadLine();
        instance._master.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = await instance.ConnectAsync(cancellationToken);
                await client.DisconnectAsync(true, cancellationToken);
                return instance;
            }
            catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException && deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                if (instance._master.HasExited)
                {
                    var log = Path.Combine(directory, "dovecot.log");
                    throw new InvalidOperationException("Dovecot exited: " + (File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "no log"));
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }

    public async Task<ImapClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        try
        {
            await client.ConnectAsync(Host, Port, SecureSocketOptions.None, cancellationToken);
            await client.AuthenticateAsync(new SaslMechanismPlain(Login, Password), cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The folder, created when missing.</summary>
    public static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var existing = (await root.GetSubfoldersAsync(false, cancellationToken)).FirstOrDefault(f => f.Name == name);
        return existing ?? await root.CreateAsync(name, true, cancellationToken) ?? throw new InvalidOperationException($"Dovecot did not create {name}.");
    }

    public string Version()
    {
        var info = new ProcessStartInfo(Find("dovecot")!) { ArgumentList = { "--version" }, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }

    public async ValueTask DisposeAsync()
    {
        if (_master is { HasExited: false })
        {
            // SIGKILL: SIGTERM takes ~2.5 s; the children exit with the master.
            _master.Kill(entireProcessTree: true);
            await _master.WaitForExitAsync();
        }

        _master?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child still exiting; the folder is in tmpfs and goes with the next reboot.
        }
    }

    private string Config() => $$"""
        base_dir = {{Directory}}/run
        state_dir = {{Directory}}/state
        instance_name = privatemail-bench
        protocols = imap
        listen = 127.0.0.1
        log_path = {{Directory}}/dovecot.log
        default_internal_user = dovecot
        default_login_user = dovenull
        first_valid_uid = 1
        mail_location = maildir:{{Directory}}/mail/%u/Maildir
        mail_fsync = never
        auth_mechanisms = plain login
        disable_plaintext_auth = no
        auth_failure_delay = 0
        ssl = no
        service anvil {
          unix_listener anvil-auth-penalty {
            mode = 0
          }
        }
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%u {{Directory}}/users
        }
        userdb {
          driver = passwd-file
          args = username_format=%u {{Directory}}/users
          default_fields = uid=nobody gid=nogroup home={{Directory}}/mail/%u
        }
        service imap-login {
          inet_listener imap {
            address = 127.0.0.1
            port = {{Port}}
          }
          inet_listener imaps {
            port = 0
          }
        }

        """;

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"])
        .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
        }
    }
}
