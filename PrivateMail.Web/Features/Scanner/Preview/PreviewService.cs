using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Scanner.Stages;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner.Preview;

/// <summary>
/// Dry run of the scanner over the newest messages of the form's folders since its start date: the scanner's own fetch
/// (read-only folders, BODY.PEEK), parse and decide stages, writing nothing. Instead of the write stage, the effects a
/// write has on later decisions are kept in memory, in the batch lookup the decisions read: a reply to a ticket created
/// two messages earlier finds it, a second copy of a message is a duplicate, a status changed once is changed. Nothing
/// is written, so no write lock is held and no attachment file appears however long the preview takes.
/// </summary>
public sealed class PreviewService(MailboxService mailboxes, PreviewRunner runner)
{
    public const int DefaultMessages = 50;
    public const int MaxMessages = 500;

    /// <summary>Previews with the form's unsaved values; the connection is resolved and rate-limited as Test connection's.</summary>
    public async Task<PreviewResult> RunAsync(MailboxModel model, int messages, Action<PreviewProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = await mailboxes.ResolvePreviewAsync(model, cancellationToken);
        if (target.Error is { } error)
        {
            return new PreviewResult([], error, false);
        }

        var mailbox = new Mailbox
        {
            Id = target.MailboxId ?? 0,
            OwnerId = target.OwnerId,
            Folders = [.. model.Folders.Where(f => !string.IsNullOrWhiteSpace(f)).Distinct(StringComparer.Ordinal)],
            Actions = model.Actions,
            SearchFields = [.. model.SearchFields],
            EmailExceptions = [.. model.EmailExceptions],
            DomainExceptions = [.. model.DomainExceptions],
            ImportSince = model.ImportSince is { } since ? DateOnly.FromDateTime(since) : default,
        };
        return await runner.PreviewAsync(mailbox, target.Endpoint!, target.Credentials!, messages, progress, cancellationToken);
    }

    /// <summary>
    /// How many messages the form's folders hold since its start date — a search per folder, nothing fetched — or null
    /// when the server cannot be asked (the save then reports what is wrong). Resolved and rate-limited as the preview.
    /// </summary>
    public async Task<int?> CountAsync(MailboxModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = await mailboxes.ResolvePreviewAsync(model, cancellationToken);
        if (target.Error is not null)
        {
            return null;
        }

        var since = model.ImportSince is { } day ? DateOnly.FromDateTime(day) : (DateOnly?)null;
        var folders = model.Folders.Where(f => !string.IsNullOrWhiteSpace(f)).Distinct(StringComparer.Ordinal).ToList();
        return await runner.CountAsync(target.Endpoint!, target.Credentials!, folders, since, cancellationToken);
    }
}

