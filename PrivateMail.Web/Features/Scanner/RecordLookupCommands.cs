using System.Data.Common;
using NpgsqlTypes;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The scanner's read-ahead queries (<see cref="BatchRecordLookup.LoadRecordsAsync"/>: contacts, accounts, leads by the
/// batch's addresses and domains; <see cref="SenderTicketCounts.ReadAsync"/>: tickets per sender in the last hour) as raw
/// statements made once per connection and re-bound per batch (<see cref="PreparedCommands{TSelf}"/>). Through EF each
/// batch made one parameter per address, so every batch's SQL text differed and was translated, cached and prepared
/// anew. Every statement starts from an index: Contacts by EmailNormalised and by SecondaryEmailNormalised, Accounts by
/// EmailNormalised and by Domain, Leads by EmailNormalised, Tickets by (SourceSender, CreatedAt). Moments are read and
/// compared as EF stores them: UTC ticks on SQLite, <c>timestamptz</c> on PostgreSQL.
/// </summary>
internal sealed class RecordLookupCommands : PreparedCommands<RecordLookupCommands>
{
    private readonly DbCommand _contacts, _accounts, _leads, _senderCounts;
    private readonly DbParameter _contactAddresses, _contactOwner, _accountAddresses, _accountDomains, _accountOwner, _leadAddresses, _leadOwner;
    private readonly DbParameter _senders, _sendersOwner, _sendersSince;

    private RecordLookupCommands(DbConnection connection, bool postgreSql)
        : base(connection, postgreSql)
    {
        var sql = Statements(postgreSql);
        _contacts = Command(sql.Contacts);
        _contactAddresses = List(_contacts, "@addresses", NpgsqlDbType.Text);
        _contactOwner = Text(_contacts, "@owner");
        _accounts = Command(sql.Accounts);
        _accountAddresses = List(_accounts, "@addresses", NpgsqlDbType.Text);
        _accountDomains = List(_accounts, "@domains", NpgsqlDbType.Text);
        _accountOwner = Text(_accounts, "@owner");
        _leads = Command(sql.Leads);
        _leadAddresses = List(_leads, "@addresses", NpgsqlDbType.Text);
        _leadOwner = Text(_leads, "@owner");
        _senderCounts = Command(sql.SenderCounts);
        _senders = List(_senderCounts, "@senders", NpgsqlDbType.Text);
        _sendersOwner = Text(_senderCounts, "@owner");
        _sendersSince = Moment(_senderCounts, "@since");
    }

