using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>A quarantined message as the Mailbox tab lists it.</summary>
public sealed record FailedMessageRow(int Id, string Folder, long Uid, long Size, string Error, DateTimeOffset FailedAt);

/// <summary>
/// Failed messages of a mailbox: the owner lists their own; the owner or an administrator reprocesses one. Every call
/// checks the signed-in user against the message's mailbox on the server.
/// </summary>
public sealed class FailedMessageService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, MailboxScanner scanner)
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

    /// <summary>Reprocesses one failed message; null on success, else the new error. Owner or administrator only.</summary>
    public async Task<string?> ReprocessAsync(int failedMessageId, CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        string? ownerId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            ownerId = await db.FailedMessages.Where(f => f.Id == failedMessageId).Select(f => f.Mailbox!.OwnerId).SingleOrDefaultAsync(cancellationToken);
        }

        if (ownerId is null || (ownerId != userId && !await currentUser.IsAdministratorAsync()))
        {
            throw new UnauthorizedAccessException("Only the mailbox owner or an administrator can reprocess this message.");
        }

        return await scanner.ReprocessAsync(failedMessageId, cancellationToken);
    }
}
