using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Raw statements made once per connection and re-bound per batch through the parameters kept with them: the scanner's
/// per-batch queries through EF's query pipeline (parameter extraction, cache lookup, shaper, command creation,
/// diagnostics) cost more than the few rows they return. EF's compiled queries would have avoided it but share their
/// executors between the SQLite and PostgreSQL models in one process. On PostgreSQL the statements are typed and
/// server-prepared; a list is an array (<c>= ANY</c>), on SQLite a JSON array read by <c>json_each</c> — one parameter
/// whatever the list's length, so the statement's text never changes.
/// </summary>
/// <typeparam name="TSelf">The set of statements; one instance per connection.</typeparam>
internal abstract class PreparedCommands<TSelf>
    where TSelf : PreparedCommands<TSelf>
{
    private static readonly ConditionalWeakTable<DbConnection, TSelf> PerConnection = new();

    private readonly DbConnection _connection;
    private readonly List<DbCommand> _commands = [];

    protected PreparedCommands(DbConnection connection, bool postgreSql)
    {
        _connection = connection;
        PostgreSql = postgreSql;
    }

    protected bool PostgreSql { get; }

    /// <summary>A list parameter's test: <c>= ANY(@list)</c> on PostgreSQL, <c>IN (SELECT value FROM json_each(@list))</c> on SQLite.</summary>
    protected static string In(bool postgreSql, string parameter) =>
        postgreSql ? $"= ANY({parameter})" : $"IN (SELECT value FROM json_each({parameter}))";

    /// <summary>
    /// Runs <paramref name="work"/> with the connection's statements (made by <paramref name="create"/> the first time) on
    /// the context's current transaction, if any. A closed connection is opened through EF (its per-connection setup
    /// runs) and closed again afterwards; an open one (the writer's, the read-ahead's) is left open.
    /// </summary>
    protected static async Task<T> UseAsync<T>(
        AppDbContext db, Func<DbConnection, bool, TSelf> create, Func<TSelf, Task<T>> work, CancellationToken cancellationToken)
    {
        var opened = false;
        if (db.Database.GetDbConnection().State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            opened = true;
        }

        try
        {
            return await work(await ForAsync(db, create, cancellationToken));
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static async Task<TSelf> ForAsync(AppDbContext db, Func<DbConnection, bool, TSelf> create, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (!PerConnection.TryGetValue(connection, out var commands))
        {
            commands = create(connection, SqlDialect.For(db.Database).Provider == DatabaseProvider.PostgreSql);
            if (commands.PostgreSql)
            {
                foreach (var command in commands._commands)
                {
                    command.Transaction = transaction;
                    await command.PrepareAsync(cancellationToken);
                }
            }

            PerConnection.AddOrUpdate(connection, commands);
        }

        foreach (var command in commands._commands)
        {
            command.Transaction = transaction;
        }

        return commands;
    }

    /// <summary>Runs the statement with its parameters as bound, one value per row.</summary>
    protected static async Task<List<T>> RowsAsync<T>(DbCommand command, Func<DbDataReader, T> row, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    /// <summary>A text parameter's value; null binds NULL.</summary>
    protected static object OrNull(string? value) => (object?)value ?? DBNull.Value;

    protected DbCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        _commands.Add(command);
        return command;
    }

    // Typed for PostgreSQL's prepare (a NULL binds as the column's type); SQLite binds by value.
    protected DbParameter Text(DbCommand command, string name) => Typed(command, name, DbType.String);

    protected DbParameter Integer(DbCommand command, string name) => Typed(command, name, DbType.Int32);

    /// <summary>A moment, bound with <see cref="SqlDialect.Moment"/>'s value: UTC ticks on SQLite, <c>timestamptz</c> on PostgreSQL.</summary>
    protected DbParameter Moment(DbCommand command, string name)
    {
        if (!PostgreSql)
        {
            return command.AddWithValue(name, null);
        }

        var parameter = new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = DBNull.Value };
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>A moment parameter's value, as EF stores moments on the engine (<see cref="SqlDialect.Moment"/>).</summary>
    protected object MomentValue(DateTimeOffset value) => (PostgreSql ? SqlDialect.PostgreSql : SqlDialect.Sqlite).Moment(value);

    protected DbParameter List(DbCommand command, string name, NpgsqlDbType elementType)
    {
        if (!PostgreSql)
        {
            return command.AddWithValue(name, null);
        }

        var parameter = new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = DBNull.Value };
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>A list parameter's value: an array for PostgreSQL, a JSON array for SQLite's <c>json_each</c>.</summary>
    protected object ListValue<T>(IReadOnlyCollection<T> values) => PostgreSql ? values.ToArray() : JsonSerializer.Serialize(values);

    private DbParameter Typed(DbCommand command, string name, DbType type)
    {
        var parameter = command.AddWithValue(name, null);
        if (PostgreSql)
        {
            parameter.DbType = type;
        }

        return parameter;
    }
}