    /// <summary>The statements' text for the engine (the tests read SQLite's query plans of these).</summary>
    internal static (string Contacts, string Accounts, string Leads, string SenderCounts) Statements(bool postgreSql)
    {
        string In(string parameter) => PreparedCommands<RecordLookupCommands>.In(postgreSql, parameter);

        // A NULL owner stands for "sees everything" (an administrator), as BindingScope.OwnerSeesEverything. A NULL
        // address or domain column is never in a list (the comparison is NULL), as with EF's IN.
        var contacts = $"""
            SELECT c."Id", c."FirstName", c."LastName", c."EmailNormalised", c."SecondaryEmailNormalised", c."AccountId", c."ModifiedAt"
            FROM "Contacts" AS c
            WHERE (c."EmailNormalised" {In("@addresses")} OR c."SecondaryEmailNormalised" {In("@addresses")})
                AND (@owner IS NULL OR c."OwnerId" = @owner)
            """;

        var accounts = $"""
            SELECT a."Id", a."Name", a."EmailNormalised", a."Domain", a."ModifiedAt"
            FROM "Accounts" AS a
            WHERE (a."EmailNormalised" {In("@addresses")} OR a."Domain" {In("@domains")})
                AND (@owner IS NULL OR a."OwnerId" = @owner)
            """;

        var leads = $"""
            SELECT l."Id", l."Company", l."EmailNormalised", l."ModifiedAt"
            FROM "Leads" AS l
            WHERE l."EmailNormalised" {In("@addresses")} AND (@owner IS NULL OR l."OwnerId" = @owner)
            """;

        // The IS NOT NULL lets SQLite use the partial index on (SourceSender, CreatedAt).
        var senderCounts = $"""
            SELECT t."SourceSender", COUNT(*)
            FROM "Tickets" AS t
            WHERE t."SourceSender" IS NOT NULL AND t."SourceSender" {In("@senders")} AND t."CreatedAt" >= @since AND t."OwnerId" = @owner
            GROUP BY t."SourceSender"
            """;

        return (contacts, accounts, leads, senderCounts);
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the statements of the context's connection. A closed connection is opened
    /// through EF and closed again afterwards; an open one (the read-ahead's, kept for a whole folder) is left open.
    /// </summary>
    public static Task<T> UseAsync<T>(AppDbContext db, Func<RecordLookupCommands, Task<T>> work, CancellationToken cancellationToken) =>
        UseAsync(db, (connection, postgreSql) => new RecordLookupCommands(connection, postgreSql), work, cancellationToken);

    /// <summary>The contacts with one of these addresses as first or second address, of <paramref name="owner"/> (null: every owner's).</summary>
    public Task<List<(int Id, string FirstName, string LastName, string? Email, string? Secondary, int? AccountId, long ModifiedTicks)>> ContactsAsync(
        IReadOnlyCollection<string> addresses, string? owner, CancellationToken cancellationToken)
    {
        _contactAddresses.Value = ListValue(addresses);
        _contactOwner.Value = OrNull(owner);
        return RowsAsync(_contacts, reader => (
            reader.GetInt32(0), reader.GetString(1), reader.GetString(2), TextOrNull(reader, 3), TextOrNull(reader, 4),
            reader.IsDBNull(5) ? (int?)null : reader.GetInt32(5), Ticks(reader, 6)), cancellationToken);
    }

    /// <summary>The accounts with one of these addresses, or one of these domains, of <paramref name="owner"/> (null: every owner's).</summary>
    public Task<List<(int Id, string Name, string? Email, string? Domain, long ModifiedTicks)>> AccountsAsync(
        IReadOnlyCollection<string> addresses, IReadOnlyCollection<string> domains, string? owner, CancellationToken cancellationToken)
    {
        _accountAddresses.Value = ListValue(addresses);
        _accountDomains.Value = ListValue(domains);
        _accountOwner.Value = OrNull(owner);
        return RowsAsync(_accounts, reader => (
            reader.GetInt32(0), reader.GetString(1), TextOrNull(reader, 2), TextOrNull(reader, 3), Ticks(reader, 4)), cancellationToken);
    }

    /// <summary>The leads with one of these addresses, of <paramref name="owner"/> (null: every owner's).</summary>
    public Task<List<(int Id, string Company, string? Email, long ModifiedTicks)>> LeadsAsync(
        IReadOnlyCollection<string> addresses, string? owner, CancellationToken cancellationToken)
    {
        _leadAddresses.Value = ListValue(addresses);
        _leadOwner.Value = OrNull(owner);
        return RowsAsync(_leads, reader => (reader.GetInt32(0), reader.GetString(1), TextOrNull(reader, 2), Ticks(reader, 3)), cancellationToken);
    }

    /// <summary>How many tickets of <paramref name="owner"/> were created from each of these senders at or after <paramref name="since"/>; senders with none are left out.</summary>
    public Task<List<(string Sender, int Count)>> SenderTicketCountsAsync(
        IReadOnlyCollection<string> senders, string owner, DateTimeOffset since, CancellationToken cancellationToken)
    {
        _senders.Value = ListValue(senders);
        _sendersOwner.Value = owner;
        _sendersSince.Value = MomentValue(since);
        return RowsAsync(_senderCounts, reader => (reader.GetString(0), checked((int)reader.GetInt64(1))), cancellationToken);
    }

    private static string? TextOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A moment column's UTC ticks, as EF's mapping reads it (<see cref="DateTimeOffset.UtcTicks"/>).</summary>
    private long Ticks(DbDataReader reader, int ordinal) =>
        PostgreSql ? reader.GetFieldValue<DateTimeOffset>(ordinal).UtcTicks : reader.GetInt64(ordinal);
}
