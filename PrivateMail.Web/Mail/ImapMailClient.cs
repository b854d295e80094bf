using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;
using MimeKit.Utils;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>Opens <see cref="ImapMailSession"/>s through <see cref="ImapConnector"/> (same timeouts, TLS and failures as everywhere).</summary>
public sealed class ImapMailClient(ImapConnector connector) : IMailClient
{
    public async Task<(IMailClientSession? Session, ConnectionResult Result)> OpenAsync(ImapEndpoint endpoint, ImapCredentials credentials, CancellationToken cancellationToken)
    {
        var (client, result) = await connector.OpenAsync(endpoint, credentials, cancellationToken);
        return client is null ? (null, result) : (new ImapMailSession(client), result);
    }
}

/// <summary>
/// One logged-in IMAP connection used the way a mail client uses it: list pages with SEARCH/SORT then a UID FETCH of only
/// the visible envelopes, read a message's structure and text parts without its attachments, stream one part in chunks,
/// change flags, move, expunge and append.
/// </summary>
internal sealed class ImapMailSession(ImapClient client) : IMailClientSession
{
    /// <summary>A part is streamed in pieces of this size: the most of it ever held in memory.</summary>
    internal const int ChunkSize = 256 * 1024;

    private const MessageSummaryItems ListItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags
        | MessageSummaryItems.InternalDate | MessageSummaryItems.Size | MessageSummaryItems.BodyStructure;

    public async Task<IReadOnlyList<FolderWithCounts>> ListFoldersAsync(CancellationToken cancellationToken)
    {
        var result = new List<FolderWithCounts>();
        foreach (var ns in client.PersonalNamespaces)
        {
            var folders = await client.GetFoldersAsync(ns, StatusItems.Unread | StatusItems.Count, subscribedOnly: false, cancellationToken);
            result.AddRange(folders.Select(f => new FolderWithCounts(ImapConnector.ToMailFolder(f), f.Unread, f.Count)));
        }

        if (!result.Any(f => f.Folder.Role == FolderRole.Inbox))
        {
            var status = await GetCountersAsync("INBOX", cancellationToken);
            result.Insert(0, new FolderWithCounts(ImapConnector.ToMailFolder(client.Inbox), status.Unread, status.Total));
        }

        return result.DistinctBy(f => f.Folder.FullName).ToList();
    }

    public async Task<FolderCounters> GetCountersAsync(string folder, CancellationToken cancellationToken)
    {
        var target = await GetFolderAsync(folder, cancellationToken);
        await target.StatusAsync(StatusItems.UidNext | StatusItems.UidValidity | StatusItems.Unread | StatusItems.Count, cancellationToken);
        return new FolderCounters(target.UidNext?.Id ?? 0, target.UidValidity, target.Unread, target.Count);
    }

    public async Task<EnvelopePage> ListAsync(EnvelopeQuery query, CancellationToken cancellationToken)
    {
        var folder = await OpenAsync(query.Folder, FolderAccess.ReadOnly, cancellationToken);
        var counters = new FolderCounters(folder.UidNext?.Id ?? 0, folder.UidValidity, folder.Unread, folder.Count);
        var skip = Math.Max(0, query.Skip);
        var take = Math.Clamp(query.Take, 1, 500);
        if (folder.Count == 0)
        {
            return new EnvelopePage([], 0, counters);
        }

        var search = string.IsNullOrWhiteSpace(query.Search) ? null : query.Search.Trim();
        IList<IMessageSummary> page;
        int total;
        if (search is null && query.Order is EnvelopeOrder.DateDescending or EnvelopeOrder.DateAscending)
        {
            // Arrival order is sequence order: the page is a sequence range, no SEARCH at all.
            total = folder.Count;
            if (skip >= total)
            {
                return new EnvelopePage([], total, counters);
            }

            var (first, last) = query.Order == EnvelopeOrder.DateDescending
                ? (Math.Max(0, total - skip - take), total - skip - 1)
                : (skip, Math.Min(total - 1, skip + take - 1));
            page = await folder.FetchAsync(first, last, ListItems, cancellationToken);
            page = query.Order == EnvelopeOrder.DateDescending ? [.. page.OrderByDescending(s => s.Index)] : [.. page.OrderBy(s => s.Index)];
        }
        else
        {
            var uids = await OrderedUidsAsync(folder, query.Order, search, cancellationToken);
            total = uids.Count;
            var slice = uids.Skip(skip).Take(take).ToList();
            if (slice.Count == 0)
            {
                return new EnvelopePage([], total, counters);
            }

            var fetched = (await folder.FetchAsync(slice, ListItems, cancellationToken)).ToDictionary(s => s.UniqueId);
            page = slice.Where(fetched.ContainsKey).Select(u => fetched[u]).ToList();
        }

        return new EnvelopePage(page.Select(ToEnvelope).ToList(), total, counters);
    }

