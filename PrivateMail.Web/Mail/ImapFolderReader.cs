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

    /// <summary>
    /// Size and arrival time (INTERNALDATE) of each message, in one FETCH: batches are cut by bytes as well as by count,
    /// and mail without any date is dated by its arrival.
    /// </summary>
    public static async Task<IReadOnlyDictionary<uint, (long Size, DateTimeOffset? Arrived)>> DescribeAsync(IMailFolder folder, IList<UniqueId> uids, CancellationToken cancellationToken)
    {
        if (uids.Count == 0)
        {
            return new Dictionary<uint, (long, DateTimeOffset?)>();
        }

        var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate, cancellationToken);
        return summaries.ToDictionary(s => s.UniqueId.Id, s => ((long)(s.Size ?? 0), s.InternalDate));
    }

    /// <summary>
    /// Cuts the UIDs into batches of at most <paramref name="maxCount"/> messages and <paramref name="maxBytes"/> bytes
    /// (a single larger message is a batch of its own), so one batch never holds more than that in memory.
    /// </summary>
    public static IEnumerable<IReadOnlyList<UniqueId>> Batches(IReadOnlyList<UniqueId> uids, Func<UniqueId, long> size, int maxCount, long maxBytes)
    {
        var batch = new List<UniqueId>();
        long bytes = 0;
        foreach (var uid in uids)
        {
            var next = size(uid);
            if (batch.Count > 0 && (batch.Count >= maxCount || bytes + next > maxBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(uid);
            bytes += next;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>Streams the full bodies of <paramref name="batch"/> in one FETCH; the stream is only valid inside the callback.</summary>
    public static Task FetchAsync(IMailFolder folder, IList<UniqueId> batch, Func<UniqueId, Stream, CancellationToken, Task> onMessage, CancellationToken cancellationToken) =>
        ((ImapFolder)folder).GetStreamsAsync(batch, (_, _, uid, stream, ct) => onMessage(uid, stream, ct), cancellationToken);
}
