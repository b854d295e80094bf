using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PrivateMail.Tests.Web.Data;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// For a migration that changes how a column is stored: a fresh database (a SQLite file or a PostgreSQL database of
/// its own) migrated up to the migration just before <c>migrationName</c>, rows inserted by raw SQL as that version wrote
/// them (foreign keys off, so they need none of that version's users or statuses), then the rest of the migrations.
/// Disposing deletes the database.
/// </summary>
public sealed class LegacyRowsDatabase : IAsyncDisposable
{
    private readonly DatabaseProvider _provider;
    private readonly string _directory;
    private readonly string _connectionString;
    private readonly IMigrator _migrator;

    private LegacyRowsDatabase(DatabaseProvider provider, string directory, string connectionString)
    {
        _provider = provider;
        _directory = directory;
        _connectionString = connectionString;
        Db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().Use(provider, connectionString).Options);
        _migrator = Db.GetService<IMigrator>();
    }

    public AppDbContext Db { get; }

    public DbConnection Connection => Db.Database.GetDbConnection();

    private bool PostgreSql => _provider == DatabaseProvider.PostgreSql;

    /// <summary>A database at the migration before the one whose name ends with <paramref name="migrationName"/>, its connection open, foreign keys off.</summary>
    public static async Task<LegacyRowsDatabase> BeforeAsync(DatabaseProvider provider, string migrationName, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("privatemail-legacy-rows-").FullName;
        var connectionString = provider == DatabaseProvider.PostgreSql
            ? PostgreSqlServer.Shared.CreateEmptyDatabase()
            : $"Data Source={Path.Combine(directory, "old.db")};Pooling=false";
        var database = new LegacyRowsDatabase(provider, directory, connectionString);
        try
        {
            var migrations = database.Db.Database.GetMigrations().ToList();
            var ours = migrations.FindIndex(m => m.EndsWith("_" + migrationName, StringComparison.Ordinal));
            Assert.True(ours > 0, $"No migration {migrationName} after another one.");
            await database._migrator.MigrateAsync(migrations[ours - 1], cancellationToken);
            await database.Db.Database.OpenConnectionAsync(cancellationToken);
            await database.ExecuteAsync(database.PostgreSql ? "SET session_replication_role = replica" : "PRAGMA foreign_keys = OFF");
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>A moment as this engine's columns store it.</summary>
    public object Moment(DateTimeOffset value) => SqlDialect.For(Db.Database).Moment(value);

    /// <summary>
    /// The rest of the migrations. PostgreSQL's foreign keys on again first; SQLite's are checked when a migration
    /// copies the rows into a rebuilt table, and the migration turns them on again itself.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (PostgreSql)
        {
            await ExecuteAsync("SET session_replication_role = origin");
        }

        await _migrator.MigrateAsync(cancellationToken: cancellationToken);
        Db.ChangeTracker.Clear();
    }

    /// <summary>The column's declared type: <c>bytea</c>, <c>text</c>… on PostgreSQL, <c>BLOB</c>, <c>TEXT</c>… on SQLite.</summary>
    public async Task<object?> ColumnTypeAsync(string table, string column) => await ScalarAsync(PostgreSql
        ? $"SELECT data_type FROM information_schema.columns WHERE table_name = '{table}' AND column_name = '{column}'"
        : $"SELECT type FROM pragma_table_info('{table}') WHERE name = '{column}'");

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        if (PostgreSql)
        {
            PostgreSqlServer.Shared.DropDatabase(_connectionString);
        }

        Directory.Delete(_directory, recursive: true);
    }
}
