using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Benchmarks;

/// <summary>
/// Which engine a bench process stores into (<c>--provider sqlite|postgresql</c>). SQLite: a file per run folder, copied
/// from the template file. PostgreSQL: a database per run folder on the orchestrator's private server
/// (<see cref="BenchPostgreSql"/>), copied from the template database with <c>CREATE DATABASE … TEMPLATE</c>.
/// </summary>
internal static class BenchDatabase
{
    public static DatabaseProvider Provider { get; private set; } = DatabaseProvider.Sqlite;

    /// <summary>The PostgreSQL server's port (PostgreSQL only).</summary>
    public static int Port { get; private set; }

    public static bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;

    public static void Use(DatabaseProvider provider, int port)
    {
        Provider = provider;
        Port = port;
    }

    /// <summary>The arguments a worker needs to reach the same database server.</summary>
    public static IEnumerable<string> WorkerArguments() =>
        IsPostgreSql ? ["--provider", "postgresql", "--pg-port", Port.ToString(CultureInfo.InvariantCulture)] : [];

    public static string ConnectionString(string directory) => IsPostgreSql
        ? Server(DatabaseName(directory))
        : new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "privatemail.db") }.ToString();

    /// <summary>PostgreSQL: an empty database for the folder (migrations come with the app's start-up).</summary>
    public static void Create(string directory)
    {
        if (IsPostgreSql)
        {
            Execute($"DROP DATABASE IF EXISTS \"{DatabaseName(directory)}\" WITH (FORCE)");
            Execute($"CREATE DATABASE \"{DatabaseName(directory)}\"");
        }
    }

    /// <summary>The run's database as a fresh copy of the template (<paramref name="template"/> is what the seeder returned).</summary>
    public static void CopyTemplate(string template, string runDirectory)
    {
        if (!IsPostgreSql)
        {
            File.Copy(template, Path.Combine(runDirectory, "privatemail.db"));
            return;
        }

        var run = DatabaseName(runDirectory);
        Execute($"DROP DATABASE IF EXISTS \"{run}\" WITH (FORCE)");
        Execute($"CREATE DATABASE \"{run}\" TEMPLATE \"{DatabaseName(Path.GetDirectoryName(template)!)}\"");
    }

    /// <summary>What the data costs: the SQLite file after a checkpoint, or PostgreSQL's database size.</summary>
    public static long Bytes(string directory)
    {
        if (!IsPostgreSql)
        {
            return BenchApp.DatabaseBytes(Path.Combine(directory, "privatemail.db"));
        }

        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(ConnectionString(directory));
        connection.Open();
        using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Lets go of the database (pooled connections), so it can be copied as a template.</summary>
    public static void Release()
    {
        if (IsPostgreSql)
        {
            NpgsqlConnection.ClearAllPools();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static string DatabaseName(string directory) =>
        "bench_" + new string([.. Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)).Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_')]);

    private static string Server(string database, bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(), Port = Port, Username = "postgres", Database = database, Pooling = pooling,
    }.ToString();

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Server("postgres", pooling: false));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// A private PostgreSQL 15 for one bench run (Debian's package): <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on
/// a free loopback port, stopped and deleted at the end. Durable settings stay as shipped (fsync on), unlike the tests'
/// server: the numbers should be what a deployment pays. As root the server runs as the <c>postgres</c> user.
/// </summary>
internal sealed class BenchPostgreSql : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private BenchPostgreSql(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public static BenchPostgreSql Start(string parent)
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/initdb); scripts/install-test-dependencies.sh installs it.");
        }

        // Beside the work folder, not in it: the server's files outlive the workers until the orchestrator stops it.
        var directory = Path.Combine(parent, "privatemail-bench-postgresql-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        if (Environment.UserName == "root")
        {
            Run("chown", $"postgres {directory}");
        }

        var data = Path.Combine(directory, "data");
        Run(Path.Combine(BinDirectory, "initdb"), $"-D {data} -A trust -U postgres -E UTF8 --locale=C.UTF-8");
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            Run(Path.Combine(BinDirectory, "pg_ctl"), $"-D {data} -l {Path.Combine(directory, "server.log")} -w -t 60 -o \"-p {port} -k {directory} -c listen_addresses=127.0.0.1\" start");
            return new BenchPostgreSql(directory, port);
        }
    }

    public string Version() => Run(Path.Combine(BinDirectory, "postgres"), "--version").Trim();

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        Run(Path.Combine(BinDirectory, "pg_ctl"), $"-D {Path.Combine(Directory, "data")} -m immediate stop", throwOnError: false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS: it is under the temp folder.
        }

        return ValueTask.CompletedTask;
    }

    private static string Run(string file, string arguments, bool throwOnError = true)
    {
        var asRoot = Environment.UserName == "root" && file.StartsWith(BinDirectory, StringComparison.Ordinal) && !file.EndsWith("/postgres", StringComparison.Ordinal);
        var start = new ProcessStartInfo(asRoot ? "runuser" : file, asRoot ? $"-u postgres -- {file} {arguments}" : arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {output}");
        }

        return output;
    }
}