    /// <summary>SORT on the server when it has it; else SEARCH, ordered by UID for dates or by envelopes fetched for that alone.</summary>
    private async Task<IList<UniqueId>> OrderedUidsAsync(IMailFolder folder, EnvelopeOrder order, string? search, CancellationToken cancellationToken)
    {
        var query = search is null
            ? SearchQuery.All
            : SearchQuery.SubjectContains(search).Or(SearchQuery.FromContains(search)).Or(SearchQuery.ToContains(search)).Or(SearchQuery.BodyContains(search));
        if (client.Capabilities.HasFlag(ImapCapabilities.Sort))
        {
            var orderBy = order switch
            {
                EnvelopeOrder.DateAscending => OrderBy.Arrival,
                EnvelopeOrder.SenderAscending => OrderBy.From,
                EnvelopeOrder.SenderDescending => OrderBy.ReverseFrom,
                EnvelopeOrder.SubjectAscending => OrderBy.Subject,
                EnvelopeOrder.SubjectDescending => OrderBy.ReverseSubject,
                _ => OrderBy.ReverseArrival,
            };
            return await folder.SortAsync(query, [orderBy], cancellationToken);
        }

        var uids = await folder.SearchAsync(query, cancellationToken);
        switch (order)
        {
            case EnvelopeOrder.DateAscending:
                return [.. uids.OrderBy(u => u.Id)];
            case EnvelopeOrder.DateDescending:
                return [.. uids.OrderByDescending(u => u.Id)];
        }

        // Sender or subject without SORT: the envelopes of the hits only (no structure, no flags), sorted here.
        var envelopes = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, cancellationToken);
        Func<IMessageSummary, string> key = order is EnvelopeOrder.SenderAscending or EnvelopeOrder.SenderDescending
            ? s => s.Envelope?.From.Mailboxes.FirstOrDefault()?.Address ?? ""
            : s => s.NormalizedSubject ?? "";
        var sorted = order is EnvelopeOrder.SenderAscending or EnvelopeOrder.SubjectAscending
            ? envelopes.OrderBy(key, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.UniqueId.Id)
            : envelopes.OrderByDescending(key, StringComparer.OrdinalIgnoreCase).ThenByDescending(s => s.UniqueId.Id);
        return [.. sorted.Select(s => s.UniqueId)];
    }

    public async Task<ReadMessage?> ReadAsync(string folder, uint uid, bool markSeen, CancellationToken cancellationToken)
    {
        var target = await OpenAsync(folder, markSeen ? FolderAccess.ReadWrite : FolderAccess.ReadOnly, cancellationToken);
        var id = new UniqueId(target.UidValidity, uid);
        var summary = (await target.FetchAsync([id], ListItems | MessageSummaryItems.References | MessageSummaryItems.Headers, cancellationToken)).FirstOrDefault();
        if (summary is null)
        {
            return null;
        }

        string? text = null, html = null;
        if (summary.TextBody is { } textPart && await target.GetBodyPartAsync(id, textPart, cancellationToken) is TextPart plain)
        {
            text = plain.Text;
        }

        if (summary.HtmlBody is { } htmlPart && await target.GetBodyPartAsync(id, htmlPart, cancellationToken) is TextPart rich)
        {
            html = rich.Text;
        }

        var seen = summary.Flags?.HasFlag(MessageFlags.Seen) == true;
        if (markSeen && !seen)
        {
            await target.StoreAsync([id], new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { Silent = true }, cancellationToken);
            seen = true;
        }

        var envelope = summary.Envelope;
        var from = envelope?.From.Mailboxes.FirstOrDefault();
        // MailKit walks the body structure on every enumeration: once here.
        var attachments = summary.Attachments.ToList();
        var rawId = summary.Headers?[HeaderId.MessageId] ?? (envelope?.MessageId is { } mid ? $"<{mid}>" : null);
        return new ReadMessage
        {
            Uid = uid,
            From = from?.ToString() ?? "",
            FromAddress = from?.Address ?? "",
            To = envelope?.To.ToString() ?? "",
            Cc = envelope?.Cc.ToString() ?? "",
            ReplyTo = envelope?.ReplyTo.ToString() ?? "",
            Subject = envelope?.Subject ?? "",
            Date = envelope?.Date ?? summary.InternalDate ?? DateTimeOffset.MinValue,
            MessageId = MessageIdentity.NormaliseMessageId(rawId),
            RawMessageId = rawId?.Trim(),
            References = summary.References?.Select(r => r).ToList() ?? [],
            Html = html,
            Text = text ?? (html is null ? "" : MimeSnapshotMapper.HtmlToText(html)),
            Seen = seen,
            Flagged = summary.Flags?.HasFlag(MessageFlags.Flagged) == true,
            Attachments = attachments.Select(ToPartInfo).ToList(),
            InlineParts = summary.BodyParts
                .Where(p => p.ContentId is not null && p != summary.TextBody && p != summary.HtmlBody && !attachments.Contains(p))
                .Select(ToPartInfo).ToList(),
            ToAddresses = Addresses(envelope?.To),
            CcAddresses = Addresses(envelope?.Cc),
            ReplyToAddresses = Addresses(envelope?.ReplyTo),
            BccAddresses = Addresses(envelope?.Bcc),
            InReplyTo = envelope?.InReplyTo,
            DraftTicketId = int.TryParse(summary.Headers?[MailComposer.DraftTicketHeader], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticket) ? ticket : null,
        };
    }

    public async Task<MessageForStore?> FetchForStoreAsync(string folder, uint uid, string ownerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var target = await OpenAsync(folder, FolderAccess.ReadOnly, cancellationToken);
        var id = new UniqueId(target.UidValidity, uid);
        MimeMessage message;
        try
        {
            message = await target.GetMessageAsync(id, cancellationToken);
        }
        catch (MessageNotFoundException)
        {
            return null;
        }

        var snapshot = MimeSnapshotMapper.ToSnapshot(message);
        var email = MimeEmailMapper.ToNewEmail(message, snapshot, ownerId, now) with { Folder = folder, Uid = uid, UidValidity = target.UidValidity };
        return new MessageForStore(email, snapshot);
    }

    public async Task<PartInfo?> FindPartAsync(string folder, uint uid, string partSpecifier, CancellationToken cancellationToken)
    {
        var target = await OpenAsync(folder, FolderAccess.ReadOnly, cancellationToken);
        var summary = (await target.FetchAsync([new UniqueId(target.UidValidity, uid)], MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure, cancellationToken)).FirstOrDefault();
        var part = summary?.BodyParts.FirstOrDefault(p => p.PartSpecifier == partSpecifier);
        return part is null ? null : ToPartInfo(part);
    }

    public async Task CopyPartAsync(string folder, uint uid, PartInfo part, Stream output, CancellationToken cancellationToken)
    {
        var target = await OpenAsync(folder, FolderAccess.ReadOnly, cancellationToken);
        var id = new UniqueId(target.UidValidity, uid);
        // BODY.PEEK[part]<offset.count> in fixed pieces, decoded on the way out: memory stays at one chunk whatever the size.
        // Not disposed: that would close the caller's stream.
        var decoded = new FilteredStream(output);
        if (MimeUtils.TryParse(part.TransferEncoding, out ContentEncoding encoding) && DecoderFilter.Create(encoding) is { } filter)
        {
            decoded.Add(filter);
        }

        for (var offset = 0; ; offset += ChunkSize)
        {
            await using var chunk = await target.GetStreamAsync(id, part.PartSpecifier, offset, ChunkSize, cancellationToken);
            var read = 0L;
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await chunk.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await decoded.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                read += n;
            }

            if (read < ChunkSize)
            {
                break;
            }
        }

        await decoded.FlushAsync(cancellationToken);
    }

    public async Task SetFlagsAsync(string folder, IReadOnlyList<uint> uids, bool add, MailFlags flags, CancellationToken cancellationToken)
    {
        var target = await OpenAsync(folder, FolderAccess.ReadWrite, cancellationToken);
        var request = new StoreFlagsRequest(add ? StoreAction.Add : StoreAction.Remove, ToMessageFlags(flags)) { Silent = true };
        await target.StoreAsync(Ids(target, uids), request, cancellationToken);
    }

    public async Task MoveAsync(string folder, IReadOnlyList<uint> uids, string target, CancellationToken cancellationToken)
    {
        var source = await OpenAsync(folder, FolderAccess.ReadWrite, cancellationToken);
        var destination = await GetFolderAsync(target, cancellationToken);
        // MailKit sends MOVE where offered, else COPY, \Deleted and UID EXPUNGE of exactly these messages.
        await source.MoveToAsync(Ids(source, uids), destination, cancellationToken);
    }

    public async Task ExpungeAsync(string folder, IReadOnlyList<uint> uids, CancellationToken cancellationToken)
    {
        var target = await OpenAsync(folder, FolderAccess.ReadWrite, cancellationToken);
        var ids = Ids(target, uids);
        await target.StoreAsync(ids, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, cancellationToken);
        if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
        {
            await target.ExpungeAsync(ids, cancellationToken);
        }
        else
        {
            await target.ExpungeAsync(cancellationToken);
        }
    }

    public async Task<string?> FindFolderAsync(FolderRole role, CancellationToken cancellationToken)
    {
        var folders = await ListFoldersAsync(cancellationToken);
        return folders.FirstOrDefault(f => f.Folder.Role == role)?.Folder.FullName;
    }

    public async Task<uint?> AppendAsync(string folder, ComposedMessage message, MailFlags flags, CancellationToken cancellationToken)
    {
        var target = await GetFolderAsync(folder, cancellationToken);
        var uid = await target.AppendAsync(new AppendRequest(message.Mime, ToMessageFlags(flags)), cancellationToken);
        return uid?.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await ImapConnector.DisconnectQuietlyAsync(client);
        client.Dispose();
    }

    private async Task<IMailFolder> GetFolderAsync(string folder, CancellationToken cancellationToken) =>
        string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(folder, cancellationToken);

    private async Task<IMailFolder> OpenAsync(string folder, FolderAccess access, CancellationToken cancellationToken)
    {
        var target = await GetFolderAsync(folder, cancellationToken);
        if (!target.IsOpen || target.Access < access)
        {
            await target.OpenAsync(access, cancellationToken);
        }

        return target;
    }

    private static List<UniqueId> Ids(IMailFolder folder, IReadOnlyList<uint> uids) => uids.Select(u => new UniqueId(folder.UidValidity, u)).ToList();

    private static MessageFlags ToMessageFlags(MailFlags flags) =>
        (flags.HasFlag(MailFlags.Seen) ? MessageFlags.Seen : MessageFlags.None)
        | (flags.HasFlag(MailFlags.Flagged) ? MessageFlags.Flagged : MessageFlags.None)
        | (flags.HasFlag(MailFlags.Answered) ? MessageFlags.Answered : MessageFlags.None)
        | (flags.HasFlag(MailFlags.Draft) ? MessageFlags.Draft : MessageFlags.None);

    private static Envelope ToEnvelope(IMessageSummary summary)
    {
        var envelope = summary.Envelope;
        var from = envelope?.From.Mailboxes.FirstOrDefault();
        var flags = summary.Flags ?? MessageFlags.None;
        return new Envelope(
            summary.UniqueId.Id,
            from is null ? "" : string.IsNullOrWhiteSpace(from.Name) ? from.Address : from.Name,
            from?.Address ?? "",
            string.Join(", ", envelope?.To.Mailboxes.Select(m => string.IsNullOrWhiteSpace(m.Name) ? m.Address : m.Name) ?? []),
            envelope?.Subject ?? "",
            envelope?.Date ?? summary.InternalDate ?? DateTimeOffset.MinValue,
            summary.Size ?? 0,
            flags.HasFlag(MessageFlags.Seen),
            flags.HasFlag(MessageFlags.Flagged),
            flags.HasFlag(MessageFlags.Answered),
            summary.Attachments.Any());
    }

    private static PartInfo ToPartInfo(BodyPartBasic part)
    {
        var type = part.ContentType.MimeType.ToLowerInvariant();
        var name = part.FileName ?? part.ContentType.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            name = part is BodyPartMessage ? "message.eml" : MimeTypes.TryGetExtension(type, out var extension) ? "attachment" + extension : "attachment";
        }

        return new PartInfo(part.PartSpecifier, name, type, part.Octets, part.ContentId?.Trim('<', '>'), part.ContentTransferEncoding);
    }

    private static List<(string? Name, string Address)> Addresses(InternetAddressList? list) =>
        list?.Mailboxes.Select(m => ((string?)(string.IsNullOrWhiteSpace(m.Name) ? null : m.Name), m.Address)).ToList() ?? [];
}
