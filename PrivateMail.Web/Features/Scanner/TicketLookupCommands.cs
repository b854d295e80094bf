using System.Data.Common;
using System.Globalization;
using NpgsqlTypes;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The writer's ticket queries (<see cref="BatchRecordLookup.LoadTicketsAsync"/>, the ticket created from a message) as
/// raw statements made once per connection and re-bound per batch (<see cref="PreparedCommands{TSelf}"/>). Every
/// statement starts from an index: Tickets by Sequence, Emails by MessageId then EmailLinks and Tickets by primary key,
/// Tickets by (SourceMailboxId, SourceKey).
/// </summary>
internal sealed class TicketLookupCommands : PreparedCommands<TicketLookupCommands>
{
    private static readonly string TicketKind = RecordKind.Ticket.ToString();

    private readonly DbCommand _byNumber, _byThread, _bySource, _fromSource;
    private readonly DbParameter _numbers, _numbersOwner, _threadIds, _threadOwner, _sourceMailbox, _sourceKeys, _oneMailbox, _oneKey;

    private TicketLookupCommands(DbConnection connection, bool postgreSql)
        : base(connection, postgreSql)
    {
        var sql = Statements(postgreSql);
        _byNumber = Command(sql.ByNumber);
        _numbers = List(_byNumber, "@numbers", NpgsqlDbType.Bigint);
        _numbersOwner = Text(_byNumber, "@owner");
        _byThread = Command(sql.ByThread);
        _threadIds = List(_byThread, "@ids", NpgsqlDbType.Text);
        _threadOwner = Text(_byThread, "@owner");
        _bySource = Command(sql.BySource);
        _sourceMailbox = Integer(_bySource, "@mailbox");
        _sourceKeys = List(_bySource, "@keys", NpgsqlDbType.Text);
        _fromSource = Command(sql.FromSource);
        _oneMailbox = Integer(_fromSource, "@mailbox");
        _oneKey = Text(_fromSource, "@key");
    }

    /// <summary>The statements' text for the engine (the tests read SQLite's query plans of these).</summary>
    internal static (string ByNumber, string ByThread, string BySource, string FromSource) Statements(bool postgreSql)
    {
        string In(string parameter) => PreparedCommands<TicketLookupCommands>.In(postgreSql, parameter);

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

    /// <summary>
    /// Runs <paramref name="work"/> with the statements of the context's connection on its current transaction (none
    /// before the writer opens one). A closed connection is opened through EF (its per-connection setup runs) and closed
    /// again afterwards; an open one (the writer's) is left open.
    /// </summary>
    public static Task<T> UseAsync<T>(AppDbContext db, Func<TicketLookupCommands, Task<T>> work, CancellationToken cancellationToken) =>
        UseAsync(db, (connection, postgreSql) => new TicketLookupCommands(connection, postgreSql), work, cancellationToken);

    /// <inheritdoc cref="UseAsync{T}"/>
    public static Task UseAsync(AppDbContext db, Func<TicketLookupCommands, Task> work, CancellationToken cancellationToken) =>
        UseAsync(db, async commands =>
        {
            await work(commands);
            return true;
        }, cancellationToken);

    /// <summary>The visible tickets with these sequence numbers: id, sequence, status name.</summary>
    public Task<List<(int Id, long Sequence, string Status)>> TicketsByNumberAsync(IReadOnlyList<long> numbers, string? owner, CancellationToken cancellationToken)
    {
        _numbers.Value = ListValue(numbers);
        _numbersOwner.Value = OrNull(owner);
        return RowsAsync(_byNumber, reader => (reader.GetInt32(0), reader.GetInt64(1), reader.GetString(2)), cancellationToken);
    }

    /// <summary>The visible tickets the e-mails with these Message-IDs are linked to, in the e-mails' date order.</summary>
    public Task<List<(string MessageId, int Id, long Sequence, string Status)>> TicketsByThreadAsync(IReadOnlyList<string> messageIds, string? owner, CancellationToken cancellationToken)
    {
        _threadIds.Value = ListValue(messageIds);
        _threadOwner.Value = OrNull(owner);
        return RowsAsync(_byThread, reader => (reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3)), cancellationToken);
    }

    /// <summary>The tickets created from the messages with these dedupe keys in this mailbox: key and ticket id.</summary>
    public Task<List<(string Key, int Id)>> TicketsFromSourcesAsync(int mailboxId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        _sourceMailbox.Value = mailboxId;
        _sourceKeys.Value = ListValue(keys);
        return RowsAsync(_bySource, reader => (reader.GetString(0), reader.GetInt32(1)), cancellationToken);
    }

    /// <summary>The ticket created from the message with this dedupe key in this mailbox, if any.</summary>
    public async Task<int?> TicketFromSourceAsync(int mailboxId, string key, CancellationToken cancellationToken)
    {
        _oneMailbox.Value = mailboxId;
        _oneKey.Value = key;
        var id = await _fromSource.ExecuteScalarAsync(cancellationToken);
        return id is null or DBNull ? null : Convert.ToInt32(id, CultureInfo.InvariantCulture);
    }
}
