using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Web.Features.Records.Tickets;

/// <summary>
/// What a new ticket is made of; the number is allocated on insert. <see cref="StoredDescription"/> is the bytes the row's
/// description gets (<see cref="CompressedText"/>): encoded on first use, or the same text's bytes made elsewhere before
/// (<see cref="ReusingStoredText"/>: the scanner's e-mail text, compressed on the parse stage, off the single writer).
/// </summary>
public sealed record NewTicket(string Title, string Description, int StatusId, TicketPriority Priority, int? ContactId, int? AccountId, string OwnerId)
{
    // The description and its bytes change together, also through `with`: a stale copy must never be stored.
    private byte[]? _storedDescription;

    public string Description
    {
        get;
        init
        {
            field = value;
            _storedDescription = null;
        }
    } = Description;

    public byte[] StoredDescription => _storedDescription ??= CompressedText.Encode(Description);

    /// <summary>The scanner's mailbox and message key, for a ticket created from mail (see <see cref="Ticket.SourceKey"/>).</summary>
    public (int MailboxId, string Key)? Source { get; init; }
    /// <summary>The sender's normalised address, for a ticket created from mail (the per-sender ticket cap counts these).</summary>
    public string? SourceSender { get; init; }

    /// <summary>
    /// This ticket storing <paramref name="stored"/> as its description when <paramref name="text"/> is the description
    /// (<paramref name="stored"/> being <see cref="CompressedText.Encode(string)"/> of it); else unchanged, encoded when inserted.
    /// </summary>
    internal NewTicket ReusingStoredText(string text, byte[] stored) =>
        string.Equals(text, Description, StringComparison.Ordinal) ? this with { _storedDescription = stored } : this;
}

/// <summary>A created ticket: its id and the number replies will carry.</summary>
public sealed record CreatedTicket(int Id, RecordNumber Number);

