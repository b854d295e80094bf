using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The writer's ticket queries (<see cref="BatchRecordLookup.LoadTicketsAsync"/>, the ticket created from a message) as
/// raw statements made once per connection and re-bound per batch through the parameters kept here. Each batch through
/// EF's query pipeline (parameter extraction, cache lookup, shaper, command creation, diagnostics) cost more than the
/// few rows these return; EF's compiled queries would have avoided it but share their executors between the SQLite and
/// PostgreSQL models in one process. On PostgreSQL the statements are typed and server-prepared; a list is an array
/// (<c>= ANY</c>), on SQLite a JSON array read by <c>json_each</c>. Every statement starts from an index: Tickets by
/// Sequence, Emails by MessageId then EmailLinks and Tickets by primary key, Tickets by (SourceMailboxId, SourceKey).
/// </summary>
internal sealed class TicketLookupCommands
{
    private static readonly ConditionalWeakTable<DbConnection, TicketLookupCommands> PerConnection = new();

    private static readonly string TicketKind = RecordKind.Ticket.ToString();

    private readonly bool _postgreSql;
    private readonly DbCommand _byNumber, _byThread, _bySource, _fromSource;
    private readonly DbParameter _numbers, _numbersOwner, _threadIds, _threadOwner, _sourceMailbox, _sourceKeys, _oneMailbox, _oneKey;

    private TicketLookupCommands(DbConnection connection, bool postgreSql)
    {
        _postgreSql = postgreSql;
        var sql = Statements(postgreSql);
        _byNumber = Command(connection, sql.ByNumber);
        _numbers = List(_byNumber, "@numbers", NpgsqlDbType.Bigint);
        _numbersOwner = Text(_byNumber, "@owner");
        _byThread = Command(connection, sql.ByThread);
        _threadIds = List(_byThread, "@ids", NpgsqlDbType.Text);
        _threadOwner = Text(_byThread, "@owner");
        _bySource = Command(connection, sql.BySource);
        _sourceMailbox = Integer(_bySource, "@mailbox");
        _sourceKeys = List(_bySource, "@keys", NpgsqlDbType.Text);
        _fromSource = Command(connection, sql.FromSource);
        _oneMailbox = Integer(_fromSource, "@mailbox");
        _oneKey = Text(_fromSource, "@key");
    }

    /// <summary>The statements' text for the engine (the tests read SQLite's query plans of these).</summary>
    internal static (string ByNumber, string ByThread, string BySource, string FromSource) Statements(bool postgreSql)
    {
        string In(string parameter) => postgreSql ? $"= ANY({parameter})" : $"IN (SELECT value FROM json_each({parameter}))";

        // A NULL owner stands for "sees everything" (an administrator), as BindingScope.OwnerSeesEverything.
        var byNumber = $"""
            SELECT t."Id", t."Sequence", s."Name"
            FROM "Tickets" AS t
            JOIN "TicketStatuses" AS s ON s."Id" = t."StatusId"
            WHERE t."Sequence" {In("@numbers")} AND (@owner IS NULL OR t."OwnerId" = @owner)
            """;

        // From the thread's e-mails (Message-ID index) to their ticket links (primary key) to the tickets (primary key):
        // joined the other way round, SQLite walked every ticket link of the database for each batch. CROSS JOIN fixes
        // SQLite's join order. A link counts only when its RecordId is exactly a ticket's id as text (as int.TryParse and
        // the id's invariant text did): non-numeric ids find nothing. Ordered by the e-mail's date: the last link wins.
        var byThread = postgreSql
            ? $$"""
                SELECT e."MessageId", t."Id", t."Sequence", s."Name"
                FROM "Emails" AS e
                JOIN "EmailLinks" AS l ON l."EmailId" = e."Id" AND l."RecordKind" = '{{TicketKind}}'
                JOIN "Tickets" AS t ON t."Id" = (CASE WHEN l."RecordId" ~ '^[0-9]{1,18}$' THEN l."RecordId"::bigint END) AND t."Id"::text = l."RecordId"
                JOIN "TicketStatuses" AS s ON s."Id" = t."StatusId"
                WHERE e."MessageId" = ANY(@ids) AND (@owner IS NULL OR t."OwnerId" = @owner)
                ORDER BY e."Date", e."Id", l."RecordId"
                """
            : $"""
                SELECT e."MessageId", t."Id", t."Sequence", s."Name"
                FROM "Emails" AS e
                CROSS JOIN "EmailLinks" AS l ON l."EmailId" = e."Id" AND l."RecordKind" = '{TicketKind}'
                CROSS JOIN "Tickets" AS t ON t."Id" = CAST(l."RecordId" AS INTEGER) AND CAST(t."Id" AS TEXT) = l."RecordId"
                CROSS JOIN "TicketStatuses" AS s ON s."Id" = t."StatusId"
                WHERE e."MessageId" IN (SELECT value FROM json_each(@ids)) AND (@owner IS NULL OR t."OwnerId" = @owner)
                ORDER BY e."Date", e."Id", l."RecordId"
                """;

        var bySource = $"""
            SELECT t."SourceKey", t."Id"
            FROM "Tickets" AS t
            WHERE t."SourceMailboxId" = @mailbox AND t."SourceKey" IS NOT NULL AND t."SourceKey" {In("@keys")}
            """;

        var fromSource = """
            SELECT t."Id" FROM "Tickets" AS t
            WHERE t."SourceMailboxId" = @mailbox AND t."SourceKey" IS NOT NULL AND t."SourceKey" = @key
            LIMIT 1
            """;

        return (byNumber, byThread, bySource, fromSource);
    }

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private IEnumerable<DbCommand> All => [_byNumber, _byThread, _bySource, _fromSource];