/// <summary>The dry run itself, for a mailbox as given (saved, or built from the form by <see cref="PreviewService"/>).</summary>
public sealed class PreviewRunner(
    IDbContextFactory<AppDbContext> dbFactory,
    IMailSource source,
    EmailStore emails,
    TicketStore tickets,
    IOptions<ScannerOptions> options,
    TimeProvider time,
    ILogger<PreviewRunner> logger)
{
    /// <summary>The dry run for a mailbox as given (saved or built from a form).</summary>
    public async Task<PreviewResult> PreviewAsync(
        Mailbox mailbox, ImapEndpoint endpoint, ImapCredentials credentials, int messages, Action<PreviewProgress>? progress, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(messages, 1, PreviewService.MaxMessages);
        var settings = options.Value;
        var rows = new List<PreviewRow>();
        var parsed = new List<(string Folder, ParsedMail Mail)>();
        var decide = await DecideStage.LoadAsync(dbFactory, tickets, mailbox, cancellationToken);
        var (session, result) = await source.OpenAsync(endpoint, credentials, cancellationToken);
        if (session is null)
        {
            return new PreviewResult([], ConnectionMessages.Describe(result, endpoint), false);
        }

        string? error = null;
        var stopped = false;
        try
        {
            await using (session)
            {
                var chosen = await ChooseAsync(session, mailbox, limit, rows, cancellationToken);
                progress?.Invoke(new PreviewProgress(chosen.Count, 0, 0));
                foreach (var folder in chosen.GroupBy(c => c.Folder))
                {
                    var state = await session.OpenFolderAsync(folder.Key, cancellationToken);
                    var items = folder.Select(c => c.Item).OrderBy(i => i.Uid).ToList();
                    var parse = new ParseStage(emails, mailbox, folder.Key, state.UidValidity, settings, time);
                    var fetched = Channel.CreateBounded<FetchedBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
                    var fetching = new FetchStage(session, settings, time).RunAsync(items, DateTimeOffset.MaxValue, fetched.Writer, new StageClock("fetch"), cancellationToken, cancellationToken);
                    await foreach (var batch in fetched.Reader.ReadAllAsync(cancellationToken))
                    {
                        foreach (var item in batch.Items)
                        {
                            // The raw bytes are not needed again: only the parsed message is kept.
                            var mail = await parse.ParseAsync(item.Uid, item.Raw, item.Arrived, item.Problem, cancellationToken);
                            parsed.Add((folder.Key, mail with { Raw = null }));
                        }

                        progress?.Invoke(new PreviewProgress(chosen.Count, parsed.Count, 0));
                    }

                    await fetching;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stopped = true;
        }
        catch (MailConnectionException ex)
        {
            logger.LogWarning(ex, "Preview of mailbox {MailboxId}: connection lost.", mailbox.Id);
            error = ConnectionMessages.Describe(new ConnectionResult { Failure = ex.Failure, Detail = ex.Message }, endpoint);
        }

        // What was read is decided even after a stop or a lost connection: the table shows those messages.
        rows.AddRange(await DecideAsync(mailbox, decide, parsed, CancellationToken.None));
        progress?.Invoke(new PreviewProgress(parsed.Count, parsed.Count, parsed.Count));
        return new PreviewResult(rows, error, stopped);
    }

    /// <summary>Messages since <paramref name="since"/> in the folders that open; null when the connection fails.</summary>
    public async Task<int?> CountAsync(ImapEndpoint endpoint, ImapCredentials credentials, IReadOnlyList<string> folders, DateOnly? since, CancellationToken cancellationToken)
    {
        var (session, _) = await source.OpenAsync(endpoint, credentials, cancellationToken);
        if (session is null)
        {
            return null;
        }

        await using (session)
        {
            var total = 0;
            try
            {
                foreach (var folder in folders)
                {
                    try
                    {
                        await session.OpenFolderAsync(folder, cancellationToken);
                        total += await session.CountSinceAsync(since, cancellationToken);
                    }
                    catch (MailFolderException)
                    {
                        // A folder that is gone counts nothing here; the save and the scan report it.
                    }
                }
            }
            catch (MailConnectionException ex)
            {
                logger.LogWarning(ex, "Counting the messages of the form's folders: connection lost.");
                return null;
            }

            return total;
        }
    }

    /// <summary>The newest messages since the start date across the folders; a folder that cannot be opened is a failed row.</summary>
    private static async Task<List<(string Folder, MailItem Item)>> ChooseAsync(IMailSession session, Mailbox mailbox, int limit, List<PreviewRow> rows, CancellationToken cancellationToken)
    {
        var since = mailbox.ImportSince == default ? (DateOnly?)null : mailbox.ImportSince;
        var listed = new List<(string Folder, int Order, MailItem Item)>();
        var order = 0;
        foreach (var folder in mailbox.Folders.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await session.OpenFolderAsync(folder, cancellationToken);
                var index = order++;
                listed.AddRange((await session.ListNewAsync(0, since, cancellationToken)).Select(i => (folder, index, i)));
            }
            catch (MailFolderException ex)
            {
                var note = ex.Missing ? ScanNotes.Encode(ScanNotes.FolderMissing, folder) : ScanNotes.Encode(ScanNotes.FolderRefused, folder, ex.Message);
                rows.Add(new PreviewRow(folder, 0, null, "", "", ScanOutcomeKind.Quarantined, null, note));
            }
        }

        // The newest N, then in the scanner's order: folder by folder, ascending UID.
        return listed
            .OrderByDescending(l => l.Item.Arrived ?? DateTimeOffset.MinValue).ThenByDescending(l => l.Item.Uid)
            .Take(limit)
            .OrderBy(l => l.Order).ThenBy(l => l.Item.Uid)
            .Select(l => (l.Folder, l.Item))
            .ToList();
    }

    /// <summary>
    /// Each message decided in the scanner's order, then its write's effects on the next decisions applied in memory —
    /// the same rules as <see cref="WriteStage"/>: a copy already stored is a duplicate and changes no status; a ticket is
    /// created once per message (not again when its e-mail or an earlier ticket already has it).
    /// </summary>
    private async Task<List<PreviewRow>> DecideAsync(Mailbox mailbox, DecideStage decide, List<(string Folder, ParsedMail Mail)> parsed, CancellationToken cancellationToken)
    {
        var rows = new List<PreviewRow>(parsed.Count);
        if (parsed.Count == 0)
        {
            return rows;
        }

        var context = decide.Context;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lookup = await decide.LookupAsync(db, parsed.Select(p => p.Mail), cancellationToken);
        var keys = parsed.Select(p => p.Mail.Email?.Key).OfType<string>().Distinct().ToList();
        var sources = parsed.Select(p => p.Mail.Snapshot).OfType<MessageSnapshot>().Select(MessageIdentity.DedupKey).Distinct().ToList();
        // Stored e-mails by key, and whether a ticket is linked to them; tickets created from these messages before.
        var stored = new Dictionary<string, bool>(StringComparer.Ordinal);
        var ticketSources = new HashSet<string>(StringComparer.Ordinal);
        // Status changes these messages made before (the writer applies each once per message, even with no e-mail stored).
        var appliedChanges = new HashSet<(string Key, string TicketId)>();
        if (mailbox.Id != 0)
        {
            var applied = await db.AppliedStatusChanges.AsNoTracking().Where(a => a.MailboxId == mailbox.Id && sources.Contains(a.MessageKey))
                .Select(a => new { a.MessageKey, a.TicketId }).ToListAsync(cancellationToken);
            appliedChanges.UnionWith(applied.Select(a => (a.MessageKey, a.TicketId.ToString(CultureInfo.InvariantCulture))));

            var found = await db.Emails.AsNoTracking().Where(e => e.MailboxId == mailbox.Id && keys.Contains(e.DedupeKey))
                .Select(e => new { e.DedupeKey, HasTicket = e.Links.Any(l => l.RecordKind == RecordKind.Ticket) })
                .ToListAsync(cancellationToken);
            foreach (var email in found)
            {
                stored[email.DedupeKey] = stored.GetValueOrDefault(email.DedupeKey) || email.HasTicket;
            }

            ticketSources.UnionWith(await db.Tickets.AsNoTracking().Where(t => t.SourceMailboxId == mailbox.Id && t.SourceKey != null && sources.Contains(t.SourceKey))
                .Select(t => t.SourceKey!).ToListAsync(cancellationToken));
        }

        var sequence = await db.RecordSequences.AsNoTracking().Where(s => s.Name == RecordSequence.Tickets)
            .Select(s => new { s.Prefix, s.Next }).SingleOrDefaultAsync(cancellationToken);
        var prefix = sequence?.Prefix ?? RecordNumber.TicketPrefix;
        var next = sequence?.Next ?? 1;
        foreach (var (folder, item) in parsed)
        {
            var snapshot = item.Snapshot;
            var date = snapshot?.Date;
            var sender = snapshot?.From?.Normalised ?? "";
            if (item.Problem is not null || snapshot is null)
            {
                rows.Add(new PreviewRow(folder, item.Uid, date, sender, item.Subject, ScanOutcomeKind.Quarantined, null, item.Problem ?? ScanNotes.Encode(ScanNotes.Refused, "")));
                continue;
            }

            var decision = decide.Decide(snapshot, lookup, explainMatches: true);
            if (decision.Skipped is not null)
            {
                rows.Add(new PreviewRow(folder, item.Uid, date, sender, item.Subject, ScanOutcomeKind.Skipped, decision, null) { Snapshot = ForTester(snapshot) });
                continue;
            }

            bool isNew = false, duplicate = false, emailHasTicket = false;
            var links = new List<string>();
            if (decision.Store && item.Email is { } prepared)
            {
                duplicate = stored.TryGetValue(prepared.Key, out var storedHasTicket);
                isNew = !duplicate;
                links.AddRange(decision.Bindings.Select(b => b.DisplayName));
                if (decision.Ticket is { } named)
                {
                    links.Add(named.Number.ToString());
                }

                emailHasTicket = isNew ? decision.Ticket is not null || decision.Bindings.Any(b => b.Kind == RecordKind.Ticket) : storedHasTicket;
            }

            if (decision.Ticket is { } ticket && snapshot.MessageId is { } ownId)
            {
                lookup.RememberThread(ownId, ticket);
            }

            var sourceKey = MessageIdentity.DedupKey(snapshot);
            string? opened = null;
            if (decision.TicketChange is { } change && context.StatusIds.ContainsKey(change.To))
            {
                if (!duplicate && appliedChanges.Add((sourceKey, change.TicketId)))
                {
                    lookup.StatusChanged(change.TicketId, change.To, context.Closing.Contains(change.To));
                    opened = decision.Ticket?.Number.ToString();
                }
                else
                {
                    // As the writer: a copy seen again (stored already, or its change remembered) changes nothing.
                    decision = decision with { Reasons = ChangedBefore(decision.Reasons, decision.Ticket?.Number.ToString() ?? "") };
                }
            }

            var earlier = decision.NewTicket is not null && !emailHasTicket && ticketSources.Contains(sourceKey);
            string? created = null;
            if (decision.NewTicket is { } draft && !emailHasTicket && !earlier && context.StatusIds.ContainsKey(draft.Status))
            {
                var number = new RecordNumber(prefix, next++);
                created = number.ToString();
                decide.TicketCreated(snapshot);
                ticketSources.Add(sourceKey);
                // A provisional ticket: later messages of the preview find it by thread and by its number in the subject.
                var provisional = new TicketRef("preview-" + created, number, draft.Status, context.Closing.Contains(draft.Status));
                lookup.RememberTicket(provisional);
                if (snapshot.MessageId is { } messageId)
                {
                    lookup.RememberThread(messageId, provisional);
                }
            }

            if (decision.Store && item.Email is { } done)
            {
                stored[done.Key] = emailHasTicket || earlier || created is not null || stored.GetValueOrDefault(done.Key);
            }

            var outcome = isNew ? ScanOutcomeKind.Stored : duplicate ? ScanOutcomeKind.Duplicate : ScanOutcomeKind.NotStored;
            rows.Add(new PreviewRow(folder, item.Uid, date, sender, item.Subject, outcome, decision, null)
            {
                Bound = isNew && links.Count > 0,
                BoundTo = isNew ? links : [],
                TicketOpened = opened,
                TicketReopened = opened is not null && decision.Reasons.Any(r => r.Code == DecisionReasonCode.TicketReopened),
                TicketCreated = created,
                Snapshot = ForTester(snapshot),
            });
        }

        return rows;
    }

    /// <summary>What the rule tester needs of a message: everything but most of its body (500 rows stay in the circuit).</summary>
    private static MessageSnapshot ForTester(MessageSnapshot snapshot) =>
        snapshot.TextBody.Length <= TesterBodyChars ? snapshot : snapshot with { TextBody = snapshot.TextBody[..TesterBodyChars] };

    private const int TesterBodyChars = 4_000;

    /// <summary>The reasons with the status change replaced by "changed it when first read".</summary>
    private static List<DecisionReason> ChangedBefore(IReadOnlyList<DecisionReason> reasons, string ticket) =>
        [.. reasons.Select(r => r.Code is DecisionReasonCode.TicketAnswered or DecisionReasonCode.TicketReopened
            ? new DecisionReason(DecisionReasonCode.TicketChangedBefore, ticket) : r)];
}
