using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// Reads the signed-in user's own mailbox over IMAP. The owner always comes from <see cref="CurrentUser"/>; every call
/// opens one session for its work and logs out (Blazor circuits live long, IMAP connections should not).
/// </summary>
public sealed class MyMailReader(
    CurrentUser currentUser,
    MyMailAccounts accounts,
    IDbContextFactory<AppDbContext> dbFactory,
    EmailHtmlSanitizer sanitizer,
    EmailStore emailStore,
    IServiceProvider services,
    RecordChangeNotifier notifier,
    TimeProvider time) : IMyMailReader
{
    private static readonly FolderRole[] RoleOrder = [FolderRole.Inbox, FolderRole.Drafts, FolderRole.Sent, FolderRole.Junk, FolderRole.Trash, FolderRole.Archive];

    public async Task<MyMailResult<IReadOnlyList<MailFolderInfo>>> GetFoldersAsync(CancellationToken cancellationToken = default) =>
        await accounts.RunAsync<IReadOnlyList<MailFolderInfo>>(await currentUser.GetRequiredIdAsync(), async (_, session) =>
        {
            var folders = await session.ListFoldersAsync(cancellationToken);
            return MyMailAccounts.Ok(Order(folders));
        }, cancellationToken);

    /// <summary>Special-use folders first in the usual order, then the rest as a tree (a parent right before its children).</summary>
    internal static IReadOnlyList<MailFolderInfo> Order(IReadOnlyList<FolderWithCounts> folders)
    {
        var special = RoleOrder
            .Select(role => folders.FirstOrDefault(f => f.Folder.Role == role && f.Folder.Depth == 0))
            .OfType<FolderWithCounts>()
            .ToList();
        var rest = folders.Except(special).OrderBy(f => f.Folder.FullName, StringComparer.OrdinalIgnoreCase);
        return special.Concat(rest)
            .Select(f => new MailFolderInfo(f.Folder.FullName, f.Folder.Role == FolderRole.Inbox ? "INBOX" : f.Folder.Name, f.Folder.Depth, f.Folder.Role, f.Folder.CanSelect, f.Unread, f.Total))
            .ToList();
    }

    public async Task<MyMailResult<MessagePage>> GetMessagesAsync(MessageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var order = Enum.IsDefined(query.Sort) ? query.Sort : EnvelopeOrder.DateDescending;
        var request = new EnvelopeQuery(query.Folder, Math.Max(0, query.PageIndex) * pageSize, pageSize, order, query.Search);
        return await accounts.RunAsync(await currentUser.GetRequiredIdAsync(), async (_, session) =>
        {
            var page = await session.ListAsync(request, cancellationToken);
            return MyMailAccounts.Ok(new MessagePage(page.Envelopes, page.Total, page.Counters.UidNext, page.Counters.UidValidity));
        }, cancellationToken);
    }

    public async Task<MyMailResult<FolderCounters>> GetFolderStateAsync(string folder, CancellationToken cancellationToken = default) =>
        await accounts.RunAsync(await currentUser.GetRequiredIdAsync(), async (_, session) =>
        {
            return MyMailAccounts.Ok(await session.GetCountersAsync(folder, cancellationToken));
        }, cancellationToken);

    public async Task<MyMailResult<MessageView>> OpenAsync(string folder, uint uid, CancellationToken cancellationToken = default) =>
        await accounts.RunAsync(await currentUser.GetRequiredIdAsync(), async (account, session) =>
        {
            if (await session.ReadAsync(folder, uid, markSeen: true, cancellationToken) is not { } message)
            {
                return MyMailAccounts.As<MessageView>(MyMailAccounts.Fail(MyMailProblem.NotFound, MyMailMessages.NotFound));
            }

            var (storedId, links) = await StoredCopyAsync(account, message.MessageId, cancellationToken);
            return MyMailAccounts.Ok(new MessageView
            {
                Folder = folder,
                Uid = uid,
                From = message.From,
                To = message.To,
                Cc = message.Cc,
                ReplyTo = message.ReplyTo,
                Subject = message.Subject,
                Date = message.Date,
                MessageId = message.MessageId,
                Html = message.Html is null ? null : sanitizer.SanitiseForStorage(message.Html),
                Text = message.Text,
                Seen = message.Seen,
                Flagged = message.Flagged,
                Attachments = message.Attachments.Select(a => View(folder, uid, a)).ToList(),
                InlineParts = message.InlineParts.Select(a => View(folder, uid, a)).ToList(),
                StoredEmailId = storedId,
                Links = links,
            });
        }, cancellationToken);

    private static MessageAttachment View(string folder, uint uid, PartInfo part) =>
        new(part.PartSpecifier, SafeFileName.Clean(part.FileName), SafeFileName.ContentType(part.ContentType), part.Size,
            MyMailEndpoints.AttachmentUrl(folder, uid, part.PartSpecifier), part.ContentId);

    /// <summary>The stored e-mail of this message in the user's mailbox (by Message-ID) and the records it is linked to.</summary>
    private async Task<(int? Id, IReadOnlyList<LinkedRecord> Links)> StoredCopyAsync(MyMailAccount account, string? messageId, CancellationToken cancellationToken)
    {
        if (messageId is null)
        {
            return (null, []);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var id = await db.Emails.AsNoTracking()
            .Where(e => e.MailboxId == account.MailboxId && e.MessageId == messageId)
            .Select(e => (int?)e.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (id is null || !services.GetRequiredService<RecordAccess>().IsEnabled(CrmModule.Emails))
        {
            return (id, []);
        }

        var details = await services.GetRequiredService<EmailService>().GetAsync(id.Value, cancellationToken);
        return (id, details?.Links.Select(l => new LinkedRecord(l.Kind, l.RecordId, l.Label, l.Href is null ? "" : "/" + l.Href)).ToList() ?? []);
    }

    public async Task<MyMailResult> SetFlagsAsync(string folder, IReadOnlyList<uint> uids, FlagChange change, CancellationToken cancellationToken = default) =>
        await accounts.RunAsync(await currentUser.GetRequiredIdAsync(), async (_, session) =>
        {
            var (add, flags) = change switch
            {
                FlagChange.MarkRead => (true, MailFlags.Seen),
                FlagChange.MarkUnread => (false, MailFlags.Seen),
                FlagChange.Flag => (true, MailFlags.Flagged),
                _ => (false, MailFlags.Flagged),
            };
            if (uids.Count > 0)
            {
                await session.SetFlagsAsync(folder, uids, add, flags, cancellationToken);
            }

            return MyMailAccounts.Ok(true);
        }, cancellationToken);

    public async Task<MyMailResult> MoveAsync(string folder, IReadOnlyList<uint> uids, string targetFolder, CancellationToken cancellationToken = default) =>
        await accounts.RunAsync(await currentUser.GetRequiredIdAsync(), async (_, session) =>
        {
            if (uids.Count > 0 && !string.Equals(folder, targetFolder, StringComparison.Ordinal))
            {
                await session.MoveAsync(folder, uids, targetFolder, cancellationToken);
            }

            return MyMailAccounts.Ok(true);
        }, cancellationToken);

    public async Task<MyMailResult> DeleteAsync(string folder, IReadOnlyList<uint> uids, CancellationToken cancellationToken = default) =>
        await accounts.RunAsync(await currentUser.GetRequiredIdAsync(), async (_, session) =>
        {
            if (uids.Count == 0)
            {
                return MyMailAccounts.Ok(true);
            }

            var trash = await session.FindFolderAsync(FolderRole.Trash, cancellationToken);
            if (trash is null || string.Equals(trash, folder, StringComparison.Ordinal))
            {
                await session.ExpungeAsync(folder, uids, cancellationToken);
            }
            else
            {
                await session.MoveAsync(folder, uids, trash, cancellationToken);
            }

            return MyMailAccounts.Ok(true);
        }, cancellationToken);

    public async Task<bool> DeletesPermanentlyAsync(string folder, CancellationToken cancellationToken = default)
    {
        var result = await accounts.RunAsync(await currentUser.GetRequiredIdAsync(), async (_, session) =>
        {
            var trash = await session.FindFolderAsync(FolderRole.Trash, cancellationToken);
            return MyMailAccounts.Ok(trash is null || string.Equals(trash, folder, StringComparison.Ordinal));
        }, cancellationToken);
        // When the server cannot be asked, say "for good": the page then asks for confirmation, which is the safe side.
        return !result.Succeeded || result.Value;
    }

    public async Task<MyMailResult<int>> LinkToRecordAsync(string folder, uint uid, RecordKind kind, string recordId, CancellationToken cancellationToken = default)
    {
        var access = services.GetRequiredService<RecordAccess>();
        if (!access.IsEnabled(CrmModule.Emails))
        {
            return MyMailAccounts.As<int>(MyMailAccounts.Fail(MyMailProblem.Invalid, MyMailMessages.EmailsModuleDisabled));
        }

        var viewer = await access.GetViewerAsync();
        if (!await access.CanSeeAsync(viewer, kind, recordId, cancellationToken))
        {
            return MyMailAccounts.As<int>(MyMailAccounts.Fail(MyMailProblem.NotFound, MyMailMessages.NotFound));
        }

        return await accounts.RunAsync(viewer.UserId, async (account, session) =>
        {
            if (await session.FetchForStoreAsync(folder, uid, account.OwnerId, time.GetUtcNow(), cancellationToken) is not { } fetched)
            {
                return MyMailAccounts.As<int>(MyMailAccounts.Fail(MyMailProblem.NotFound, MyMailMessages.NotFound));
            }

            var own = account.SenderAddress;
            var type = own is not null && string.Equals(fetched.Snapshot.From?.Normalised, own, StringComparison.OrdinalIgnoreCase) ? MailType.Sent : MailType.Received;
            // The scanner's store path and dedupe key: a mail it stored already (or stores later) is one e-mail.
            var stored = await emailStore.StoreAsync(fetched.Email with { MailboxId = account.MailboxId, Type = type }, cancellationToken);
            await emailStore.LinkAsync(stored.Id, [(kind, recordId)], cancellationToken);
            notifier.Publish([new RecordChange(RecordChangeKind.Email, stored.Id.ToString(CultureInfo.InvariantCulture)), new RecordChange(kind, recordId)]);
            return MyMailAccounts.Ok(stored.Id);
        }, cancellationToken);
    }

    /// <summary>
    /// Streams one attachment of the user's own message to <paramref name="output"/> after <paramref name="begin"/> has
    /// been told its name and type (to set headers). For the download endpoint, which knows the user from the request.
    /// </summary>
    internal async Task<MyMailResult<bool>> StreamAttachmentAsync(
        string userId, string folder, uint uid, string part, Func<PartInfo, Stream> begin, CancellationToken cancellationToken) =>
        await accounts.RunAsync(userId, async (_, session) =>
        {
            if (await session.FindPartAsync(folder, uid, part, cancellationToken) is not { } info)
            {
                return MyMailAccounts.As<bool>(MyMailAccounts.Fail(MyMailProblem.NotFound, MyMailMessages.NotFound));
            }

            await session.CopyPartAsync(folder, uid, info, begin(info), cancellationToken);
            return MyMailAccounts.Ok(true);
        }, cancellationToken);
}
