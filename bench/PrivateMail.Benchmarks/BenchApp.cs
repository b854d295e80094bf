using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Benchmarks;

/// <summary>
/// The app's own services over a SQLite file (or a PostgreSQL database, see <see cref="BenchDatabase"/>), wired the way the web host wires them (<c>AddPrivateMailCore</c>, the
/// shared-cache connection string, options bound from configuration and validated), without the UI.
/// </summary>
internal static class BenchApp
{
    public static string ConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath }.ToString();

    /// <summary>Registers the core services; <paramref name="settings"/> become configuration (e.g. <c>Scanner:BatchSize</c>).</summary>
    public static void AddServices(IServiceCollection services, IConfigurationManager configuration, string dataDirectory, IDictionary<string, string?> settings)
    {
        configuration.AddInMemoryCollection(settings);
        // Overrides for one measurement, e.g. PRIVATEMAIL_BENCH_Scanner__TicketCapPerSenderPerHour=0 (the workload of runs before the cap).
        configuration.AddEnvironmentVariables("PRIVATEMAIL_BENCH_");
        services.AddPrivateMailCore(BenchDatabase.ConnectionString(dataDirectory), BenchDatabase.Provider);
        services.Configure<PrivateMailOptions>(o => o.DataDirectory = dataDirectory);
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
    }

    /// <summary>A plain service provider (no hosted services): for seeding and the one-shot scans.</summary>
    public static async Task<ServiceProvider> StartAsync(string dataDirectory, IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationManager();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        // No log provider: the app logs one line per stored e-mail at Information, which would measure the console.
        services.AddLogging();
        AddServices(services, configuration, dataDirectory, settings);
        var provider = services.BuildServiceProvider();
        await DatabaseInitializer.InitializeAsync(provider);
        return provider;
    }

    /// <summary>A mail server and the owner's mailbox on <paramref name="folder"/> with all four actions and every search field.</summary>
    public static async Task<int> CreateMailboxAsync(IServiceProvider services, string host, int port, string folder, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var owner = await db.Users.Where(u => u.Email == CrmPlan.OwnerEmail).Select(u => u.Id).SingleAsync(cancellationToken);
        var server = new MailServer { Name = "Bench Dovecot", ImapHost = host, ImapPort = port, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
        db.MailServers.Add(server);
        await db.SaveChangesAsync(cancellationToken);
        var mailbox = new Mailbox
        {
            OwnerId = owner, Name = "Support", MailServerId = server.Id, Login = BenchDovecot.Login,
            PasswordProtected = services.GetRequiredService<SecretProtector>().Protect(BenchDovecot.Password),
            Folders = [folder],
            Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
            SearchFields = [.. SearchFields.DefaultKeys],
        };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync(cancellationToken);
        return mailbox.Id;
    }

    /// <summary>Bytes of the database after folding the WAL back in: what the data costs on disk.</summary>
    public static long DatabaseBytes(string databasePath)
    {
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        return new FileInfo(databasePath).Length;
    }

    public static long FolderBytes(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
