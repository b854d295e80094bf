using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Scanner.Stages;
using PrivateMail.Web.Hosting;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Scans one mailbox: connect through the mail source (a failure locks the mailbox, a success unlocks it — see
/// <see cref="MailboxLock"/>), then per folder a pipeline of named stages joined by bounded channels, so fetching,
/// parsing and writing overlap on the machine's cores: fetch (<see cref="FetchStage"/>) → parse
/// (<see cref="ParseStage"/>) → decide (<see cref="DecideStage"/>: records read ahead, decisions in the writer's order) → write
/// (<see cref="WriteStage"/>, one transaction per batch) → notify (<see cref="NotifyStage"/>). Every message fetched
/// gets exactly one outcome; every step is repeat-safe, so re-doing a message after a crash, in a second folder or
/// under a new UIDVALIDITY adds nothing.
/// </summary>
public sealed class MailboxScanner(
    IDbContextFactory<AppDbContext> dbFactory,
    IMailSource source,
    Features.OAuth.MailboxCredentials mailboxCredentials,
    MailboxLock locks,
    EmailStore emails,
    TicketStore tickets,
    TimeProvider time,
    Settings.ScannerSettingsService scannerSettings,
    IOptions<PrivateMailOptions> appOptions,
    RecordChangeNotifier notifier,
    ILogger<MailboxScanner> logger)
{
    private readonly string _dataDirectory = appOptions.Value.DataDirectory;

    /// <summary>The longest a scan holds the database's write lock before it commits and lets other writers in.</summary>
    internal static TimeSpan MaxTransactionTime => WriteStage.MaxTransactionTime;

    public async Task<ScanProgress> ScanAsync(int mailboxId, string? startedById, Action<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        // Read once per run: a value an administrator saves applies from the next run, never half-way through one.
        var settings = await scannerSettings.GetAsync(CancellationToken.None);
        var started = time.GetUtcNow();
        var run = new ScanCounters();
        int runId;
        Mailbox mailbox;
        bool ownerActive;
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            mailbox = await db.Mailboxes.AsNoTracking().Include(m => m.MailServer).SingleAsync(m => m.Id == mailboxId, CancellationToken.None);
            ownerActive = await db.Users.AnyAsync(u => u.Id == mailbox.OwnerId && u.IsActive, CancellationToken.None);
            // Contacts imported since start-up must not leave the batch lookup's plan on stale statistics.
            await SqlDialect.For(db.Database).RefreshStatisticsAsync(db, CancellationToken.None);
            var row = new ScanRun { MailboxId = mailboxId, StartedAt = started, Status = ScanRunStatus.Running, StartedById = startedById };
            db.ScanRuns.Add(row);
            await db.SaveChangesAsync(CancellationToken.None);
            runId = row.Id;
        }

        void Report(ScanRunStatus status) => progress?.Invoke(run.ToProgress(mailboxId, runId, status));
        Report(ScanRunStatus.Running);

        if (!ownerActive)
        {
            // A deactivated user's mail is not read, whoever asks.
            run.Error(ScanNotes.Encode(ScanNotes.OwnerInactive));
            return await FinishAsync(runId, mailboxId, run, ScanRunStatus.Error, progress);
        }

        var server = mailbox.MailServer!;
        var endpoint = new ImapEndpoint(server.ImapHost, server.ImapPort, server.ImapSecurity, server.ValidateCertificate);
        var credentials = await mailboxCredentials.GetAsync(mailbox, cancellationToken);
        var status = ScanRunStatus.Done;
        var (session, result) = await source.OpenAsync(endpoint, credentials, cancellationToken);
        if (session is null)
        {
            var message = ConnectionMessages.Describe(result, endpoint);
            logger.LogWarning("Mailbox {MailboxId} locked: {Failure} {Detail}", mailboxId, result.Failure, result.Detail);
            if (cancellationToken.IsCancellationRequested)
            {
                // Stopped while connecting: says nothing about the server, so no lock.
                return await FinishAsync(runId, mailboxId, run, ScanRunStatus.Stopped, progress);
            }

            run.Error(message);
            await locks.LockAsync(mailboxId, message);
            return await FinishAsync(runId, mailboxId, run, ScanRunStatus.Error, progress);
        }

        try
        {
            await using (session)
            {
                await locks.UnlockAsync(mailboxId);
                await Mailboxes.ProvenLogins.RecordAsync(dbFactory, mailbox.Id, credentials?.Login, CancellationToken.None);
                var decide = await DecideStage.LoadAsync(dbFactory, tickets, mailbox, cancellationToken, settings, time);
                var deadline = started + settings.TimeBudget;
                foreach (var folderName in mailbox.Folders.Distinct(StringComparer.Ordinal))
                {
                    if (run.Fetched >= settings.MaxMessagesPerRun || time.GetUtcNow() >= deadline)
                    {
                        break;
                    }

                    try
                    {
                        await ScanFolderAsync(session, mailbox, folderName, decide, settings, run, runId, deadline, () => Report(ScanRunStatus.Running), cancellationToken);
                    }
                    catch (MailFolderException ex)
                    {
                        // The server has no such folder or refused it (e.g. not selectable): the other folders are still read.
                        run.Error(ex.Missing ? ScanNotes.Encode(ScanNotes.FolderMissing, folderName) : ScanNotes.Encode(ScanNotes.FolderRefused, folderName, ex.Message));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            status = ScanRunStatus.Stopped;
        }
        catch (MailConnectionException ex)
        {
            // The server went away (or stopped answering within the IMAP timeout) mid-scan: the cursor stands after the last finished message.
            var message = ConnectionMessages.Describe(new ConnectionResult { Failure = ex.Failure, Detail = ex.Message }, endpoint);
            logger.LogWarning(ex, "Mailbox {MailboxId}: connection lost during the scan.", mailboxId);
            run.Error(message);
            await locks.LockAsync(mailboxId, message);
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

    private async Task ScanFolderAsync(
        IMailSession session, Mailbox mailbox, string folderName, DecideStage decide, ScannerOptions settings, ScanCounters run, int runId, DateTimeOffset deadline, Action report, CancellationToken cancellationToken)
    {
        var state = await session.OpenFolderAsync(folderName, cancellationToken);
        var cursor = await LoadCursorAsync(mailbox.Id, folderName, state.UidValidity, cancellationToken);
        var since = mailbox.ImportSince == default ? (DateOnly?)null : mailbox.ImportSince;
        // UIDs only: their sizes and arrival dates are asked by the fetch stage a few batches at a time, so the first batch
        // does not wait for the whole folder's (10,000 messages: 94 ms warm, 171 ms in a fresh process).
        var uids = (await session.ListNewUidsAsync((uint)cursor.LastUid, since, cancellationToken)).Take(settings.MaxMessagesPerRun - run.Fetched).ToList();
        if (uids.Count == 0)
        {
            return;
        }

        // One batch in each channel: fetching runs at most two batches ahead of the writer, so memory stays bounded by
        // a few times Scanner:BatchBytes however large the folder. The parse stage also reads the next batch's records
        // while the writer writes this one (what no write of the scan changes; the writer reads the rest).
        var fetched = Channel.CreateBounded<FetchedBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var parsed = Channel.CreateBounded<LookedUpBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var fetch = new FetchStage(session, settings, time);
        // Attachment files are written on the parse stage; what the writer does not adopt is deleted once every stage ended.
        using var staging = emails.StageAttachments();
        var parse = new ParseStage(emails, mailbox, folderName, state.UidValidity, settings, time, staging);
        var write = new WriteStage(dbFactory, emails, tickets, time, mailbox, decide, _dataDirectory, logger);
        var notify = new NotifyStage(notifier, run, report);
        var clocks = new PipelineClocks();
        var began = time.GetTimestamp();
        using var stop = new CancellationTokenSource();
        var fetching = Task.Run(() => fetch.RunAsync(uids, deadline, fetched.Writer, clocks.Fetch, stop.Token, cancellationToken), CancellationToken.None);
        var parsing = Task.Run(() => parse.RunAsync(fetched.Reader, parsed.Writer, decide.ReadAhead(dbFactory), clocks.Parse, clocks.Records, stop.Token), CancellationToken.None);
        try
        {
            await write.RunAsync(parsed.Reader, new WriteTarget(folderName, state.UidValidity, cursor.Id, runId), run, settings.MaxMessagesPerRun, deadline, notify, clocks, cancellationToken);
        }
        finally
        {
            // The earlier stages end between requests (the connection stays usable for the next folder) and never throw.
            await stop.CancelAsync();
            await Task.WhenAll(fetching, parsing);
            clocks.Publish(logger, mailbox.Id, folderName, time.GetElapsedTime(began));
        }
    }

    /// <summary>
    /// Processes a quarantined message again from its saved raw file, through the same parse, decide and write stages
    /// as a scan: on success it is marked resolved, on failure it keeps the new error. Re-doing a resolved one changes
    /// nothing; the write stage is repeat-safe anyway. Null when it succeeded, else the error (in the viewer's language).
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

        string? note;
        try
        {
            note = await ReprocessRawAsync(mailbox, failed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Mailbox {MailboxId}: reprocessing failed message {FailedId} failed.", mailbox.Id, failed.Id);
            note = ScanNotes.Encode(ScanNotes.Failed, ex.Message);
        }

        if (note is not null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var now = time.GetUtcNow();
            var text = note.Length <= 2000 ? note : note[..2000];
            await db.FailedMessages.Where(f => f.Id == failedMessageId)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.Error, text).SetProperty(f => f.FailedAt, now), CancellationToken.None);
        }

        return note is null ? null : ScanNotes.Display(note);
    }

    /// <summary>Parses the saved file and applies it; the records and the "resolved" mark commit together.</summary>
    private async Task<string?> ReprocessRawAsync(Mailbox mailbox, FailedMessage failed, CancellationToken cancellationToken)
    {
        if (failed.RawPath is null || !File.Exists(Path.Combine(_dataDirectory, failed.RawPath)))
        {
            return ScanNotes.Encode(ScanNotes.RawMissing);
        }

        var settings = await scannerSettings.GetAsync(cancellationToken);
        var raw = await File.ReadAllBytesAsync(Path.Combine(_dataDirectory, failed.RawPath), cancellationToken);
        if (ScanNotes.CodeOf(failed.Error) == ScanNotes.TooLarge
            && ScanNotes.ArgsOf(failed.Error) is [_, var claimedText] && long.TryParse(claimedText, System.Globalization.CultureInfo.InvariantCulture, out var claimed)
            && claimed > raw.LongLength)
        {
            // Only the headers were kept: the message itself is read from the server once the limit allows it.
            if (claimed > settings.MaxMessageBytes)
            {
                return ScanNotes.Encode(ScanNotes.TooLarge, settings.MaxMessageBytes, claimed);
            }

            if (await DownloadAsync(mailbox, failed, cancellationToken) is not { } whole)
            {
                return ScanNotes.Encode(ScanNotes.RawMissing);
            }

            raw = whole;
            await File.WriteAllBytesAsync(Path.Combine(_dataDirectory, failed.RawPath), raw, CancellationToken.None);
        }

        var parse = new ParseStage(emails, mailbox, failed.Folder, (uint)failed.UidValidity, settings, time);
        var item = await parse.ParseAsync((uint)failed.Uid, raw, null, null, cancellationToken);
        if (item.Problem is not null)
        {
            return item.Problem;
        }

        var decide = await DecideStage.LoadAsync(dbFactory, tickets, mailbox, cancellationToken, settings, time);
        var write = new WriteStage(dbFactory, emails, tickets, time, mailbox, decide, _dataDirectory, logger);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lookup = await decide.LookupAsync(db, [item], cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var outcome = await write.ApplyAsync(db, item, lookup, CancellationToken.None);
        var now = time.GetUtcNow();
        await db.FailedMessages.Where(f => f.Id == failed.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.ResolvedAt, now), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        notifier.Publish(outcome.Changes);
        return null;
    }

    /// <summary>The whole message from the server, when its folder still has it under the same UIDVALIDITY.</summary>
    private async Task<byte[]?> DownloadAsync(Mailbox mailbox, FailedMessage failed, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            mailbox = await db.Mailboxes.AsNoTracking().Include(m => m.MailServer).SingleAsync(m => m.Id == mailbox.Id, cancellationToken);
        }

        var server = mailbox.MailServer!;
        var endpoint = new ImapEndpoint(server.ImapHost, server.ImapPort, server.ImapSecurity, server.ValidateCertificate);
        var (session, result) = await source.OpenAsync(endpoint, await mailboxCredentials.GetAsync(mailbox, cancellationToken), cancellationToken);
        if (session is null)
        {
            throw new InvalidOperationException(ConnectionMessages.Describe(result, endpoint));
        }

        await using (session)
        {
            var state = await session.OpenFolderAsync(failed.Folder, cancellationToken);
            if (state.UidValidity != failed.UidValidity)
            {
                return null;
            }

            byte[]? raw = null;
            await session.FetchAsync([(uint)failed.Uid], (mail, _) =>
            {
                raw = mail.Raw;
                return ValueTask.CompletedTask;
            }, cancellationToken);
            return raw;
        }
    }

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

    private async Task<ScanProgress> FinishAsync(int runId, int mailboxId, ScanCounters run, ScanRunStatus status, Action<ScanProgress>? progress)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var row = await db.ScanRuns.SingleAsync(r => r.Id == runId, CancellationToken.None);
        row.FinishedAt = time.GetUtcNow();
        row.Status = status;
        run.CopyTo(row);
        await db.SaveChangesAsync(CancellationToken.None);
        var result = run.ToProgress(mailboxId, runId, status);
        progress?.Invoke(result);
        return result;
    }
}
