using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace PrivateMail.Web.Mail;

/// <summary>The state of a folder when the scanner opens it.</summary>
/// <param name="UidValidity">When this changes, every UID in the folder means something new.</param>
public sealed record FolderState(string FullName, uint UidValidity, uint UidNext, int Count);

/// <summary>
/// Reads new mail from one folder: opened read-only (EXAMINE), so no flag ever changes — the scanner never depends on
/// or sets \Seen. Bodies come in batches, one UID FETCH BODY.PEEK[] per batch, streamed message by message.
/// </summary>
public static class ImapFolderReader
{
    public static async Task<(IMailFolder Folder, FolderState State)> OpenAsync(ImapClient client, string fullName, CancellationToken cancellationToken)
    {
        var folder = await client.GetFolderAsync(fullName, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        return (folder, new FolderState(folder.FullName, folder.UidValidity, folder.UidNext?.Id ?? 0, folder.Count));
    }

    /// <summary>
    /// UIDs above <paramref name="afterUid"/> in ascending order. On a folder's first scan (<paramref name="afterUid"/> 0)
    /// with a start date, only mail delivered on or after that day: a first connect does not import years of history.
    /// </summary>
    public static async Task<IReadOnlyList<UniqueId>> FindNewAsync(IMailFolder folder, uint afterUid, DateOnly? since, CancellationToken cancellationToken)
    {
        if (folder.Count == 0)
        {
            return [];
        }

        SearchQuery query = afterUid == 0
            ? since is { } day ? SearchQuery.DeliveredAfter(day.ToDateTime(TimeOnly.MinValue)) : SearchQuery.All
            : SearchQuery.Uids(new UniqueIdRange(new UniqueId(afterUid + 1), UniqueId.MaxValue));
        var uids = await folder.SearchAsync(query, cancellationToken);
        // "n:*" also returns the last message when n is above every UID (RFC 3501): drop what is not new.
        return uids.Where(u => u.Id > afterUid).OrderBy(u => u.Id).ToList();
    }

    /// <summary>Streams the full bodies of <paramref name="batch"/> in one FETCH; the stream is only valid inside the callback.</summary>
    public static Task FetchAsync(IMailFolder folder, IList<UniqueId> batch, Func<UniqueId, Stream, CancellationToken, Task> onMessage, CancellationToken cancellationToken) =>
        ((ImapFolder)folder).GetStreamsAsync(batch, (_, _, uid, stream, ct) => onMessage(uid, stream, ct), cancellationToken);
}
