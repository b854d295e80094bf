using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace PrivateMail.Web.Data.Providers;

/// <summary>
/// What raw SQL and error handling need to know about the engine, one answer per concern. The statements themselves are
/// written once in SQL both engines accept (<c>@name</c> parameters, quoted identifiers, <c>RETURNING</c>,
/// <c>ON CONFLICT DO NOTHING</c>, <c>IS NOT DISTINCT FROM</c>); only what cannot be shared is here.
/// </summary>
public abstract class SqlDialect
{
    public static SqlDialect Sqlite { get; } = new SqliteDialect();

    public static SqlDialect PostgreSql { get; } = new PostgreSqlDialect();

    public abstract DatabaseProvider Provider { get; }

    public static SqlDialect For(DatabaseFacade database) => database.IsNpgsql() ? PostgreSql : Sqlite;

    /// <summary>
    /// A moment as the engine stores it (the same as EF's mapping): UTC ticks in SQLite, which cannot sort
    /// <see cref="DateTimeOffset"/>; a UTC <c>timestamptz</c> in PostgreSQL.
    /// </summary>
    public abstract object Moment(DateTimeOffset value);

    /// <summary>Whether the error (or one it wraps) is a broken constraint: a unique index, a foreign key, NOT NULL.</summary>
    public bool IsConstraintViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (IsConstraintError(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A parameter for a raw statement run through EF (e.g. <c>ExecuteSqlRawAsync</c>).</summary>
    public abstract DbParameter Parameter(string name, object? value);

    /// <summary>Engine settings made once after the migrations, on every start.</summary>
    public virtual Task PrepareAsync(AppDbContext db, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Before a scan: lets the query planner see how the tables grew. PostgreSQL's autovacuum keeps statistics itself.
    /// </summary>
    public virtual Task RefreshStatisticsAsync(AppDbContext db, CancellationToken cancellationToken = default) => Task.CompletedTask;

    protected abstract bool IsConstraintError(Exception exception);

    private sealed class SqliteDialect : SqlDialect
    {
        public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

        public override object Moment(DateTimeOffset value) => value.UtcTicks;

        public override DbParameter Parameter(string name, object? value) => new SqliteParameter(name, value ?? DBNull.Value);

        // WAL lets the scanner write while pages read; it is a property of the file, so once per start is enough.
        // Then exact table statistics for the planner (see SqlitePragmas.Statistics).
        public override async Task PrepareAsync(AppDbContext db, CancellationToken cancellationToken = default)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.ExecuteSqlRawAsync(SqlitePragmas.FullStatistics, cancellationToken);
        }

        public override Task RefreshStatisticsAsync(AppDbContext db, CancellationToken cancellationToken = default) =>
            db.Database.ExecuteSqlRawAsync(SqlitePragmas.ChangedStatistics, cancellationToken);

        // SQLITE_CONSTRAINT: the primary code of every constraint failure.
        protected override bool IsConstraintError(Exception exception) => exception is SqliteException { SqliteErrorCode: 19 };
    }

    private sealed class PostgreSqlDialect : SqlDialect
    {
        public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

        public override object Moment(DateTimeOffset value) => value.ToUniversalTime();

        public override DbParameter Parameter(string name, object? value) => new NpgsqlParameter(name, value ?? DBNull.Value);

        // SQLSTATE class 23: integrity constraint violation (23505 unique, 23503 foreign key, 23502 not null).
        protected override bool IsConstraintError(Exception exception) =>
            exception is PostgresException { SqlState: var state } && state.StartsWith("23", StringComparison.Ordinal);
    }
}

/// <summary>Parameters added the same way on any engine's command.</summary>
public static class DbParameterCollectionExtensions
{
    public static DbParameter AddWithValue(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
