using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The schedule's run, while the module My mail is enabled: every Active mailbox, and every Locked one whose failure is
/// older than <see cref="ScannerOptions.LockedRetryInterval"/> (a scan that connects unlocks it), one after another —
/// of the mailboxes this node holds (all of them with one node; its leased share when several share PostgreSQL).
/// </summary>
public sealed class ScheduledScan(
    IDbContextFactory<AppDbContext> dbFactory,
    ModuleService modules,
    ScanCoordinator coordinator,
    Nodes.IMailboxOwnership ownership,
    ScanHistoryRetention retention,
    Settings.ScannerSettingsService settings,
    TimeProvider time,
    ILogger<ScheduledScan> logger)
    : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        if (!modules.IsEnabled(CrmModule.MyMail))
        {
            return;
        }

        var options = await settings.GetAsync(CancellationToken);
        await ownership.RefreshIfStaleAsync(CancellationToken);
        List<int> mailboxes;
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken))
        {
            var now = time.GetUtcNow();
            var candidates = await db.Mailboxes.AsNoTracking()
                // OAuth mailboxes count once they can renew their token; a refused refresh token waits for a new sign-in.
                .Where(m => m.PasswordProtected != null || m.OAuthRefreshTokenProtected != null)
                // A deactivated user's mailbox is not read (the scanner refuses it too).
                .Where(m => db.Users.Any(u => u.Id == m.OwnerId && u.IsActive))
                .Where(m => m.Status == MailboxStatus.Active || m.Status == MailboxStatus.Locked)
                .OrderBy(m => m.Id).Select(m => new { m.Id, m.Status, m.LastErrorAt }).ToListAsync(CancellationToken);
            mailboxes = candidates.Where(m => new MailboxState(m.Status, null, m.LastErrorAt).IsDue(now, options.LockedRetryInterval))
                .Where(m => ownership.Holds(m.Id))
                .Select(m => m.Id).ToList();
        }

        try
        {
            await retention.PurgeIfDueAsync(CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Purging old scan history failed.");
        }

        foreach (var id in mailboxes)
        {
            if (CancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (!ownership.Holds(id))
            {
                // Given up to another node during this run (more nodes came up): that node scans it now.
                continue;
            }

            try
            {
                await coordinator.RunAsync(id, null, CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One mailbox's failure never keeps the others from their scan.
                logger.LogError(ex, "Scheduled scan of mailbox {MailboxId} failed.", id);
            }
        }
    }
}
