using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>Where a folder's writes go: its cursor, and the run its outcomes belong to.</summary>
internal sealed record WriteTarget(string Folder, uint UidValidity, int CursorId, int RunId);

/// <summary>
/// Stage 4, the one writer: per batch, one transaction (cut after <see cref="MaxTransactionTime"/> so others' writes
/// never wait long) holding each message's e-mail, links, ticket change or creation, its outcome row, and the cursor
/// past it — a crash or a stop redoes whole messages or none. A savepoint per message: one that fails half-way is
/// rolled back whole and quarantined with its bytes, the rest of the batch stands. Nothing unbounded runs here: the
/// HTML was dealt with by the parse stage.
/// </summary>
internal sealed class WriteStage(
    IDbContextFactory<AppDbContext> dbFactory,
    EmailStore emails,
    TicketStore tickets,
    TimeProvider time,
    Mailbox mailbox,
    DecideStage decide,
    string dataDirectory,
    ILogger logger)
{
    /// <summary>The longest a scan holds the database's write lock before it commits and lets other writers in.</summary>
    public static readonly TimeSpan MaxTransactionTime = TimeSpan.FromSeconds(1);

    private PipelineClocks? _clocks;
    private WalCheckpointer? _checkpointer;
    private SqlDialect? _dialect;

    /// <summary>Asked once: finding the provider through EF's services showed in the writer's profile when asked per statement.</summary>
    private SqlDialect Dialect(AppDbContext db) => _dialect ??= SqlDialect.For(db.Database);

    /// <summary>
    /// Writes batches until the input ends, the run's message limit or time budget is reached, or the run is stopped
    /// (after the message under way). An error of an earlier stage surfaces here, after the batches before it.
    /// </summary>
    public async Task RunAsync(ChannelReader<LookedUpBatch> input, WriteTarget target, ScanCounters counters, int maxMessages, DateTimeOffset deadline, NotifyStage notify, PipelineClocks clocks, CancellationToken cancellationToken)
    {
        _clocks = clocks;
        // One context and one open connection for the whole folder: the statements prepared per connection (e-mails,
        // links, tickets, savepoints, the ticket lookup) are prepared once, not once per batch, and opening a
        // connection (pool, collation, pragmas) is paid once. Between transactions it holds no transaction open.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        _checkpointer = WalCheckpointer.For(db, dbFactory, logger);
        try
        {
            await WriteAllAsync(db, input, target, counters, maxMessages, deadline, notify, clocks, cancellationToken);
        }
        finally
        {
            if (_checkpointer is not null)
            {
                await _checkpointer.DisposeAsync();
                _checkpointer = null;
            }
        }
    }

    private async Task WriteAllAsync(AppDbContext db, ChannelReader<LookedUpBatch> input, WriteTarget target, ScanCounters counters, int maxMessages, DateTimeOffset deadline, NotifyStage notify, PipelineClocks clocks, CancellationToken cancellationToken)
    {
        while (true)
        {
            using (clocks.Write.WaitingForInput())
            {
                if (!await input.WaitToReadAsync(CancellationToken.None))
                {
                    return;
                }
            }

            while (input.TryRead(out var batch))
            {
                var room = maxMessages - counters.Fetched;
                if (room <= 0 || time.GetUtcNow() >= deadline)
                {
                    return;
                }

                using (clocks.Write.Work())
                {
                    await WriteBatchAsync(db, batch, batch.Items.Take(room).ToList(), target, notify, clocks, cancellationToken);
                }

                clocks.Write.BatchDone();
                cancellationToken.ThrowIfCancellationRequested();
                using (clocks.Notify.Work())
                {
                    notify.Progress();
                }
            }
        }
    }

    private async Task WriteBatchAsync(AppDbContext db, LookedUpBatch batch, IReadOnlyList<ParsedMail> items, WriteTarget target, NotifyStage notify, PipelineClocks clocks, CancellationToken cancellationToken)
    {
        BatchRecordLookup lookup;
        using (clocks.Lookup.Work())
        {
            lookup = await decide.CompleteAsync(db, batch, cancellationToken);
        }

        clocks.Lookup.BatchDone();
        var next = 0;
        while (next < items.Count && !cancellationToken.IsCancellationRequested)
        {
            if (_checkpointer is not null)
            {
                using (clocks.Commit.Work())
                {
                    await _checkpointer.BeforeTransactionAsync(db, CancellationToken.None);
                }
            }

            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var opened = time.GetTimestamp();
            var committed = new List<(ParsedMail Item, MessageOutcome Outcome)>();
            var last = 0u;
            do
            {
                var item = items[next++];
                var outcome = item.Problem is null
                    ? await ApplyInSavepointAsync(db, transaction, target, item, lookup)
                    : await QuarantineAsync(db, target.Folder, target.UidValidity, item.Uid, item.Raw, item.Problem);
                committed.Add((item, outcome));
                outcome.Remember?.Invoke(lookup);
                last = item.Uid;
                // Nothing tracked is needed again: without this every SaveChanges re-scans the batch's earlier rows.
                db.ChangeTracker.Clear();
            }
            while (next < items.Count && !cancellationToken.IsCancellationRequested && time.GetElapsedTime(opened) < MaxTransactionTime);

            using (clocks.Commit.Work())
            {
                await RecordOutcomesAsync(db, target, committed);
                // Once per transaction, in it: the cursor moves exactly with the messages it passes (UIDs ascend), and only
                // over UIDs the server returned.
                await AdvanceAsync(db, target.CursorId, last);

                // Not cancellable: messages that were applied must not be applied again because the stop came in between.
                await transaction.CommitAsync(CancellationToken.None);
            }

            _checkpointer?.Committed();

            clocks.Commit.BatchDone();
            using (clocks.Notify.Work())
            {
                notify.Committed(committed.Select(c => c.Outcome).ToList());
            }
        }
    }

    /// <summary>Applies one message in its own savepoint; a failure undoes only this message and quarantines it.</summary>
    public async Task<MessageOutcome> ApplyInSavepointAsync(AppDbContext db, IDbContextTransaction transaction, WriteTarget target, ParsedMail item, BatchRecordLookup lookup)
    {
        // The savepoint statements are prepared once per connection and run straight on it: through EF's command
        // pipeline they were two logged, diagnosed commands per message.
        var savepoints = Savepoints.For(db, transaction);
        await savepoints.Create.ExecuteNonQueryAsync(CancellationToken.None);
        try
        {
            var outcome = await ApplyAsync(db, item, lookup, CancellationToken.None);
            await savepoints.Release.ExecuteNonQueryAsync(CancellationToken.None);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Mailbox {MailboxId}: message {Uid} in {Folder} failed.", mailbox.Id, item.Uid, target.Folder);
            await savepoints.Rollback.ExecuteNonQueryAsync(CancellationToken.None);
            await savepoints.Release.ExecuteNonQueryAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return await QuarantineAsync(db, target.Folder, target.UidValidity, item.Uid, item.Raw, ScanNotes.Encode(ScanNotes.Failed, ex.Message));
        }
    }

    /// <summary>Carries out the domain's decision for one message. Repeat-safe: every step checks what is there already.</summary>
    public async Task<MessageOutcome> ApplyAsync(AppDbContext db, ParsedMail item, BatchRecordLookup lookup, CancellationToken cancellationToken)
    {
        var snapshot = item.Snapshot ?? throw new InvalidOperationException("A message without a snapshot cannot be applied.");
        var context = decide.Context;
        ScanDecision decision;
        using (_clocks?.Decide.Work(cpu: false))
        {
            decision = decide.Decide(snapshot, lookup, matches: item.Matches);
        }

        if (decision.Skipped is { } skipped)
        {
            return new MessageOutcome(ScanOutcomeKind.Skipped, Reason: ScanNotes.Encode(skipped.ToString()));
        }

        var changes = new List<RecordChange>();
        var remember = new List<Action<BatchRecordLookup>>();
        int? emailId = null;
        string? reason = null;
        var links = new List<(RecordKind Kind, string Id)>();
        bool stored = false, duplicate = false, bound = false, opened = false, created = false;
        var emailHasTicket = false;
        if (decision.Store)
        {
            var prepared = item.Email ?? throw new InvalidOperationException("The message was not prepared for storing.");
            var result = await emails.StoreAsync(db, prepared with { Source = prepared.Source with { Type = decision.Type } }, cancellationToken);
            emailId = result.Id;
            stored = result.Created;
            duplicate = !result.Created;
            if (result.ReusedMessageIdOf is { } other)
            {
                reason = ScanNotes.Encode(ScanNotes.ReusedMessageId, other);
            }

            if (stored)
            {
                changes.Add(new RecordChange(RecordChangeKind.Email, Key(result.Id)));
            }

            links.AddRange(decision.Bindings.Select(b => (b.Kind, b.Id)));
            if (decision.Ticket is { } named)
            {
                links.Add((RecordKind.Ticket, named.Id));
            }

            if (links.Count > 0)
            {
                bound = stored;
                changes.AddRange(links.Select(l => new RecordChange(l.Kind, l.Id)));
            }

            // A just-stored e-mail has no ticket link but the ones above; only a re-done one must be asked.
            emailHasTicket = stored
                ? links.Exists(l => l.Kind == RecordKind.Ticket)
                : await db.EmailLinks.AnyAsync(l => l.EmailId == result.Id && l.RecordKind == RecordKind.Ticket, cancellationToken);
        }

        if (decision.Ticket is { } ticket && snapshot.MessageId is { } ownId)
        {
            remember.Add(l => l.RememberThread(ownId, ticket));
        }

        // A status change belongs to the message, not to each copy of it: the same reply seen again (in Archive, in a
        // second folder) was applied when it was first seen, and must not reopen a ticket closed since — recognised by
        // its stored e-mail, or, when none is stored (Create e-mail off), by the change remembered for the message.
        if (decision.TicketChange is { } change && !duplicate && await FirstStatusChangeAsync(db, snapshot, change.TicketId))
        {
            var toId = StatusId(context, change.To);
            await tickets.SetStatusAsync(db, int.Parse(change.TicketId, CultureInfo.InvariantCulture), toId, cancellationToken);
            remember.Add(l => l.StatusChanged(change.TicketId, change.To, context.Closing.Contains(change.To)));
            changes.Add(new RecordChange(RecordKind.Ticket, change.TicketId));
            opened = true;
        }

        // A stored e-mail already linked to a ticket was handled before (another folder, or a crash before the cursor moved);
        // so was a message a ticket was created from, even when no e-mail of it was stored (Create e-mail off).
        var source = (mailbox.Id, MessageIdentity.DedupKey(snapshot));
        int? earlierTicket = null;
        if (decision.NewTicket is not null && !emailHasTicket && !lookup.TryFindTicketFromSource(source.Item1, source.Item2, out earlierTicket))
        {
            earlierTicket = await BatchRecordLookup.FindTicketFromSourceAsync(db, source.Item1, source.Item2, cancellationToken);
        }

        if (earlierTicket is { } earlier && emailId is not null)
        {
            links.Add((RecordKind.Ticket, Key(earlier)));
        }

        if (decision.NewTicket is { } draft && !emailHasTicket && earlierTicket is null)
        {
            var statusId = StatusId(context, draft.Status);
            // Other candidates are not written into the description: the e-mail's ambiguity flag names them (and resolves).
            // Prepared statements on the transaction's connection, not EF's change tracker or command pipeline: the number
            // comes from the same sequence as every other ticket's, in this message's savepoint (see TicketStore).
            var newTicket = new NewTicket(
                draft.Title.Length == 0 ? "(no subject)" : draft.Title, draft.Description, statusId, TicketPriority.Normal,
                ToId(draft.ContactId), ToId(draft.AccountId), draft.OwnerId) { Source = source, SourceSender = snapshot.From?.Normalised };
            // The description is the mail's text, which the parse stage compressed for the e-mail: the writer binds those
            // bytes. Only where the two texts differ (no e-mail prepared, an HTML-only mail's empty text part, a text over
            // the caps) is it compressed here.
            if (item.Email is { } mail)
            {
                newTicket = newTicket.ReusingStoredText(mail.TextBody, mail.StoredTextBody);
            }

            var createdTicket = await tickets.CreateInTransactionAsync(db, newTicket, cancellationToken);
            created = true;
            decide.TicketCreated(snapshot);
            remember.Add(l => l.RememberSource(source.Item2, createdTicket.Id));
            var createdKey = Key(createdTicket.Id);
            changes.Add(new RecordChange(RecordKind.Ticket, createdKey));
            if (draft.ContactId is { } contactId)
            {
                changes.Add(new RecordChange(RecordKind.Contact, contactId));
            }

            if (emailId is not null)
            {
                links.Add((RecordKind.Ticket, createdKey));
            }

            var createdRef = new TicketRef(createdKey, createdTicket.Number, draft.Status, context.Closing.Contains(draft.Status));
            remember.Add(l => l.RememberTicket(createdRef));
            if (snapshot.MessageId is { } messageId)
            {
                remember.Add(l => l.RememberThread(messageId, createdRef));
            }
        }

        // Every link of the message in one statement, bindings and the ticket it opened alike (same savepoint as the rest).
        if (emailId is { } linkedId && links.Count > 0)
        {
            await emails.LinkAsync(db, linkedId, links, cancellationToken);
        }

        if (stored && decision.Ambiguities.Count > 0)
        {
            await Records.Emails.EmailAmbiguityService.WriteAsync(db, emailId!.Value, decision.Ambiguities, cancellationToken);
        }

        if (decision.TicketCapped)
        {
            reason ??= ScanNotes.Encode(ScanNotes.TicketCap, snapshot.From?.Normalised ?? "", context.Settings.TicketCapPerHour);
        }

        var kind = stored ? ScanOutcomeKind.Stored : duplicate ? ScanOutcomeKind.Duplicate : ScanOutcomeKind.NotStored;
        return new MessageOutcome(kind, emailId, reason)
        {
            Bound = bound,
            TicketOpened = opened,
            TicketCreated = created,
            Remember = remember.Count == 0 ? null : l => remember.ForEach(r => r(l)),
            Changes = changes,
        };
    }

    /// <summary>
    /// Remembers that this message changed this ticket's status; false when it had done so before. Inside the message's
    /// savepoint, so a message rolled back is not remembered. One small insert per status change (rare).
    /// </summary>
    private async Task<bool> FirstStatusChangeAsync(AppDbContext db, MessageSnapshot snapshot, string ticketId)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """
            INSERT INTO "AppliedStatusChanges" ("MailboxId", "MessageKey", "TicketId", "AppliedAt") VALUES (@mailbox, @key, @ticket, @at)
            ON CONFLICT DO NOTHING;
            """;
        command.AddWithValue("@mailbox", mailbox.Id);
        command.AddWithValue("@key", MessageIdentity.DedupKey(snapshot));
        command.AddWithValue("@ticket", int.Parse(ticketId, CultureInfo.InvariantCulture));
        command.AddWithValue("@at", Dialect(db).Moment(time.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(CancellationToken.None) == 1;
    }

    /// <summary>
    /// The id of a status the ticket settings name. A name that no longer exists (renamed while the scan ran) fails the
    /// message loudly — logged and quarantined with the reason by the caller's savepoint — instead of skipping the change.
    /// </summary>
    internal static int StatusId(ScanContext context, string name) =>
        context.StatusIds.TryGetValue(name, out var id) ? id
            : throw new InvalidOperationException($"The ticket status \"{name}\" set in the ticket settings does not exist.");

    /// <summary>Keeps the raw message as a file and records why it failed, through the caller's context (and transaction).</summary>
    public async Task<MessageOutcome> QuarantineAsync(AppDbContext db, string folder, uint uidValidity, uint uid, byte[]? raw, string note)
    {
        string? relative = null;
        if (raw is not null)
        {
            relative = Path.Combine("failed", mailbox.Id.ToString(CultureInfo.InvariantCulture), $"{uidValidity}-{uid}-{Guid.NewGuid():N}.eml");
            var path = Path.Combine(dataDirectory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, raw, CancellationToken.None);
        }

        var existing = await db.FailedMessages.SingleOrDefaultAsync(
            f => f.MailboxId == mailbox.Id && f.Folder == folder && f.UidValidity == uidValidity && f.Uid == uid, CancellationToken.None);
        if (existing is null)
        {
            existing = new FailedMessage { MailboxId = mailbox.Id, Folder = folder, UidValidity = uidValidity, Uid = uid };
            db.FailedMessages.Add(existing);
        }

        existing.Error = note.Length <= 2000 ? note : note[..2000];
        existing.RawPath = relative;
        existing.Size = raw?.LongLength ?? 0;
        existing.FailedAt = time.GetUtcNow();
        existing.ResolvedAt = null;
        await db.SaveChangesAsync(CancellationToken.None);
        return new MessageOutcome(ScanOutcomeKind.Quarantined, Reason: existing.Error);
    }

    /// <summary>
    /// The transaction's outcome rows, on the transaction's own connection. SQLite: one row statement prepared once per
    /// connection and run per row (in-process, a run costs microseconds; a statement of 7 × N named parameters was
    /// prepared anew for every transaction and bound by SQLite's linear search of parameter names). PostgreSQL: all rows
    /// in one statement, one round trip.
    /// </summary>
    private static async Task RecordOutcomesAsync(AppDbContext db, WriteTarget target, IReadOnlyList<(ParsedMail Item, MessageOutcome Outcome)> committed)
    {
        if (committed.Count == 0)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection connection)
        {
            var insert = OutcomeInsert.For(connection, transaction);
            foreach (var (item, outcome) in committed)
            {
                insert.Bind(target, item, outcome);
                await insert.Command.ExecuteNonQueryAsync(CancellationToken.None);
            }

            return;
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        var sql = new System.Text.StringBuilder(OutcomeInsert.Into);
        command.AddWithValue("@run", target.RunId);
        command.AddWithValue("@folder", target.Folder);
        for (var i = 0; i < committed.Count; i++)
        {
            var (item, outcome) = committed[i];
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@run, @folder, @u{i}, @k{i}, @e{i}, @r{i}, @s{i})");
            command.AddWithValue($"@u{i}", (long)item.Uid);
            command.AddWithValue($"@k{i}", outcome.Kind.ToString());
            command.AddWithValue($"@e{i}", (object?)outcome.EmailId ?? DBNull.Value);
            command.AddWithValue($"@r{i}", (object?)outcome.Reason ?? DBNull.Value);
            command.AddWithValue($"@s{i}", OutcomeInsert.Subject(item));
        }

        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>SQLite's one-row outcome insert, prepared once per connection (<see cref="RecordOutcomesAsync"/>).</summary>
    private sealed class OutcomeInsert
    {
        public const string Into = "INSERT INTO \"ScanOutcomes\" (\"RunId\", \"Folder\", \"Uid\", \"Kind\", \"EmailId\", \"Reason\", \"Subject\") VALUES ";

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Data.Common.DbConnection, OutcomeInsert> PerConnection = new();

        private readonly System.Data.Common.DbParameter _run, _folder, _uid, _kind, _email, _reason, _subject;

        private OutcomeInsert(System.Data.Common.DbConnection connection)
        {
            Command = connection.CreateCommand();
            Command.CommandText = Into + "(@run, @folder, @uid, @kind, @email, @reason, @subject)";
            _run = Command.AddWithValue("@run", null);
            _folder = Command.AddWithValue("@folder", null);
            _uid = Command.AddWithValue("@uid", null);
            _kind = Command.AddWithValue("@kind", null);
            _email = Command.AddWithValue("@email", null);
            _reason = Command.AddWithValue("@reason", null);
            _subject = Command.AddWithValue("@subject", null);
        }

        public System.Data.Common.DbCommand Command { get; }

        public static OutcomeInsert For(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction)
        {
            var insert = PerConnection.GetValue(connection, c => new OutcomeInsert(c));
            insert.Command.Transaction = transaction;
            return insert;
        }

        /// <summary>The subject as the outcome list shows it: at most 300 characters.</summary>
        public static string Subject(ParsedMail item) => item.Subject.Length <= 300 ? item.Subject : item.Subject[..300];

        public void Bind(WriteTarget target, ParsedMail item, MessageOutcome outcome)
        {
            _run.Value = target.RunId;
            _folder.Value = target.Folder;
            _uid.Value = (long)item.Uid;
            _kind.Value = outcome.Kind.ToString();
            _email.Value = (object?)outcome.EmailId ?? DBNull.Value;
            _reason.Value = (object?)outcome.Reason ?? DBNull.Value;
            _subject.Value = Subject(item);
        }
    }

    /// <summary>
    /// Moves the cursor, never backwards, in the caller's transaction: plain SQL on its connection (once per transaction;
    /// through EF's ExecuteUpdate every call built its expression tree, looked it up in the query cache and went through
    /// the command pipeline, and a cold process's JIT promoted all of that code).
    /// </summary>
    private async Task AdvanceAsync(AppDbContext db, int cursorId, uint uid)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """
            UPDATE "FolderCursors" SET "LastUid" = @uid, "UpdatedAt" = @at WHERE "Id" = @id AND "LastUid" < @uid;
            """;
        command.AddWithValue("@uid", (long)uid);
        command.AddWithValue("@at", Dialect(db).Moment(time.GetUtcNow()));
        command.AddWithValue("@id", cursorId);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>The per-message savepoint's statements, prepared once per connection.</summary>
    private sealed class Savepoints
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Data.Common.DbConnection, Savepoints> PerConnection = new();

        private Savepoints(System.Data.Common.DbConnection connection)
        {
            Create = Command(connection, "SAVEPOINT \"message\";");
            Release = Command(connection, "RELEASE SAVEPOINT \"message\";");
            Rollback = Command(connection, "ROLLBACK TO SAVEPOINT \"message\";");
        }

        public System.Data.Common.DbCommand Create { get; }

        public System.Data.Common.DbCommand Release { get; }

        public System.Data.Common.DbCommand Rollback { get; }

        public static Savepoints For(AppDbContext db, IDbContextTransaction transaction)
        {
            var savepoints = PerConnection.GetValue(db.Database.GetDbConnection(), c => new Savepoints(c));
            var current = transaction.GetDbTransaction();
            savepoints.Create.Transaction = savepoints.Release.Transaction = savepoints.Rollback.Transaction = current;
            return savepoints;
        }

        private static System.Data.Common.DbCommand Command(System.Data.Common.DbConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static int? ToId(string? id) => int.TryParse(id, CultureInfo.InvariantCulture, out var value) ? value : null;
}
