using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailKit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Npgsql;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Benchmarks;

/// <summary>
/// Scanning throughput with several app nodes sharing mailboxes by lease (issue 14): a private PostgreSQL and Dovecot,
/// M mailboxes × K messages, then N real app processes (<c>dotnet PrivateMail.Web.dll</c>, configured by environment
/// variables as in the container) scanning on the schedule until every message is stored. Prints a README table row.
/// <c>bench/run.sh nodes --nodes 2 --mailboxes 20 --per-mailbox 500</c>.
/// </summary>
internal static class NodesBench
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    public static async Task<int> RunAsync(int nodes, int mailboxes, int perMailbox, string repo, CancellationToken cancellationToken)
    {
        await using var dovecot = await BenchDovecot.StartAsync(cancellationToken);
        var pgDirectory = Path.Combine(Path.GetTempPath(), "privatemail-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var pgPort = FreePort();
        await StartPostgresAsync(pgDirectory, pgPort, cancellationToken);
        var children = new List<Process>();
        var dataDirectories = new List<string>();
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = pgPort, Username = "postgres", Database = "privatemail" }.ToString();
            await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ToString()))
            {
                await admin.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand("CREATE DATABASE privatemail", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var total = await SeedAsync(connectionString, dovecot, mailboxes, perMailbox, cancellationToken);
            Console.WriteLine($"Seeded {total} messages in {mailboxes} mailboxes; starting {nodes} nodes.");

            var dll = Path.Combine(repo, "PrivateMail.Web", "bin", "Release", "net10.0", "PrivateMail.Web.dll");
            var clock = Stopwatch.StartNew();
            for (var i = 1; i <= nodes; i++)
            {
                var data = Directory.CreateTempSubdirectory("privatemail-bench-node-").FullName;
                dataDirectories.Add(data);
                children.Add(StartNode(dll, $"bench-node-{i}", connectionString, data));
            }

            var options = new DbContextOptionsBuilder<AppDbContext>().Use(DatabaseProvider.PostgreSql, connectionString).Options;
            TimeSpan? first = null;
            var stored = 0;
            while (stored < total)
            {
                if (children.FirstOrDefault(c => c.HasExited) is { } exited)
                {
                    throw new InvalidOperationException($"A node exited with {exited.ExitCode}.");
                }

                await Task.Delay(100, cancellationToken);
                await using var db = new AppDbContext(options);
                stored = await db.Emails.CountAsync(cancellationToken);
                if (stored > 0)
                {
                    first ??= clock.Elapsed;
                }
            }

            var wall = clock.Elapsed;
            var cpu = children.Sum(c => c.TotalProcessorTime.TotalSeconds);
            Dictionary<string, int> byNode;
            await using (var db = new AppDbContext(options))
            {
                byNode = await db.ScanRuns.Where(r => r.NodeId != null).GroupBy(r => r.NodeId!)
                    .Select(g => new { g.Key, Stored = g.Sum(r => r.Stored) }).ToDictionaryAsync(g => g.Key, g => g.Stored, cancellationToken);
            }

            var scanning = wall - first!.Value;
            var split = string.Join(" / ", byNode.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => n.Value.ToString("N0", CultureInfo.InvariantCulture)));
            var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0] : "?";
            Console.WriteLine($"| {nodes} nodes, {mailboxes} mailboxes × {perMailbox:N0} (PostgreSQL 15) | {total:N0} | {wall.TotalSeconds:0.0} s from start ({first.Value.TotalSeconds:0.0} s to the first e-mail) | {total / scanning.TotalSeconds:N0} msg/s | {cpu:0.0} CPU-s (all nodes) | stored per node {split} | load {load} |");
            return 0;
        }
        finally
        {
            foreach (var child in children.Where(c => !c.HasExited))
            {
                child.Kill();
                await child.WaitForExitAsync(CancellationToken.None);
            }

            await RunAsync(Path.Combine(PgBin, "pg_ctl"), $"-D {pgDirectory}/data -m immediate stop", CancellationToken.None, throwOnError: false);
            foreach (var directory in dataDirectories.Append(pgDirectory))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Left for the OS's temp cleaning.
                }
            }
        }
    }

    /// <summary>Migrations, My mail on, one owner and mailbox per folder, each filled with MULTIAPPEND; keys in the database as the nodes keep them.</summary>
    private static async Task<int> SeedAsync(string connectionString, BenchDovecot dovecot, int mailboxes, int perMailbox, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddPrivateMailCore(connectionString, DatabaseProvider.PostgreSql);
        services.AddDataProtection().SetApplicationName("PrivateMail").PersistKeysToDbContext<AppDbContext>();
        await using var provider = services.BuildServiceProvider();
        await DatabaseInitializer.InitializeAsync(provider);
        await provider.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "bench");
        var protector = provider.GetRequiredService<SecretProtector>();

        using (var client = await dovecot.ConnectAsync(cancellationToken))
        {
            for (var m = 1; m <= mailboxes; m++)
            {
                var folder = await BenchDovecot.FolderAsync(client, $"node-bench-{m}", cancellationToken);
                await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
                foreach (var chunk in Enumerable.Range(1, perMailbox).Chunk(250))
                {
                    await folder.AppendAsync(chunk.Select(i => (IAppendRequest)new AppendRequest(Message(m, i))).ToList(), cancellationToken);
                }
            }

            await client.DisconnectAsync(true, cancellationToken);
        }

        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken);
        var server = new MailServer { Name = "Bench Dovecot", ImapHost = dovecot.Host, ImapPort = dovecot.Port, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
        db.MailServers.Add(server);
        for (var m = 1; m <= mailboxes; m++)
        {
            var owner = new ApplicationUser { UserName = $"owner{m}", NormalizedUserName = $"OWNER{m}", Email = $"owner{m}@crm.example", ProvenEmail = $"owner{m}@crm.example", SecurityStamp = "x" };
            db.Users.Add(owner);
            db.Mailboxes.Add(new Mailbox
            {
                Owner = owner, Name = $"Box {m}", MailServer = server, Login = BenchDovecot.Login,
                PasswordProtected = protector.Protect(BenchDovecot.Password),
                Folders = [$"node-bench-{m}"],
                Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
                SearchFields = [.. SearchFields.DefaultKeys],
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        return mailboxes * perMailbox;
    }

    private static MimeMessage Message(int mailbox, int i)
    {
        var message = new MimeMessage { Subject = $"Question {i} to box {mailbox}", MessageId = $"m{mailbox}-{i}@nodes.bench", Date = DateTimeOffset.UtcNow.AddMinutes(-i) };
        message.From.Add(new MailboxAddress($"Sender {i}", $"sender{i}.box{mailbox}@stranger.example"));
        message.To.Add(new MailboxAddress("Support", "support@crm.example"));
        message.Body = new TextPart("plain") { Text = $"Message {i}. " + string.Concat(Enumerable.Repeat("lorem ipsum dolor ", 30)) };
        return message;
    }

    /// <summary>A node as the container starts it: Production, configuration from the environment only.</summary>
    private static Process StartNode(string dll, string nodeId, string connectionString, string data)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false };
        start.ArgumentList.Add(Path.GetFileName(dll));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["PrivateMail__DataDirectory"] = data;
        start.Environment["PrivateMail__Database__Provider"] = "PostgreSql";
        start.Environment["ConnectionStrings__PrivateMail"] = connectionString;
        start.Environment["PrivateMail__Nodes__NodeId"] = nodeId;
        start.Environment["PrivateMail__Nodes__LeaseSeconds"] = "6";
        start.Environment["PrivateMail__Nodes__RenewSeconds"] = "2";
        start.Environment["Scanner__IntervalSeconds"] = "1";
        // One Dovecot user behind every mailbox: IDLE connections would pass its per-user cap; the schedule reads.
        start.Environment["Scanner__Push"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start " + dll);
    }

    private static async Task StartPostgresAsync(string directory, int port, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", $"postgres {directory}", cancellationToken);
        }

        await RunAsync(Path.Combine(PgBin, "initdb"), $"-D {directory}/data -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8", cancellationToken);
        var options = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300";
        await RunAsync(Path.Combine(PgBin, "pg_ctl"), $"-D {directory}/data -l {directory}/server.log -w -t 60 -o \"{options}\" start", cancellationToken);
    }

    private static async Task RunAsync(string file, string arguments, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var asPostgres = Environment.IsPrivilegedProcess && file.StartsWith(PgBin, StringComparison.Ordinal);
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file, asPostgres ? $"-u postgres -- {file} {arguments}" : arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + file);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
