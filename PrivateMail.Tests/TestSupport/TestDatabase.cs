using Microsoft.Data.Sqlite;

namespace PrivateMail.Tests.TestSupport;

/// <summary>A real SQLite file in a fresh temp folder, deleted (with -wal and -shm) on dispose.</summary>
public sealed class TestDatabase : IDisposable
{
    public TestDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "privatemail-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "privatemail.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = FilePath }.ToString();
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
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
