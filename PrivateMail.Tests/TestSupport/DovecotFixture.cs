using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace PrivateMail.Tests.TestSupport;

/// <summary>An account in the fixture's passwd-file.</summary>
public sealed record DovecotUser(string Login, string Password)
{
    public string Email => $"{Login}@example.test";

    public MailboxAddress Address => new(Login, Email);
}

/// <summary>
/// A private Dovecot IMAP server on free loopback ports, started from a fresh temp folder:
/// plain + STARTTLS on <see cref="ImapPort"/>, implicit TLS on <see cref="ImapsPort"/>, a self-signed
/// certificate for localhost / 127.0.0.1, and special-use folders (Sent, Drafts, Trash, Junk).
/// Share it through <c>[Collection(DovecotCollection.Name)]</c>, or start a private instance with
/// <c>await using var dovecot = await DovecotFixture.StartAsync();</c> when a test must kill it or needs
/// pristine mailboxes: the shared instance keeps what earlier tests left, so use unique Message-IDs there.
/// </summary>
public sealed class DovecotFixture : IAsyncLifetime
{
    private const string InstallHint = "run ./test.sh, which installs dovecot-imapd";
    private const int StartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly StringBuilder output = new();
    private string? dovecotPath;
    private string? directory;
    private X509Certificate2? certificate;
    private string? certificateHash;
    private Process? master;

    public DovecotUser Alice { get; } = new("alice", "alicepw");

    public DovecotUser Bob { get; } = new("bob", "bobpw");

    /// <summary>Every account written to the users file. To add one: declare it above and list it here.</summary>
    public IReadOnlyList<DovecotUser> Users => [Alice, Bob];

    public string Host { get; } = IPAddress.Loopback.ToString();

    /// <summary>Plain IMAP, upgradable with STARTTLS.</summary>
    public int ImapPort { get; private set; }

    /// <summary>IMAP over implicit TLS.</summary>
    public int ImapsPort { get; private set; }

    public string Directory => directory ?? throw NotStarted();

    public string CertificatePath => Path.Combine(Directory, "cert.pem");

    public X509Certificate2 Certificate => certificate ?? throw NotStarted();

    public string ConfigPath => Path.Combine(Directory, "dovecot.conf");

    public string LogPath => Path.Combine(Directory, "dovecot.log");

    public bool IsRunning => master is { HasExited: false };

    /// <summary>
    /// Set (by <see cref="StartWithOAuthAsync"/>) for an instance that also accepts SASL XOAUTH2 and OAUTHBEARER,
    /// checking each token at this RFC 7662 introspection endpoint; passwords keep working with PLAIN and LOGIN.
    /// </summary>
    public string? OAuthIntrospectionUrl { get; private init; }

    /// <summary>The SASL mechanisms the oauth2 passdb offers (Dovecot names), when <see cref="OAuthIntrospectionUrl"/> is set.</summary>
    public string OAuthMechanisms { get; private init; } = "xoauth2 oauthbearer";

    /// <summary>
    /// Starts a private instance whose oauth2 passdb asks <paramref name="introspectionUrl"/> about tokens, offering
    /// <paramref name="mechanisms"/> (e.g. only "oauthbearer", to test a server without XOAUTH2).
    /// </summary>
    public static Task<DovecotFixture> StartWithOAuthAsync(
        string introspectionUrl, CancellationToken cancellationToken = default, string mechanisms = "xoauth2 oauthbearer") =>
        StartAsync(new DovecotFixture { OAuthIntrospectionUrl = introspectionUrl, OAuthMechanisms = mechanisms }, cancellationToken);

    /// <summary>Starts a private instance; dispose it to kill the server and delete its folder.</summary>
    public static Task<DovecotFixture> StartAsync(CancellationToken cancellationToken = default) => StartAsync(new DovecotFixture(), cancellationToken);

    /// <summary>
    /// Set (by <see cref="StartWithLmtpAsync"/>) for an instance that also delivers over LMTP on <see cref="LmtpPort"/>
    /// and answers SASL questions on <see cref="AuthPort"/> (Postfix's smtpd_sasl_type = dovecot). Users are then looked
    /// up by the local part (%n), since LMTP asks for "bob@example.test".
    /// </summary>
    public bool ServesPostfix { get; private init; }

    /// <summary>Dovecot's LMTP listener (delivery), when <see cref="ServesPostfix"/>.</summary>
    public int LmtpPort { get; private set; }

    /// <summary>Dovecot's auth inet listener (SASL for Postfix), when <see cref="ServesPostfix"/>.</summary>
    public int AuthPort { get; private set; }