/// <summary>
/// Ticket writes without a signed-in user, for the pages (after their access checks) and for the scanner. Numbers come
/// from <see cref="RecordSequence"/>: one <c>UPDATE … SET Next = Next + n … RETURNING</c> inside the insert's
/// transaction, so two writers can never take the same number and a deleted ticket's number is never handed out again.
/// </summary>
public sealed class TicketStore(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public async Task<CreatedTicket> CreateAsync(NewTicket ticket, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is taken up front and a second writer waits for it;
        // PostgreSQL locks the sequence row at the UPDATE below until the commit.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await CreateAsync(db, ticket, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Creates the ticket through the caller's context, inside the transaction the caller holds open.</summary>
    public async Task<CreatedTicket> CreateAsync(AppDbContext db, NewTicket ticket, CancellationToken cancellationToken = default)
    {
        var (prefix, sequence) = await AllocateAsync(db, RecordSequence.Tickets, 1, cancellationToken);
        var entity = Build(ticket, prefix, sequence);
        db.Tickets.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedTicket(entity.Id, new RecordNumber(prefix, sequence));
    }

    /// <summary>
    /// Creates a ticket inside the transaction the caller holds open, for the scanner: the same number allocation as
    /// <see cref="AllocateAsync"/> (the same <see cref="RecordSequence"/> row and row lock, in the same transaction, so a
    /// rolled-back savepoint gives its number back) and the same row as <see cref="CreateAsync(AppDbContext, NewTicket, CancellationToken)"/>,
    /// but through two statements prepared once per connection and run straight on it. Each ticket through EF's command
    /// pipeline was a new command to prepare, log, diagnose and intercept: the most expensive step of the writer per call.
    /// The description is bound as <see cref="NewTicket.StoredDescription"/>: no compressing here when the caller brought it.
    /// </summary>
    internal async Task<CreatedTicket> CreateInTransactionAsync(AppDbContext db, NewTicket ticket, CancellationToken cancellationToken = default)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Numbers are allocated inside the insert's transaction.");
        var commands = await ScanCommands.ForAsync(db, transaction, cancellationToken);
        var (prefix, sequence) = await commands.AllocateAsync(RecordSequence.Tickets, cancellationToken);
        var id = await commands.InsertAsync(Build(ticket, prefix, sequence, time.GetUtcNow()), ticket.StoredDescription, cancellationToken);
        return new CreatedTicket(id, new RecordNumber(prefix, sequence));
    }

    /// <summary>Moves a ticket to a status through the caller's context (and transaction).</summary>
    public async Task<bool> SetStatusAsync(AppDbContext db, int ticketId, int statusId, CancellationToken cancellationToken = default)
    {
        // Plain SQL in the context's transaction, if any: the scanner sets a status for every reply that reopens or
        // answers a ticket, inside its write transaction, where EF's ExecuteUpdate cost an expression tree, a query-cache
        // lookup and the command pipeline each time.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = """UPDATE "Tickets" SET "StatusId" = @status, "ModifiedAt" = @at WHERE "Id" = @id;""";
            command.AddWithValue("@status", statusId);
            command.AddWithValue("@at", SqlDialect.For(db.Database).Moment(time.GetUtcNow()));
            command.AddWithValue("@id", ticketId);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The administrator's status mapping, by status name, for the scanner's decisions.</summary>
    public async Task<TicketStatusMapping> GetStatusMappingAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = await db.TicketStatuses.AsNoTracking().ToDictionaryAsync(s => s.Id, cancellationToken);
        var settings = await db.TicketSettings.AsNoTracking().SingleAsync(cancellationToken);
        return new TicketStatusMapping(
            statuses[settings.AnswerFromStatusId].Name,
            statuses[settings.AnswerToStatusId].Name,
            statuses[settings.ReopenStatusId].Name,
            statuses[settings.NewTicketStatusId].Name)
        {
            Closing = statuses.Values.Where(s => s.IsClosing).Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>Takes <paramref name="count"/> consecutive numbers; the caller's transaction must be open.</summary>
    internal static async Task<(string Prefix, long First)> AllocateAsync(AppDbContext db, string sequenceName, int count, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Numbers are allocated inside the insert's transaction.");
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        // Both engines: the row lock taken by the UPDATE makes a second writer wait for this transaction to end.
        command.CommandText = """UPDATE "RecordSequences" SET "Next" = "Next" + @count WHERE "Name" = @name RETURNING "Prefix", "Next" - @count""";
        AddParameter(command, "@count", (long)count);
        AddParameter(command, "@name", sequenceName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"The number sequence {sequenceName} is missing; the database was not initialised.");
        }

        return (reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>The ticket to insert; without <paramref name="createdAt"/> it is stamped on save (<see cref="Timestamps"/>).</summary>
    internal static Ticket Build(NewTicket ticket, string prefix, long sequence, DateTimeOffset? createdAt = null)
    {
        var number = new RecordNumber(prefix, sequence).ToString();
        return new Ticket
        {
            Sequence = sequence,
            Number = number,
            Title = ticket.Title.Trim(),
            Description = ticket.Description,
            StatusId = ticket.StatusId,
            Priority = ticket.Priority,
            ContactId = ticket.ContactId,
            AccountId = ticket.AccountId,
            OwnerId = ticket.OwnerId,
            CreatedAt = createdAt ?? default,
            ModifiedAt = createdAt ?? default,
            SearchText = Records.SearchText.Build(number, ticket.Title),
            SourceMailboxId = ticket.Source?.MailboxId,
            SourceKey = ticket.Source?.Key,
            SourceSender = ticket.SourceSender,
        };
    }

    /// <summary>
    /// The scanner's ticket statements on one connection, prepared once (SQLite compiles a command on first use and keeps
    /// it while its text and connection stay the same; PostgreSQL is asked to prepare it, with the parameters' types fixed
    /// so a NULL binds as the column's type) and re-bound per ticket through the parameters kept here, never looked up by name.
    /// </summary>
    private sealed class ScanCommands
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbConnection, ScanCommands> PerConnection = new();

        private readonly SqlDialect _dialect;
        private readonly DbCommand _allocate;
        private readonly DbParameter _allocateName;
        private readonly DbCommand _insert;
        private readonly DbParameter _sequence, _number, _title, _description, _status, _priority, _contact, _account, _owner, _now, _search, _mailbox, _key, _sender;

        private ScanCommands(DbConnection connection, SqlDialect dialect)
        {
            _dialect = dialect;
            _allocate = connection.CreateCommand();
            // One number per ticket; the row lock taken by the UPDATE makes a second writer wait for this transaction to end.
            _allocate.CommandText = """UPDATE "RecordSequences" SET "Next" = "Next" + 1 WHERE "Name" = @name RETURNING "Prefix", "Next" - 1""";
            _allocateName = _allocate.AddWithValue("@name", null);
            _insert = connection.CreateCommand();
            _insert.CommandText = """
                INSERT INTO "Tickets" ("Sequence", "Number", "Title", "Description", "StatusId", "Priority", "ContactId", "AccountId", "OwnerId",
                    "CreatedAt", "ModifiedAt", "SearchText", "SourceMailboxId", "SourceKey", "SourceSender")
                VALUES (@sequence, @number, @title, @description, @status, @priority, @contact, @account, @owner, @now, @now, @search, @mailbox, @key, @sender)
                RETURNING "Id"
                """;
            _sequence = _insert.AddWithValue("@sequence", null);
            _number = _insert.AddWithValue("@number", null);
            _title = _insert.AddWithValue("@title", null);
            _description = _insert.AddWithValue("@description", null);
            _status = _insert.AddWithValue("@status", null);
            _priority = _insert.AddWithValue("@priority", null);
            _contact = _insert.AddWithValue("@contact", null);
            _account = _insert.AddWithValue("@account", null);
            _owner = _insert.AddWithValue("@owner", null);
            _now = _insert.AddWithValue("@now", null);
            _search = _insert.AddWithValue("@search", null);
            _mailbox = _insert.AddWithValue("@mailbox", null);
            _key = _insert.AddWithValue("@key", null);
            _sender = _insert.AddWithValue("@sender", null);
        }

        public static async ValueTask<ScanCommands> ForAsync(AppDbContext db, DbTransaction transaction, CancellationToken cancellationToken)
        {
            var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has ended.");
            if (PerConnection.TryGetValue(connection, out var commands))
            {
                commands._allocate.Transaction = transaction;
                commands._insert.Transaction = transaction;
                return commands;
            }

            commands = new ScanCommands(connection, SqlDialect.For(db.Database));
            commands._allocate.Transaction = transaction;
            commands._insert.Transaction = transaction;
            if (commands._dialect.Provider == DatabaseProvider.PostgreSql)
            {
                commands.TypeParameters();
                await commands._allocate.PrepareAsync(cancellationToken);
                await commands._insert.PrepareAsync(cancellationToken);
            }

            PerConnection.AddOrUpdate(connection, commands);
            return commands;
        }

        /// <summary>The parameters' types as the columns' (PostgreSQL only: SQLite binds by value, and would store a moment's ticks as text).</summary>
        private void TypeParameters()
        {
            _allocateName.DbType = System.Data.DbType.String;
            foreach (var text in new[] { _number, _title, _priority, _owner, _search, _key, _sender })
            {
                text.DbType = System.Data.DbType.String;
            }

            foreach (var integer in new[] { _status, _contact, _account, _mailbox })
            {
                integer.DbType = System.Data.DbType.Int32;
            }

            _description.DbType = System.Data.DbType.Binary;
            _sequence.DbType = System.Data.DbType.Int64;
            _now.DbType = System.Data.DbType.DateTimeOffset;
        }

        public async Task<(string Prefix, long First)> AllocateAsync(string sequenceName, CancellationToken cancellationToken)
        {
            _allocateName.Value = sequenceName;
            await using var reader = await _allocate.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"The number sequence {sequenceName} is missing; the database was not initialised.");
            }

            return (reader.GetString(0), reader.GetInt64(1));
        }

        /// <summary>
        /// Inserts the row <see cref="Build"/> made (stamped: created and modified at its <c>CreatedAt</c>), its description
        /// as <paramref name="storedDescription"/> (<see cref="CompressedText"/> of it, as EF's converter stores it); returns its id.
        /// </summary>
        public async Task<int> InsertAsync(Ticket row, byte[] storedDescription, CancellationToken cancellationToken)
        {
            _sequence.Value = row.Sequence;
            _number.Value = row.Number;
            _title.Value = row.Title;
            _description.Value = storedDescription;
            _status.Value = row.StatusId;
            _priority.Value = row.Priority.ToString();
            _contact.Value = (object?)row.ContactId ?? DBNull.Value;
            _account.Value = (object?)row.AccountId ?? DBNull.Value;
            _owner.Value = row.OwnerId;
            _now.Value = _dialect.Moment(row.CreatedAt);
            _search.Value = row.SearchText;
            _mailbox.Value = (object?)row.SourceMailboxId ?? DBNull.Value;
            _key.Value = (object?)row.SourceKey ?? DBNull.Value;
            _sender.Value = (object?)row.SourceSender ?? DBNull.Value;
            var id = await _insert.ExecuteScalarAsync(cancellationToken)
                ?? throw new InvalidOperationException("The ticket insert returned no id.");
            return Convert.ToInt32(id, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
