using Microsoft.Data.Sqlite;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// A real database in a fresh temp folder (the folder also holds attachments and keys): a SQLite file by default, or a
/// database of the run's <see cref="PostgreSqlServer"/> copied from its migrated template. Deleted on dispose (SQLite
/// with -wal and -shm; PostgreSQL's dropped).
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public TestDatabase()
        : this(DatabaseProvider.Sqlite)
    {
    }

    public TestDatabase(DatabaseProvider provider)
    {
        Provider = provider;
        Directory = Path.Combine(Path.GetTempPath(), "privatemail-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "privatemail.db");
        ConnectionString = provider == DatabaseProvider.PostgreSql
            ? PostgreSqlServer.Shared.CreateDatabase()
            : new SqliteConnectionStringBuilder { DataSource = FilePath }.ToString();
    }

    public DatabaseProvider Provider { get; }

    public string Directory { get; }

    /// <summary>The SQLite file (SQLite only).</summary>
    public string FilePath { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        if (Provider == DatabaseProvider.PostgreSql)
        {
            PostgreSqlServer.Shared.DropDatabase(ConnectionString);
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A handle still open on a slow runner; the temp folder is cleaned by the OS eventually.
        }
    }
}
