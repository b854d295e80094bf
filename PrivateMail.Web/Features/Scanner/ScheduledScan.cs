using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>The schedule's run: every Active mailbox, one after another, while the module My mail is enabled.</summary>
public sealed class ScheduledScan(IDbContextFactory<AppDbContext> dbFactory, ModuleService modules, ScanCoordinator coordinator, ILogger<ScheduledScan> logger)
    : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        if (!modules.IsEnabled(CrmModule.MyMail))
        {
            return;
        }

        List<int> mailboxes;
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken))
        {
            mailboxes = await db.Mailboxes.AsNoTracking().Where(m => m.Status == MailboxStatus.Active && m.PasswordProtected != null)
                .OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(CancellationToken);
        }

        foreach (var id in mailboxes)
        {
            if (CancellationToken.IsCancellationRequested)
            {
                break;
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
