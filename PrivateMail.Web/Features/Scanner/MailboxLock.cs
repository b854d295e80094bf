using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The scanner's one rule for locking: a connection or login failure locks an Active (or already Locked) mailbox with
/// the reason in words; the next scan that connects unlocks it. An Inactive mailbox is never touched, and a lock is
/// lifted only from <see cref="MailboxStatus.Locked"/>, so a state another feature sets stays until that feature clears it.
/// </summary>
public sealed class MailboxLock(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public async Task LockAsync(int mailboxId, string reason)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        var error = reason.Length <= 2000 ? reason : reason[..2000];
        await db.Mailboxes.Where(m => m.Id == mailboxId && (m.Status == MailboxStatus.Active || m.Status == MailboxStatus.Locked))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailboxStatus.Locked).SetProperty(m => m.LastError, error).SetProperty(m => m.LastErrorAt, now), CancellationToken.None);
    }

    public async Task UnlockAsync(int mailboxId)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Mailboxes.Where(m => m.Id == mailboxId && m.Status == MailboxStatus.Locked)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailboxStatus.Active).SetProperty(m => m.LastError, (string?)null).SetProperty(m => m.LastErrorAt, (DateTimeOffset?)null), CancellationToken.None);
    }
}
