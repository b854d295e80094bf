using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Hosting;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>The counters of a scan as it runs, for the history row and live progress.</summary>
public sealed record ScanProgress(int MailboxId, int RunId, ScanRunStatus Status, int Fetched, int Stored, int Bound, int TicketsOpened, int TicketsCreated, int Skipped, int Failed, string? FirstError);

/// <summary>
/// Scans one mailbox: connect (a failure locks the mailbox, a success unlocks it), then per folder read the UIDs above
/// its cursor in batches — one FETCH per batch — and for each message let the domain decide, apply the decision and
/// move the cursor past it. Every step is idempotent (the e-mail by its dedupe key, links by their key, a ticket only
/// when the stored e-mail has none yet, a status change only from the status the domain saw), so re-doing a message
/// after a crash, in a second folder or under a new UIDVALIDITY adds nothing.
/// </summary>
public sealed class MailboxScanner(
    IDbContextFactory<AppDbContext> dbFactory,
    ImapConnector connector,
    Features.OAuth.MailboxCredentials mailboxCredentials,
    EmailStore emails,
    TicketStore tickets,
    TimeProvider time,
    IOptions<ScannerOptions> options,
    IOptions<PrivateMailOptions> appOptions,
    RecordChangeNotifier notifier,
    ILogger<MailboxScanner> logger,
    IHostEnvironment? environment = null)
{
    private readonly string _dataDirectory = appOptions.Value.ResolveDataDirectory(environment?.ContentRootPath ?? AppContext.BaseDirectory);

    public async Task<ScanProgress> ScanAsync(int mailboxId, string? startedById, Action<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetUtcNow();
        var run = new Counters();
        int runId;
        Mailbox mailbox;
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            mailbox = await db.Mailboxes.AsNoTracking().Include(m => m.MailServer).SingleAsync(m => m.Id == mailboxId, CancellationToken.None);
            var row = new ScanRun { MailboxId = mailboxId, StartedAt = started, Status = ScanRunStatus.Running, StartedById = startedById };
            db.ScanRuns.Add(row);
            await db.SaveChangesAsync(CancellationToken.None);
            runId = row.Id;
        }

        void Report(ScanRunStatus status) => progress?.Invoke(run.ToProgress(mailboxId, runId, status));
        Report(ScanRunStatus.Running);

        var server = mailbox.MailServer!;
        var endpoint = new ImapEndpoint(server.ImapHost, server.ImapPort, server.ImapSecurity, server.ValidateCertificate);
        var credentials = await mailboxCredentials.GetAsync(mailbox, cancellationToken);
        var status = ScanRunStatus.Done;
        var (client, result) = await connector.OpenAsync(endpoint, credentials, cancellationToken);
        if (client is null)
        {
            var message = ConnectionMessages.Describe(result, endpoint);
            logger.LogWarning("Mailbox {MailboxId} locked: {Failure} {Detail}", mailboxId, result.Failure, result.Detail);
            if (cancellationToken.IsCancellationRequested)
            {
                // Stopped while connecting: says nothing about the server, so no lock.
                return await FinishAsync(runId, mailboxId, run, ScanRunStatus.Stopped, progress);
            }

            run.Error(message);
            await LockAsync(mailboxId, message);
            return await FinishAsync(runId, mailboxId, run, ScanRunStatus.Error, progress);
        }

        try
        {
            using (client)
            {
                await UnlockAsync(mailbox);
                await Mailboxes.ProvenLogins.RecordAsync(dbFactory, mailbox.Id, credentials?.Login, CancellationToken.None);
                var context = await LoadContextAsync(mailbox, cancellationToken);
                var deadline = started + settings.TimeBudget;
                foreach (var folderName in mailbox.Folders.Distinct(StringComparer.Ordinal))
                {
                    if (run.Processed >= settings.MaxMessagesPerRun || time.GetUtcNow() >= deadline)
                    {
                        break;
                    }

                    try
                    {
                        await ScanFolderAsync(client, mailbox, folderName, context, run, deadline, () => Report(ScanRunStatus.Running), cancellationToken);
                    }
                    catch (FolderNotFoundException)
                    {
                        run.Error($"Folder {folderName} does not exist on the server.");
                    }
                    catch (ImapCommandException ex)
                    {
                        // The server refused this folder (e.g. not selectable): the other folders are still read.
                        run.Error($"Folder {folderName}: {ex.Message}");
                    }
                }

                await client.DisconnectAsync(true, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            status = ScanRunStatus.Stopped;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ServiceNotConnectedException or ProtocolException or TimeoutException)
        {
            // The server went away (or stopped answering within the IMAP timeout) mid-scan: the cursor stands after the last finished message.
            var failure = ex is TimeoutException ? ConnectionFailure.Timeout : ConnectionFailure.Network;
            var message = ConnectionMessages.Describe(new ConnectionResult { Failure = failure, Detail = ex.Message }, endpoint);
            logger.LogWarning(ex, "Mailbox {MailboxId}: connection lost during the scan.", mailboxId);
            run.Error(message);
            await LockAsync(mailboxId, message);
            status = ScanRunStatus.Error;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else ends this run with the error in its history row instead of leaving it "running".
            logger.LogError(ex, "Mailbox {MailboxId}: the scan failed.", mailboxId);
            run.Error(ex.Message);
            status = ScanRunStatus.Error;
        }

        return await FinishAsync(runId, mailboxId, run, status, progress);
    }

    /// <summary>
    /// Processes a quarantined message again from its saved raw file, through the same decide-and-apply path as a
    /// scan: on success it is marked resolved, on failure it keeps the new error. Re-doing a resolved one changes
    /// nothing; the apply step is idempotent anyway. Null when it succeeded, else the error.
    /// </summary>
    public async Task<string?> ReprocessAsync(int failedMessageId, CancellationToken cancellationToken)
    {
        FailedMessage failed;
        Mailbox mailbox;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            failed = await db.FailedMessages.AsNoTracking().SingleAsync(f => f.Id == failedMessageId, cancellationToken);
            if (failed.ResolvedAt is not null)
            {
                return null;
            }

            mailbox = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == failed.MailboxId, cancellationToken);
        }

        string? error;
        try
        {
            error = await ReprocessRawAsync(mailbox, failed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Mailbox {MailboxId}: reprocessing failed message {FailedId} failed.", mailbox.Id, failed.Id);
            error = "The message could not be processed: " + ex.Message;
        }

        if (error is not null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var now = time.GetUtcNow();
            var text = Truncate(error);
            await db.FailedMessages.Where(f => f.Id == failedMessageId)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.Error, text).SetProperty(f => f.FailedAt, now), CancellationToken.None);
        }

        return error;
    }

    /// <summary>Parses the saved file and applies it; the records and the "resolved" mark commit together.</summary>
    private async Task<string?> ReprocessRawAsync(Mailbox mailbox, FailedMessage failed, CancellationToken cancellationToken)
    {
        if (failed.RawPath is null || !File.Exists(Path.Combine(_dataDirectory, failed.RawPath)))
        {
            return "The saved message is missing.";
        }

        var raw = await File.ReadAllBytesAsync(Path.Combine(_dataDirectory, failed.RawPath), cancellationToken);
        var maxBytes = options.Value.MaxMessageBytes;
        if (raw.LongLength > maxBytes)
        {
            return $"The message is larger than {maxBytes} bytes ({raw.LongLength}).";
        }

        MimeMessage message;
        MessageSnapshot snapshot;
        try
        {
            using var input = new MemoryStream(raw, writable: false);
            message = await MimeMessage.LoadAsync(input, cancellationToken);
            snapshot = MimeSnapshotMapper.ToSnapshot(message);
        }
        catch (Exception ex) when (ex is FormatException or ParseException)
        {
            return $"The message could not be read: {ex.Message}";
        }

        var context = await LoadContextAsync(mailbox, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lookup = await BatchRecordLookup.LoadAsync(db, [snapshot], context.Closing, mailbox.OwnerId, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var outcome = await ApplyAsync(db, mailbox, failed.Folder, (uint)failed.UidValidity, new UniqueId((uint)failed.Uid), message, snapshot, context, lookup, CancellationToken.None);
        var now = time.GetUtcNow();
        await db.FailedMessages.Where(f => f.Id == failed.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.ResolvedAt, now), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        notifier.Publish(outcome.Changes);
        return null;
    }

    private sealed record ScanContext(ScannerSettings Settings, GlobalExceptions Global, TicketStatusMapping Statuses, IReadOnlySet<string> Closing, Dictionary<string, int> StatusIds);

    private async Task<ScanContext> LoadContextAsync(Mailbox mailbox, CancellationToken cancellationToken)
    {
        var names = await tickets.GetStatusNamesAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.TicketStatuses.AsNoTracking().ToDictionaryAsync(s => s.Name, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var settings = new ScannerSettings(
            mailbox.OwnerId,
            mailbox.Actions,
            mailbox.SearchFields,
            mailbox.EmailExceptions.Select(EmailAddress.Normalise).OfType<string>().ToList(),
            mailbox.DomainExceptions.Select(AddressRules.NormaliseDomain).OfType<string>().ToList());
        var global = await GlobalExceptionsService.LoadAsync(db, cancellationToken);
        return new ScanContext(settings, global, new TicketStatusMapping(names.AnswerFrom, names.AnswerTo, names.Reopen, names.NewTicket), names.Closing, ids);
    }

    private async Task ScanFolderAsync(
        MailKit.Net.Imap.ImapClient client, Mailbox mailbox, string folderName, ScanContext context, Counters run, DateTimeOffset deadline, Action report, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (folder, state) = await ImapFolderReader.OpenAsync(client, folderName, cancellationToken);
        var cursor = await LoadCursorAsync(mailbox.Id, folderName, state.UidValidity, cancellationToken);
        var since = mailbox.ImportSince == default ? (DateOnly?)null : mailbox.ImportSince;
        var uids = await ImapFolderReader.FindNewAsync(folder, (uint)cursor.LastUid, since, cancellationToken);
        // Sizes first: a batch is cut by bytes too, so large mail never piles up in memory.
        var described = await ImapFolderReader.DescribeAsync(folder, uids.Take(settings.MaxMessagesPerRun - run.Processed).ToList(), cancellationToken);
        var sizeOf = (UniqueId uid) => described.TryGetValue(uid.Id, out var d) ? d.Size : 0;
        foreach (var batch in ImapFolderReader.Batches(uids, sizeOf, settings.BatchSize, settings.BatchBytes))
        {
            var room = settings.MaxMessagesPerRun - run.Processed;
            if (room <= 0 || time.GetUtcNow() >= deadline)
            {
                break;
            }

            var take = batch.Take(room).ToList();
            var fetched = new List<(UniqueId Uid, byte[] Raw)>();
            await ImapFolderReader.FetchAsync(folder, take, async (uid, stream, ct) =>
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, ct);
                fetched.Add((uid, copy.ToArray()));
            }, cancellationToken);

            // Parse the batch first: the record lookup is prefetched for all of its messages at once.
            var parsed = new List<(UniqueId Uid, byte[] Raw, MimeMessage? Message, MessageSnapshot? Snapshot, string? Error)>();
            foreach (var (uid, raw) in fetched.OrderBy(f => f.Uid.Id))
            {
                run.Fetched++;
                if (raw.LongLength > settings.MaxMessageBytes)
                {
                    parsed.Add((uid, raw, null, null, $"The message is larger than {settings.MaxMessageBytes} bytes ({raw.LongLength})."));
                    continue;
                }

                try
                {
                    using var input = new MemoryStream(raw, writable: false);
                    var message = await MimeMessage.LoadAsync(input, cancellationToken);
                    parsed.Add((uid, raw, message, MimeSnapshotMapper.ToSnapshot(message), null));
                }
                catch (Exception ex) when (ex is FormatException or ParseException)
                {
                    parsed.Add((uid, raw, null, null, $"The message could not be read: {ex.Message}"));
                }
            }

            BatchRecordLookup lookup;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                lookup = await BatchRecordLookup.LoadAsync(db, parsed.Select(p => p.Snapshot).OfType<MessageSnapshot>().ToList(), context.Closing, mailbox.OwnerId, cancellationToken);
            }

            // One transaction per batch (cut short after MaxTransactionTime so others' writes never wait long): a message's
            // records and the cursor past it commit together, so a crash or a stop redoes whole messages or none.
            var next = 0;
            while (next < parsed.Count && !cancellationToken.IsCancellationRequested)
            {
                await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
                var opened = time.GetTimestamp();
                var committed = new List<Outcome>();
                var last = 0u;
                do
                {
                    var item = parsed[next++];
                    var outcome = item.Error is null
                        ? await ApplyInSavepointAsync(db, transaction, mailbox, folderName, state.UidValidity, item.Uid, item.Raw, item.Message!, item.Snapshot!, context, lookup,
                            described.TryGetValue(item.Uid.Id, out var about) ? about.Arrived : null)
                        : await QuarantineAsync(db, mailbox.Id, folderName, state.UidValidity, item.Uid, item.Raw, item.Error);
                    committed.Add(outcome);
                    outcome.Remember?.Invoke(lookup);
                    last = item.Uid.Id;
                    // Nothing tracked is needed again: without this every SaveChanges re-scans the batch's earlier e-mails.
                    db.ChangeTracker.Clear();
                }
                while (next < parsed.Count && !cancellationToken.IsCancellationRequested && time.GetElapsedTime(opened) < MaxTransactionTime);

                // Once per transaction, in it: the cursor still moves exactly with the messages it passes (UIDs ascend).
                await AdvanceAsync(db, cursor.Id, last);

                // Not cancellable: messages that were applied must not be applied again because the stop came in between.
                await transaction.CommitAsync(CancellationToken.None);
                foreach (var outcome in committed)
                {
                    run.Add(outcome);
                }

                notifier.Publish(committed.SelectMany(o => o.Changes).ToList());
            }

            cancellationToken.ThrowIfCancellationRequested();
            report();
        }
    }

    /// <summary>The longest a scan holds the database's write lock before it commits and lets other writers in.</summary>
    internal static readonly TimeSpan MaxTransactionTime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// What applying one message did, counted and made visible only once its transaction committed; Remember carries
    /// what later messages of the batch must see (a ticket created or moved by this one).
    /// </summary>
    private sealed record Outcome(bool Stored = false, bool Bound = false, bool TicketOpened = false, bool TicketCreated = false, bool Skipped = false, string? Failure = null)
    {
        public Action<BatchRecordLookup>? Remember { get; init; }

        public IReadOnlyList<RecordChange> Changes { get; init; } = [];
    }

    private async Task<Outcome> ApplyInSavepointAsync(
        AppDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, Mailbox mailbox, string folderName, uint uidValidity, UniqueId uid,
        byte[] raw, MimeMessage message, MessageSnapshot snapshot, ScanContext context, BatchRecordLookup lookup, DateTimeOffset? arrived)
    {
        await transaction.CreateSavepointAsync("message", CancellationToken.None);
        try
        {
            var outcome = await ApplyAsync(db, mailbox, folderName, uidValidity, uid, message, snapshot, context, lookup, CancellationToken.None, arrived);
            await transaction.ReleaseSavepointAsync("message", CancellationToken.None);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Undo this message's half-done writes only; the batch's earlier messages stand.
            logger.LogError(ex, "Mailbox {MailboxId}: message {Uid} in {Folder} failed.", mailbox.Id, uid.Id, folderName);
            await transaction.RollbackToSavepointAsync("message", CancellationToken.None);
            db.ChangeTracker.Clear();
            return await QuarantineAsync(db, mailbox.Id, folderName, uidValidity, uid, raw, "The message could not be processed: " + ex.Message);
        }
    }

    private async Task<Outcome> ApplyAsync(
        AppDbContext db, Mailbox mailbox, string folderName, uint uidValidity, UniqueId uid, MimeMessage message, MessageSnapshot snapshot,
        ScanContext context, BatchRecordLookup lookup, CancellationToken cancellationToken, DateTimeOffset? arrived = null)
    {
        var decision = MailScanner.Decide(snapshot, context.Settings, context.Global, context.Statuses, lookup);
        if (decision.Skipped is not null)
        {
            return new Outcome(Skipped: true);
        }

        var changes = new List<RecordChange>();
        var remember = new List<Action<BatchRecordLookup>>();
        int? emailId = null;
        var links = new List<(RecordKind Kind, string Id)>();
        bool stored = false, bound = false, opened = false, created = false;
        var emailHasTicket = false;
        if (decision.Store)
        {
            var email = MimeEmailMapper.ToNewEmail(message, snapshot, mailbox.OwnerId, arrived ?? time.GetUtcNow()) with
            {
                Type = decision.Type,
                MailboxId = mailbox.Id,
                Folder = folderName,
                Uid = uid.Id,
                UidValidity = uidValidity,
            };
            var result = await emails.StoreAsync(db, email, cancellationToken);
            emailId = result.Id;
            stored = result.Created;
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

        if (decision.TicketChange is { } change && context.StatusIds.TryGetValue(change.To, out var toId))
        {
            await tickets.SetStatusAsync(db, int.Parse(change.TicketId, System.Globalization.CultureInfo.InvariantCulture), toId, cancellationToken);
            remember.Add(l => l.StatusChanged(change.TicketId, change.To, context.Closing.Contains(change.To)));
            changes.Add(new RecordChange(RecordKind.Ticket, change.TicketId));
            opened = true;
        }

        // A stored e-mail already linked to a ticket was handled before (another folder, or a crash before the cursor moved);
        // so was a message a ticket was created from, even when no e-mail of it was stored (Create e-mail off).
        var source = (mailbox.Id, MessageIdentity.DedupKey(snapshot));
        int? earlierTicket = decision.NewTicket is null || emailHasTicket ? null
            : await TicketFromSource(db, source.Item1, source.Item2, cancellationToken);
        if (earlierTicket is { } earlier && emailId is not null)
        {
            links.Add((RecordKind.Ticket, Key(earlier)));
        }

        if (decision.NewTicket is { } draft && !emailHasTicket && earlierTicket is null && context.StatusIds.TryGetValue(draft.Status, out var statusId))
        {
            var description = draft.OtherContacts.Count == 0
                ? draft.Description
                : draft.Description + "\n\n— Other contacts with this address: " + string.Join(", ", draft.OtherContacts.Select(c => c.DisplayName));
            var createdTicket = await tickets.CreateAsync(db, new NewTicket(
                draft.Title.Length == 0 ? "(no subject)" : draft.Title, description, statusId, TicketPriority.Normal,
                ToId(draft.ContactId), ToId(draft.AccountId), draft.OwnerId) { Source = source }, cancellationToken);
            created = true;
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

            if (snapshot.MessageId is { } messageId)
            {
                var createdRef = new TicketRef(createdKey, createdTicket.Number, draft.Status, context.Closing.Contains(draft.Status));
                remember.Add(l => l.RememberThread(messageId, createdRef));
            }
        }

        // Every link of the message in one statement, bindings and the ticket it opened alike (same savepoint as the rest).
        if (emailId is { } linkedId && links.Count > 0)
        {
            await emails.LinkAsync(db, linkedId, links, cancellationToken);
        }

        return new Outcome(stored, bound, opened, created)
        {
            Remember = remember.Count == 0 ? null : l => remember.ForEach(r => r(l)),
            Changes = changes,
        };
    }

    // Compiled once: asked for most received messages when Create ticket is on.
    private static readonly Func<AppDbContext, int, string, CancellationToken, Task<int?>> TicketFromSource = EF.CompileAsyncQuery(
        (AppDbContext db, int mailboxId, string key, CancellationToken _) =>
            db.Tickets.Where(t => t.SourceMailboxId == mailboxId && t.SourceKey == key).Select(t => (int?)t.Id).FirstOrDefault());

    private static string Key(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int? ToId(string? id) => int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    private async Task<FolderCursor> LoadCursorAsync(int mailboxId, string folder, uint uidValidity, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cursor = await db.FolderCursors.SingleOrDefaultAsync(c => c.MailboxId == mailboxId && c.Folder == folder, cancellationToken);
        if (cursor is null)
        {
            cursor = new FolderCursor { MailboxId = mailboxId, Folder = folder, UidValidity = uidValidity, UpdatedAt = time.GetUtcNow() };
            db.FolderCursors.Add(cursor);
        }
        else if (cursor.UidValidity != uidValidity)
        {
            // Every UID now means something else: start over from the import date; dedupe keeps it duplicate-free.
            logger.LogInformation("Mailbox {MailboxId}: UIDVALIDITY of {Folder} changed, rescanning.", mailboxId, folder);
            cursor.UidValidity = uidValidity;
            cursor.LastUid = 0;
            cursor.UpdatedAt = time.GetUtcNow();
        }

        await db.SaveChangesAsync(cancellationToken);
        return cursor;
    }

    private async Task AdvanceAsync(AppDbContext db, int cursorId, uint uid)
    {
        var now = time.GetUtcNow();
        await db.FolderCursors.Where(c => c.Id == cursorId && c.LastUid < uid)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUid, (long)uid).SetProperty(c => c.UpdatedAt, now), CancellationToken.None);
    }

    /// <summary>Keeps the raw message as a file and records why it failed, through the caller's context (and transaction).</summary>
    private async Task<Outcome> QuarantineAsync(AppDbContext db, int mailboxId, string folder, uint uidValidity, UniqueId uid, byte[] raw, string error)
    {
        var relative = Path.Combine("failed", mailboxId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{uidValidity}-{uid.Id}-{Guid.NewGuid():N}.eml");
        var path = Path.Combine(_dataDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, raw, CancellationToken.None);
        var existing = await db.FailedMessages.SingleOrDefaultAsync(
            f => f.MailboxId == mailboxId && f.Folder == folder && f.UidValidity == uidValidity && f.Uid == uid.Id, CancellationToken.None);
        if (existing is null)
        {
            existing = new FailedMessage { MailboxId = mailboxId, Folder = folder, UidValidity = uidValidity, Uid = uid.Id };
            db.FailedMessages.Add(existing);
        }

        existing.Error = Truncate(error);
        existing.RawPath = relative;
        existing.Size = raw.LongLength;
        existing.FailedAt = time.GetUtcNow();
        existing.ResolvedAt = null;
        await db.SaveChangesAsync(CancellationToken.None);
        return new Outcome(Failure: error);
    }

    private async Task LockAsync(int mailboxId, string message)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        var error = Truncate(message);
        await db.Mailboxes.Where(m => m.Id == mailboxId && m.Status != MailboxStatus.Inactive && m.Status != MailboxStatus.SecretUnreadable)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailboxStatus.Locked).SetProperty(m => m.LastError, error).SetProperty(m => m.LastErrorAt, now), CancellationToken.None);
    }

    private async Task UnlockAsync(Mailbox mailbox)
    {
        if (mailbox.Status != MailboxStatus.Locked)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Mailboxes.Where(m => m.Id == mailbox.Id && m.Status == MailboxStatus.Locked)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailboxStatus.Active).SetProperty(m => m.LastError, (string?)null).SetProperty(m => m.LastErrorAt, (DateTimeOffset?)null), CancellationToken.None);
    }

    private async Task<ScanProgress> FinishAsync(int runId, int mailboxId, Counters run, ScanRunStatus status, Action<ScanProgress>? progress)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var row = await db.ScanRuns.SingleAsync(r => r.Id == runId, CancellationToken.None);
        row.FinishedAt = time.GetUtcNow();
        row.Status = status;
        row.Fetched = run.Fetched;
        row.Stored = run.Stored;
        row.Bound = run.Bound;
        row.TicketsOpened = run.TicketsOpened;
        row.TicketsCreated = run.TicketsCreated;
        row.Skipped = run.Skipped;
        row.Failed = run.Failed;
        row.FirstError = run.FirstError is null ? null : Truncate(run.FirstError);
        await db.SaveChangesAsync(CancellationToken.None);
        var result = run.ToProgress(mailboxId, runId, status);
        progress?.Invoke(result);
        return result;
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];

    private sealed class Counters
    {
        public int Processed { get; set; }
        public int Fetched { get; set; }
        public int Stored { get; set; }
        public int Bound { get; set; }
        public int TicketsOpened { get; set; }
        public int TicketsCreated { get; set; }
        public int Skipped { get; set; }
        public int Failed { get; set; }
        public string? FirstError { get; private set; }

        public void Error(string message) => FirstError ??= message;

        public void Add(Outcome outcome)
        {
            Processed++;
            Stored += outcome.Stored ? 1 : 0;
            Bound += outcome.Bound ? 1 : 0;
            TicketsOpened += outcome.TicketOpened ? 1 : 0;
            TicketsCreated += outcome.TicketCreated ? 1 : 0;
            Skipped += outcome.Skipped ? 1 : 0;
            if (outcome.Failure is { } failure)
            {
                Failed++;
                Error(failure);
            }
        }

        public ScanProgress ToProgress(int mailboxId, int runId, ScanRunStatus status) =>
            new(mailboxId, runId, status, Fetched, Stored, Bound, TicketsOpened, TicketsCreated, Skipped, Failed, FirstError);
    }
}
