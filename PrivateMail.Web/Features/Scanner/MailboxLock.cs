using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Carries out <see cref="MailboxState.Lock"/> and <see cref="MailboxState.Unlock"/> for the scanner: one update each,
/// guarded in the database by the states the rule accepts, so a state the owner or another feature set meanwhile stays.
/// </summary>
public sealed class MailboxLock(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public async Task LockAsync(int mailboxId, string reason)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var locked = new MailboxState(MailboxStatus.Active).Lock(reason, time.GetUtcNow()).State;
        var from = MailboxState.LockableFrom;
        await db.Mailboxes.Where(m => m.Id == mailboxId && from.Contains(m.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, locked.Status).SetProperty(m => m.LastError, locked.LastError).SetProperty(m => m.LastErrorAt, locked.LastErrorAt), CancellationToken.None);
    }

    public async Task UnlockAsync(int mailboxId)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var unlocked = new MailboxState(MailboxStatus.Locked).Unlock().State;
        var from = MailboxState.UnlockableFrom;
        await db.Mailboxes.Where(m => m.Id == mailboxId && from.Contains(m.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, unlocked.Status).SetProperty(m => m.LastError, unlocked.LastError).SetProperty(m => m.LastErrorAt, unlocked.LastErrorAt), CancellationToken.None);
    }
}
