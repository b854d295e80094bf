using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>A history row as the Mailbox tab shows it.</summary>
public sealed record ScanRunRow(
    int Id, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, ScanRunStatus Status, bool Manual,
    int Fetched, int Stored, int Bound, int TicketsOpened, int TicketsCreated, int Skipped, int Failed, string? FirstError);

/// <summary>A sender whose mail reached the per-sender ticket cap: how many of their e-mails were stored without a ticket.</summary>
public sealed record CappedSender(string Sender, int Messages, string Cap);

/// <summary>Scan now, Stop and history for the signed-in user's own mailbox; no member takes a mailbox id from the page.</summary>
public sealed class ScanService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, ScanCoordinator coordinator, AttemptLimiter limiter, Modules.ModuleService modules, TimeProvider time)
{
    public async Task<int?> OwnMailboxIdAsync(CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Mailboxes.Where(m => m.OwnerId == userId).Select(m => (int?)m.Id).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ScanRunRow>> HistoryAsync(int take = 10, CancellationToken cancellationToken = default)
    {
        if (await OwnMailboxIdAsync(cancellationToken) is not { } mailboxId)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ScanRuns.AsNoTracking().Where(r => r.MailboxId == mailboxId)
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Take(take)
            .Select(r => new ScanRunRow(r.Id, r.StartedAt, r.FinishedAt, r.Status, r.StartedById != null,
                r.Fetched, r.Stored, r.Bound, r.TicketsOpened, r.TicketsCreated, r.Skipped, r.Failed, r.FirstError))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The notice to the owner when the per-sender ticket cap held mail back (a loop, an autoresponder, a storm): the
    /// senders whose e-mails were stored without a ticket in the runs of the last day, most first.
    /// </summary>
    public async Task<IReadOnlyList<CappedSender>> CappedSendersAsync(CancellationToken cancellationToken = default)
    {
        if (await OwnMailboxIdAsync(cancellationToken) is not { } mailboxId)
        {
            return [];
        }

        var since = time.GetUtcNow().AddDays(-1);
        var prefix = ScanNotes.Encode(ScanNotes.TicketCap);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var reasons = await db.ScanOutcomes.AsNoTracking()
            .Where(o => o.Run!.MailboxId == mailboxId && o.Run.StartedAt >= since && o.Reason != null && o.Reason.StartsWith(prefix))
            .OrderByDescending(o => o.Id).Take(5000).Select(o => o.Reason).ToListAsync(cancellationToken);
        return reasons.Select(r => ScanNotes.ArgsOf(r))
            .Where(a => a.Count >= 2)
            .GroupBy(a => a[0], StringComparer.OrdinalIgnoreCase)
            .Select(g => new CappedSender(g.Key, g.Count(), g.First()[1]))
            .OrderByDescending(c => c.Messages).ThenBy(c => c.Sender, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Starts a scan of the own mailbox in the background; false when there is none or one is running.
    /// Each scan logs in to the mail server: throws <see cref="AttemptLimitExceededException"/> past the attempt limit, and
    /// <see cref="ScanRunningElsewhereException"/> while another app node scans the mailbox.
    /// </summary>
    public async Task<bool> ScanNowAsync(CancellationToken cancellationToken = default)
    {
        modules.Demand(Domain.Modules.CrmModule.MyMail);
        var userId = await currentUser.GetRequiredIdAsync();
        if (!limiter.TryAcquire(AttemptKeys.ScanByUser(userId)))
        {
            throw new AttemptLimitExceededException();
        }

        return await OwnMailboxIdAsync(cancellationToken) is { } mailboxId && ScanNowRefusal.Started(await coordinator.TryStartAsync(mailboxId, userId, cancellationToken));
    }

    public async Task<bool> StopAsync(CancellationToken cancellationToken = default) =>
        await OwnMailboxIdAsync(cancellationToken) is { } mailboxId && coordinator.Stop(mailboxId);
}
