using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>A quarantined message as the Mailbox tab lists it (mailbox and owner fill the administrators' list).</summary>
public sealed record FailedMessageRow(int Id, string Folder, long Uid, long Size, string Error, DateTimeOffset FailedAt)
{
    public string? MailboxName { get; init; }

    public string? OwnerName { get; init; }
}

/// <summary>How a reprocessing request ended.</summary>
public enum ReprocessStatus
{
    /// <summary>The message was processed and left the list.</summary>
    Processed,
    /// <summary>It failed again; the error says why.</summary>
    Failed,
    /// <summary>The mailbox is being scanned; nothing was done, try again later.</summary>
    Busy,
}

public sealed record ReprocessResult(ReprocessStatus Status, string? Error = null);

/// <summary>
/// Failed messages of a mailbox: the owner lists their own; the owner or an administrator reprocesses one. Every call
/// checks the signed-in user against the message's mailbox on the server.
/// </summary>
public sealed class FailedMessageService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, MailboxScanner scanner, ScanCoordinator coordinator, Modules.ModuleService modules)
{
    /// <summary>The signed-in user's mailbox's unresolved failed messages, newest first.</summary>
    public async Task<IReadOnlyList<FailedMessageRow>> OwnUnresolvedAsync(int take = 50, CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.FailedMessages.AsNoTracking()
            .Where(f => f.ResolvedAt == null && f.Mailbox!.OwnerId == userId)
            .OrderByDescending(f => f.FailedAt).ThenByDescending(f => f.Id).Take(take)
            .Select(f => new FailedMessageRow(f.Id, f.Folder, f.Uid, f.Size, f.Error, f.FailedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Every mailbox's unresolved failed messages with mailbox and owner, newest first. Administrators only.</summary>
    public async Task<IReadOnlyList<FailedMessageRow>> AllUnresolvedAsync(int take = 200, CancellationToken cancellationToken = default)
    {
        await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.FailedMessages.AsNoTracking()
            .Where(f => f.ResolvedAt == null)
            .OrderByDescending(f => f.FailedAt).ThenByDescending(f => f.Id).Take(Math.Clamp(take, 1, 1000))
            .Select(f => new { Row = new FailedMessageRow(f.Id, f.Folder, f.Uid, f.Size, f.Error, f.FailedAt), f.Mailbox!.Name, f.Mailbox.Owner!.UserName, f.Mailbox.Owner.FirstName, f.Mailbox.Owner.LastName })
            .ToListAsync(cancellationToken);
        return rows.Select(r => r.Row with { MailboxName = r.Name, OwnerName = Records.Shared.OwnerDirectory.DisplayName(r.FirstName, r.LastName, r.UserName) }).ToList();
    }

    /// <summary>
    /// Reprocesses one failed message behind the mailbox's scan gate (never beside a running scan). Owner or
    /// administrator only.
    /// </summary>
    public async Task<ReprocessResult> ReprocessAsync(int failedMessageId, CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        modules.Demand(Domain.Modules.CrmModule.MyMail);
        int mailboxId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var target = await db.FailedMessages.Where(f => f.Id == failedMessageId)
                .Select(f => new { f.MailboxId, f.Mailbox!.OwnerId }).SingleOrDefaultAsync(cancellationToken);
            if (target is null || (target.OwnerId != userId && !await currentUser.IsAdministratorAsync()))
            {
                throw new UnauthorizedAccessException("Only the mailbox owner or an administrator can reprocess this message.");
            }

            mailboxId = target.MailboxId;
        }

        var (ran, error) = await coordinator.TryExclusiveAsync(mailboxId, ct => scanner.ReprocessAsync(failedMessageId, ct), cancellationToken);
        return !ran ? new ReprocessResult(ReprocessStatus.Busy)
            : error is null ? new ReprocessResult(ReprocessStatus.Processed)
            : new ReprocessResult(ReprocessStatus.Failed, error);
    }
}