    /// <summary>
    /// Runs <paramref name="work"/> with the statements of the context's connection on its current transaction (none
    /// before the writer opens one). A closed connection is opened through EF (its per-connection setup runs) and closed
    /// again afterwards; an open one (the writer's) is left open.
    /// </summary>
    public static async Task<T> UseAsync<T>(AppDbContext db, Func<TicketLookupCommands, Task<T>> work, CancellationToken cancellationToken)
    {
        var opened = false;
        if (db.Database.GetDbConnection().State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            opened = true;
        }

        try
        {
            return await work(await ForAsync(db, cancellationToken));
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <inheritdoc cref="UseAsync{T}"/>
    public static Task UseAsync(AppDbContext db, Func<TicketLookupCommands, Task> work, CancellationToken cancellationToken) =>
        UseAsync(db, async commands =>
        {
            await work(commands);
            return true;
        }, cancellationToken);

    private static async Task<TicketLookupCommands> ForAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (!PerConnection.TryGetValue(connection, out var commands))
        {
            commands = new TicketLookupCommands(connection, SqlDialect.For(db.Database).Provider == DatabaseProvider.PostgreSql);
            if (commands._postgreSql)
            {
                foreach (var command in commands.All)
                {
                    command.Transaction = transaction;
                    await command.PrepareAsync(cancellationToken);
                }
            }

            PerConnection.AddOrUpdate(connection, commands);
        }

        foreach (var command in commands.All)
        {
            command.Transaction = transaction;
        }

        return commands;
    }

    /// <summary>The visible tickets with these sequence numbers: id, sequence, status name.</summary>
    public async Task<List<(int Id, long Sequence, string Status)>> TicketsByNumberAsync(IReadOnlyList<long> numbers, string? owner, CancellationToken cancellationToken)
    {
        _numbers.Value = _postgreSql ? numbers.ToArray() : JsonSerializer.Serialize(numbers);
        _numbersOwner.Value = (object?)owner ?? DBNull.Value;
        var rows = new List<(int, long, string)>();
        await using var reader = await _byNumber.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>The visible tickets the e-mails with these Message-IDs are linked to, in the e-mails' date order.</summary>
    public async Task<List<(string MessageId, int Id, long Sequence, string Status)>> TicketsByThreadAsync(IReadOnlyList<string> messageIds, string? owner, CancellationToken cancellationToken)
    {
        _threadIds.Value = _postgreSql ? messageIds.ToArray() : JsonSerializer.Serialize(messageIds);
        _threadOwner.Value = (object?)owner ?? DBNull.Value;
        var rows = new List<(string, int, long, string)>();
        await using var reader = await _byThread.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return rows;
    }

    /// <summary>The tickets created from the messages with these dedupe keys in this mailbox: key and ticket id.</summary>
    public async Task<List<(string Key, int Id)>> TicketsFromSourcesAsync(int mailboxId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        _sourceMailbox.Value = mailboxId;
        _sourceKeys.Value = _postgreSql ? keys.ToArray() : JsonSerializer.Serialize(keys);
        var rows = new List<(string, int)>();
        await using var reader = await _bySource.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return rows;
    }

    /// <summary>The ticket created from the message with this dedupe key in this mailbox, if any.</summary>
    public async Task<int?> TicketFromSourceAsync(int mailboxId, string key, CancellationToken cancellationToken)
    {
        _oneMailbox.Value = mailboxId;
        _oneKey.Value = key;
        var id = await _fromSource.ExecuteScalarAsync(cancellationToken);
        return id is null or DBNull ? null : Convert.ToInt32(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    // Typed for PostgreSQL's prepare (a NULL binds as the column's type); SQLite binds by value.
    private DbParameter Text(DbCommand command, string name)
    {
        var parameter = command.AddWithValue(name, null);
        if (_postgreSql)
        {
            parameter.DbType = DbType.String;
        }

        return parameter;
    }

    private DbParameter Integer(DbCommand command, string name)
    {
        var parameter = command.AddWithValue(name, null);
        if (_postgreSql)
        {
            parameter.DbType = DbType.Int32;
        }

        return parameter;
    }

    private DbParameter List(DbCommand command, string name, NpgsqlDbType elementType)
    {
        if (!_postgreSql)
        {
            return command.AddWithValue(name, null);
        }

        var parameter = new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = DBNull.Value };
        command.Parameters.Add(parameter);
        return parameter;
    }
}