    /// <summary>Starts a private instance that Postfix can authenticate against and deliver into (see <see cref="PostfixFixture"/>).</summary>
    public static Task<DovecotFixture> StartWithLmtpAsync(CancellationToken cancellationToken = default, string? oauthIntrospectionUrl = null) =>
        StartAsync(new DovecotFixture { ServesPostfix = true, OAuthIntrospectionUrl = oauthIntrospectionUrl }, cancellationToken);

    private static async Task<DovecotFixture> StartAsync(DovecotFixture fixture, CancellationToken cancellationToken)
    {
        try
        {
            await fixture.InitializeAsync(cancellationToken);
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    public ValueTask InitializeAsync() => new(InitializeAsync(TestContext.Current.CancellationToken));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            certificate?.Dispose();
            if (directory is not null && System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Connects with MailKit (to <see cref="ImapsPort"/> for implicit TLS, else <see cref="ImapPort"/>) and logs in.</summary>
    public async Task<ImapClient> ConnectAsync(DovecotUser user, SecureSocketOptions security, CancellationToken cancellationToken = default)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = ValidateServerCertificate };
        try
        {
            var port = security == SecureSocketOptions.SslOnConnect ? ImapsPort : ImapPort;
            await client.ConnectAsync(Host, port, security, cancellationToken);
            // One mechanism, one attempt: MailKit's default would retry a wrong password with LOGIN,
            // doubling Dovecot's ~0.5 s failure delay.
            await client.AuthenticateAsync(new SaslMechanismPlain(user.Login, user.Password), cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trusts exactly the fixture's certificate: the chain is self-signed, so chain errors are expected,
    /// but the certificate must be ours and must match the host name.
    /// </summary>
    public bool ValidateServerCertificate(object sender, X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors) =>
        presented is not null
        && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
        && string.Equals(presented.GetCertHashString(HashAlgorithmName.SHA256), certificateHash, StringComparison.OrdinalIgnoreCase);

    /// <summary>Appends a message to a user's folder (creating the folder if missing) and returns its UID.</summary>
    /// <param name="arrived">The message's INTERNALDATE (when the server received it); now when null.</param>
    public async Task<UniqueId> AppendAsync(DovecotUser user, string folder, MimeMessage message, CancellationToken cancellationToken = default, DateTimeOffset? arrived = null)
    {
        using var client = await ConnectAsync(user, SecureSocketOptions.None, cancellationToken);
        var target = await GetOrCreateFolderAsync(client, folder, cancellationToken);
        var uid = await target.AppendAsync(new AppendRequest(message, MessageFlags.None) { InternalDate = arrived }, cancellationToken)
            ?? throw new InvalidOperationException("Dovecot did not return an APPENDUID.");
        await client.DisconnectAsync(quit: true, cancellationToken);
        return uid;
    }

    /// <summary>Kills the master and its children with SIGKILL (SIGTERM takes ~2.5 s); the mail stays.</summary>
    public async Task StopAsync()
    {
        if (master is null)
        {
            return;
        }

        try
        {
            KillTree(master);

            using var timeout = new CancellationTokenSource(StopTimeout);
            await master.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            master.Dispose();
            master = null;
            File.Delete(Path.Combine(Directory, "run", "master.pid"));
        }
    }

    /// <summary>Starts the server again on the same ports, from an empty run folder (a stale one stalls auth ~5 s).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        StartMaster();
        await WaitUntilReadyAsync(cancellationToken);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        dovecotPath = FindExecutable("dovecot")
            ?? throw new InvalidOperationException($"Dovecot is not installed (no dovecot executable in PATH or /usr/sbin): {InstallHint}.");
        var openssl = FindExecutable("openssl")
            ?? throw new InvalidOperationException($"openssl is not installed: {InstallHint} and openssl.");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Dovecot fixture runs Dovecot locally, which needs Linux.");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("The Dovecot fixture must run as root: it hands the mail folder to nobody:nogroup and Dovecot drops privileges.");
        }

        directory = System.IO.Directory.CreateTempSubdirectory("privatemail-dovecot-").FullName;
        // Dovecot's auth (user dovecot) and mail (user nobody) processes must reach into the folder.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var mail = System.IO.Directory.CreateDirectory(Path.Combine(directory, "mail")).FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "state"));

        await File.WriteAllLinesAsync(Path.Combine(directory, "users"), Users.Select(u => $"{u.Login}:{{PLAIN}}{u.Password}::::::"), cancellationToken);
        // EC keys generate in milliseconds; RSA 2048 takes ~0.4 s per fixture.
        await RunAsync(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", Path.Combine(directory, "key.pem"), "-out", CertificatePath], cancellationToken);
        certificate = X509CertificateLoader.LoadCertificateFromFile(CertificatePath);
        certificateHash = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        // Dovecot refuses to run mail processes as uid 0.
        await RunAsync("chown", ["-R", "nobody:nogroup", mail], cancellationToken);

        for (var attempt = 1; ; attempt++)
        {
            (ImapPort, ImapsPort) = PickFreePorts();
            if (ServesPostfix)
            {
                (LmtpPort, AuthPort) = PickFreePorts();
            }

            await File.WriteAllTextAsync(ConfigPath, BuildConfig(), cancellationToken);
            if (OAuthIntrospectionUrl is { } introspection)
            {
                await File.WriteAllTextAsync(Path.Combine(Directory, "dovecot-oauth2.conf.ext"), $"""
                    introspection_mode = post
                    introspection_url = {introspection}
                    username_attribute = username
                    active_attribute = active
                    active_value = true

                    """, cancellationToken);
            }

            StartMaster();
            try
            {
                await WaitUntilReadyAsync(cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts && !IsRunning && Diagnostics().Contains("Address already in use", StringComparison.Ordinal))
            {
                // Another process took a port between PickFreePorts and Dovecot's bind: pick again.
                await StopAsync();
            }
        }
    }

    /// <summary>With OAuth, passwords only through PLAIN and LOGIN: the token mechanisms go to the oauth2 passdb.</summary>
    private string PasswordMechanisms => OAuthIntrospectionUrl is null ? "" : "\n  mechanisms = plain login";

    private string OAuthPassdb => OAuthIntrospectionUrl is null ? "" : $$"""

        passdb {
          driver = oauth2
          mechanisms = {{OAuthMechanisms}}
          args = {{Directory}}/dovecot-oauth2.conf.ext
        }
        """;

    /// <summary>The user name part of lookups: the whole login, or its local part when LMTP asks with a domain.</summary>
    private string UserFormat => ServesPostfix ? "%n" : "%u";

    private string PostfixServices => !ServesPostfix ? "" : $$"""
        service lmtp {
          inet_listener lmtp {
            address = 127.0.0.1
            port = {{LmtpPort}}
          }
        }
        service auth {
          inet_listener {
            address = 127.0.0.1
            port = {{AuthPort}}
          }
        }

        """;

    private string BuildConfig() => $$"""
        base_dir = {{Directory}}/run
        state_dir = {{Directory}}/state
        instance_name = privatemail-test
        protocols = imap{{(ServesPostfix ? " lmtp" : "")}}
        listen = 127.0.0.1
        log_path = {{LogPath}}
        default_internal_user = dovecot
        default_login_user = dovenull
        first_valid_uid = 1
        mail_location = maildir:{{Directory}}/mail/{{UserFormat}}/Maildir
        mail_fsync = never
        auth_mechanisms = plain login{{(OAuthIntrospectionUrl is null ? "" : " " + OAuthMechanisms)}}
        disable_plaintext_auth = no
        auth_verbose = yes
        # Without these two, failed logins take 2-15 s.
        auth_failure_delay = 0
        service anvil {
          unix_listener anvil-auth-penalty {
            mode = 0
          }
        }
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format={{UserFormat}} {{Directory}}/users{{PasswordMechanisms}}
        }{{OAuthPassdb}}
        userdb {
          driver = passwd-file
          args = username_format={{UserFormat}} {{Directory}}/users
          default_fields = uid=nobody gid=nogroup home={{Directory}}/mail/{{UserFormat}}
        }
        namespace inbox {
          inbox = yes
          mailbox Sent {
            special_use = \Sent
            auto = subscribe
          }
          mailbox Drafts {
            special_use = \Drafts
            auto = subscribe
          }
          mailbox Trash {
            special_use = \Trash
            auto = subscribe
          }
          mailbox Junk {
            special_use = \Junk
            auto = subscribe
          }
        }
        ssl = yes
        ssl_cert = <{{CertificatePath}}
        ssl_key = <{{Directory}}/key.pem
        ssl_dh = </usr/share/dovecot/dh.pem
        service imap-login {
          inet_listener imap {
            address = 127.0.0.1
            port = {{ImapPort}}
          }
          inet_listener imaps {
            address = 127.0.0.1
            port = {{ImapsPort}}
            ssl = yes
          }
        }
        {{PostfixServices}}
        """;

    /// <summary>
    /// SIGKILLs the master, then its descendants. Process.Kill(entireProcessTree: true) does the same but
    /// re-enumerates every process on the machine once per descendant: 100-500 ms per stop here.
    /// </summary>
    private static void KillTree(Process root)
    {
        if (root.HasExited)
        {
            return;
        }

        var children = new Dictionary<int, List<int>>();
        foreach (var (pid, parent) in ReadParentIds())
        {
            (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
        }

        // Descendants are collected before the master dies: afterwards they are re-parented.
        var descendants = new List<int>();
        var pending = new Queue<int>([root.Id]);
        while (pending.TryDequeue(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid, []))
            {
                descendants.Add(child);
                pending.Enqueue(child);
            }
        }

        // The master first, so it cannot fork replacements for the children killed next.
        root.Kill();
        foreach (var pid in descendants)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone: children exit on their own once the master dies.
            }
        }
    }

    private static IEnumerable<(int Pid, int Parent)> ReadParentIds()
    {
        foreach (var entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(entry, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            // "pid (comm) state ppid ...": comm may contain spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            yield return (pid, int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
    }

    private void StartMaster()
    {
        var run = Path.Combine(Directory, "run");
        if (System.IO.Directory.Exists(run))
        {
            System.IO.Directory.Delete(run, recursive: true);
        }

        System.IO.Directory.CreateDirectory(run);
        lock (output)
        {
            output.Clear();
        }

        var startInfo = new ProcessStartInfo(dovecotPath ?? throw NotStarted())
        {
            ArgumentList = { "-F", "-c", ConfigPath },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        var process = new Process { StartInfo = startInfo };
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        master = process;
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>Polls both listeners until each greets with "* OK" (over TLS for the implicit-TLS one).</summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        foreach (var (port, tls) in new[] { (ImapPort, false), (ImapsPort, true) })
        {
            Exception? last = null;
            while (true)
            {
                if (master is null || master.HasExited)
                {
                    var exitCode = "unknown";
                    if (master is not null)
                    {
                        // Drains the redirected output, so the message below has all of it.
                        await master.WaitForExitAsync(cancellationToken);
                        exitCode = master.ExitCode.ToString(CultureInfo.InvariantCulture);
                    }

                    throw new InvalidOperationException($"Dovecot exited during start-up (exit code {exitCode}).{Diagnostics()}", last);
                }

                try
                {
                    await ReadGreetingAsync(port, tls, deadline.Token);
                    break;
                }
                catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
                {
                    last = e;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }

                if (deadline.IsCancellationRequested)
                {
                    throw new InvalidOperationException(
                        $"Dovecot did not greet on {Host}:{port}{(tls ? " (implicit TLS)" : "")} within {StartTimeout.TotalSeconds:0} s.{Diagnostics()}", last);
                }

                await Task.Delay(10, cancellationToken);
            }
        }
    }

    private async Task ReadGreetingAsync(int port, bool tls, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await using var ssl = tls ? new SslStream(tcp.GetStream()) : null;
        if (ssl is not null)
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = Host,
                RemoteCertificateValidationCallback = ValidateServerCertificate,
            }, cancellationToken);
        }

        using var reader = new StreamReader(ssl ?? (Stream)tcp.GetStream(), Encoding.ASCII);

        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken)
                ?? throw new IOException($"Dovecot closed {Host}:{port} before greeting.");
            // While auth is still starting, imap-login sends this notice first; the real greeting follows.
            if (line.StartsWith("* OK", StringComparison.Ordinal) && !line.Contains("Waiting for authentication", StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    private string Diagnostics()
    {
        string stderr;
        lock (output)
        {
            stderr = output.ToString().Trim();
        }

        var log = "";
        if (directory is not null && File.Exists(LogPath))
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            log = string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(30));
        }

        return $"{Environment.NewLine}--- dovecot stderr ---{Environment.NewLine}{stderr}{Environment.NewLine}--- dovecot.log (tail) ---{Environment.NewLine}{log}";
    }

    private static async Task<IMailFolder> GetOrCreateFolderAsync(ImapClient client, string folder, CancellationToken cancellationToken)
    {
        if (string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return client.Inbox;
        }

        try
        {
            return await client.GetFolderAsync(folder, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
        }

        var parent = client.GetFolder(client.PersonalNamespaces[0]);
        foreach (var name in folder.Split(parent.DirectorySeparator))
        {
            var existing = (await parent.GetSubfoldersAsync(subscribedOnly: false, cancellationToken)).FirstOrDefault(f => f.Name == name);
            parent = existing
                ?? await parent.CreateAsync(name, isMessageFolder: true, cancellationToken)
                ?? throw new InvalidOperationException($"Dovecot did not create folder {name}.");
        }

        return parent;
    }

    private static (int Imap, int Imaps) PickFreePorts()
    {
        // Both held at once so they differ; Dovecot binds with SO_REUSEADDR right after.
        var imap = new TcpListener(IPAddress.Loopback, 0);
        var imaps = new TcpListener(IPAddress.Loopback, 0);
        try
        {
            imap.Start();
            imaps.Start();
            return (((IPEndPoint)imap.LocalEndpoint).Port, ((IPEndPoint)imaps.LocalEndpoint).Port);
        }
        finally
        {
            imap.Stop();
            imaps.Stop();
        }
    }

    private static string? FindExecutable(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"])
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    private static async Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}");
        }
    }

    private static InvalidOperationException NotStarted() => new("The Dovecot fixture has not been started.");
}
