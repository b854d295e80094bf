using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

[assembly: AssemblyFixture(typeof(PrivateMail.Tests.TestSupport.PostgreSqlServerShutdown))]

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// A private PostgreSQL 15 (Debian's postgresql-15) for the whole test run: <c>initdb</c> into a fresh temp folder,
/// <c>pg_ctl start</c> on a free loopback port, started on first use (runs that need no PostgreSQL pay nothing) and
/// stopped by <see cref="PostgreSqlServerShutdown"/> when the run ends. Each test gets its own database, copied from a
/// migrated template (<c>CREATE DATABASE … TEMPLATE</c>, a file copy), so tests neither wait for migrations nor see each
/// other's rows. As root the server runs as the <c>postgres</c> user (PostgreSQL refuses root).
/// </summary>
public sealed class PostgreSqlServer
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string InstallHint = "run ./test.sh, which installs postgresql-15";
    private const string Template = "privatemail_template";
    private static readonly Lazy<PostgreSqlServer> LazyShared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databases;

    private PostgreSqlServer(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    /// <summary>The run's server, started by the first caller.</summary>
    public static PostgreSqlServer Shared => LazyShared.Value;

    internal static bool Started => LazyShared.IsValueCreated;

    public string Directory { get; }

    public int Port { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>A connection string to a database of this server (pooling off for administrative use).</summary>
    public string ConnectionString(string database, bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = pooling,
        // The scanner's tests run many short contexts; the default pool is plenty, but fail fast when the server is gone.
        Timeout = 15,
    }.ToString();

    /// <summary>A new database with the app's schema applied (from the template); its connection string.</summary>
    public string CreateDatabase()
    {
        var name = $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        Execute($"CREATE DATABASE \"{name}\" TEMPLATE \"{Template}\"");
        return ConnectionString(name);
    }

    /// <summary>A new database with nothing in it (not even the migrations): for the migrations' own test.</summary>
    public string CreateEmptyDatabase()
    {
        var name = $"empty_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        Execute($"CREATE DATABASE \"{name}\" TEMPLATE template0");
        return ConnectionString(name);
    }

    /// <summary>Drops a test's database, closing what the test left open.</summary>
    public void DropDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        Execute($"DROP DATABASE IF EXISTS \"{builder.Database}\" WITH (FORCE)");
    }

    public void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal void Stop()
    {
        NpgsqlConnection.ClearAllPools();
        // Immediate: the data folder is thrown away, nothing needs a clean shutdown.
        Run(Path.Combine(BinDirectory, "pg_ctl"), $"-D {DataDirectory} -m immediate stop", TimeSpan.FromSeconds(30), throwOnError: false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner; the temp folder is cleaned by the OS eventually.
        }
    }

    private static PostgreSqlServer Start()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing); {InstallHint}.");
        }

        var directory = Path.Combine(Path.GetTempPath(), "privatemail-tests", "postgresql-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        if (Environment.UserName == "root")
        {
            // The server refuses to run as root; the package's postgres user owns the folder instead.
            Run("chown", $"postgres {directory}", TimeSpan.FromSeconds(10));
        }

        var data = Path.Combine(directory, "data");
        Run(Path.Combine(BinDirectory, "initdb"), $"-D {data} -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8", TimeSpan.FromSeconds(60));
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            // fsync off: a test database need not survive a power cut. The socket folder is ours, not /var/run.
            var options = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
            var (code, output) = Run(Path.Combine(BinDirectory, "pg_ctl"), $"-D {data} -l {Path.Combine(directory, "server.log")} -w -t 30 -o \"{options}\" start", TimeSpan.FromSeconds(60), throwOnError: false);
            if (code == 0)
            {
                var server = new PostgreSqlServer(directory, port);
                server.PrepareTemplate();
                return server;
            }

            if (attempt == attempts)
            {
                var log = Path.Combine(directory, "server.log");
                throw new InvalidOperationException($"pg_ctl start failed ({code}): {output}\n{(File.Exists(log) ? File.ReadAllText(log) : "")}");
            }
        }
    }

    /// <summary>The template every test database is copied from: migrated once, then left without connections.</summary>
    private void PrepareTemplate()
    {
        Execute($"CREATE DATABASE \"{Template}\"");
        var options = new DbContextOptionsBuilder<AppDbContext>().Use(DatabaseProvider.PostgreSql, ConnectionString(Template, pooling: false)).Options;
        using (var db = new AppDbContext(options))
        {
            db.Database.Migrate();
        }
    }

    private static (int Code, string Output) Run(string file, string arguments, TimeSpan timeout, bool throwOnError = true)
    {
        var asRoot = Environment.UserName == "root" && file.StartsWith(BinDirectory, StringComparison.Ordinal);
        var start = new ProcessStartInfo(asRoot ? "runuser" : file, asRoot ? $"-u postgres -- {file} {arguments}" : arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}; {InstallHint}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }

        var output = stdout.Result + stderr.Result;
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {output}");
        }

        return (process.ExitCode, output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Stops the run's PostgreSQL (if a test started it) when the test assembly is done.</summary>
public sealed class PostgreSqlServerShutdown : IDisposable
{
    public void Dispose()
    {
        if (PostgreSqlServer.Started)
        {
            PostgreSqlServer.Shared.Stop();
        }
    }
}
