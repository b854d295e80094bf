using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>A folder with its STATUS counters.</summary>
public sealed record FolderWithCounts(MailFolder Folder, int Unread, int Total);

/// <summary>A folder's UIDNEXT/UIDVALIDITY and counters, to notice new mail.</summary>
public sealed record FolderCounters(uint UidNext, uint UidValidity, int Unread, int Total);

/// <summary>How a page of a folder is ordered.</summary>
public enum EnvelopeOrder
{
    DateDescending,
    DateAscending,
    SenderAscending,
    SenderDescending,
    SubjectAscending,
    SubjectDescending,
}

/// <summary>Which page of which folder, optionally only messages whose subject, from, to or body contain <see cref="Search"/>.</summary>
public sealed record EnvelopeQuery(string Folder, int Skip, int Take, EnvelopeOrder Order, string? Search);

/// <summary>A list row from ENVELOPE, FLAGS, INTERNALDATE, RFC822.SIZE and BODYSTRUCTURE (no body).</summary>
public sealed record Envelope(
    uint Uid,
    string From,
    string FromAddress,
    string To,
    string Subject,
    DateTimeOffset Date,
    long Size,
    bool Seen,
    bool Flagged,
    bool Answered,
    bool HasAttachments);

/// <summary>A page of envelopes; <see cref="Total"/> counts the folder (or the search's hits).</summary>
public sealed record EnvelopePage(IReadOnlyList<Envelope> Envelopes, int Total, FolderCounters Counters);

/// <summary>An attachment of a message on the server, by its BODYSTRUCTURE part.</summary>
public sealed record PartInfo(string PartSpecifier, string FileName, string ContentType, long Size, string? ContentId, string? TransferEncoding);

/// <summary>A message opened for reading: headers, the text and HTML bodies, and its attachments (not downloaded).</summary>
public sealed record ReadMessage
{
    public required uint Uid { get; init; }
    public required string From { get; init; }
    public string FromAddress { get; init; } = "";
    public required string To { get; init; }
    public string Cc { get; init; } = "";
    public string ReplyTo { get; init; } = "";
    public required string Subject { get; init; }
    public required DateTimeOffset Date { get; init; }
    /// <summary>Normalised (no brackets, lower case) as the store keeps it.</summary>
    public string? MessageId { get; init; }
    /// <summary>As written (with brackets), for threading headers of a reply.</summary>
    public string? RawMessageId { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public string? Html { get; init; }
    public string Text { get; init; } = "";
    public bool Seen { get; init; }
    public bool Flagged { get; init; }
    public IReadOnlyList<PartInfo> Attachments { get; init; } = [];
    /// <summary>
    /// Parts the HTML body can show by <c>cid:</c> (a Content-ID, not the text or HTML body itself, not listed as an attachment):
    /// inline images of a multipart/related mail.
    /// </summary>
    public IReadOnlyList<PartInfo> InlineParts { get; init; } = [];
    /// <summary>Addresses of To and Cc (for reply all), with their display names.</summary>
    public IReadOnlyList<(string? Name, string Address)> ToAddresses { get; init; } = [];
    public IReadOnlyList<(string? Name, string Address)> CcAddresses { get; init; } = [];
    public IReadOnlyList<(string? Name, string Address)> ReplyToAddresses { get; init; } = [];
    public IReadOnlyList<(string? Name, string Address)> BccAddresses { get; init; } = [];
    /// <summary>The In-Reply-To Message-ID as written (a saved reply draft keeps its thread).</summary>
    public string? InReplyTo { get; init; }
    /// <summary>The ticket a saved draft answers (<see cref="MailComposer.DraftTicketHeader"/>), unchecked: the caller checks access.</summary>
    public int? DraftTicketId { get; init; }
}

/// <summary>A whole message fetched to be stored (Link to record) — what the e-mail store takes.</summary>
public sealed record MessageForStore(NewEmail Email, Domain.Mail.MessageSnapshot Snapshot);

/// <summary>A connection to the user's IMAP mailbox for one operation; dispose to log out.</summary>
public interface IMailClientSession : IAsyncDisposable
{
    /// <summary>Every folder with unread and total counts (LIST-STATUS where offered).</summary>
    Task<IReadOnlyList<FolderWithCounts>> ListFoldersAsync(CancellationToken cancellationToken);

    Task<FolderCounters> GetCountersAsync(string folder, CancellationToken cancellationToken);

    /// <summary>UID SEARCH/SORT for the order, then one UID FETCH of only the page's envelopes.</summary>
    Task<EnvelopePage> ListAsync(EnvelopeQuery query, CancellationToken cancellationToken);

    /// <summary>Envelope, flags, structure and only the text/HTML parts; with <paramref name="markSeen"/> sets \Seen. Null when gone.</summary>
    Task<ReadMessage?> ReadAsync(string folder, uint uid, bool markSeen, CancellationToken cancellationToken);

    /// <summary>The whole message (for storing it), or null when gone.</summary>
    Task<MessageForStore?> FetchForStoreAsync(string folder, uint uid, string ownerId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>One attachment's description, or null when the message or part does not exist (or is not a leaf part).</summary>
    Task<PartInfo?> FindPartAsync(string folder, uint uid, string partSpecifier, CancellationToken cancellationToken);

    /// <summary>Writes the decoded content of one part to <paramref name="output"/> in bounded chunks (never the whole part in memory).</summary>
    Task CopyPartAsync(string folder, uint uid, PartInfo part, Stream output, CancellationToken cancellationToken);

    Task SetFlagsAsync(string folder, IReadOnlyList<uint> uids, bool add, MailFlags flags, CancellationToken cancellationToken);

    /// <summary>MOVE, or COPY + \Deleted + UID EXPUNGE where MOVE is missing.</summary>
    Task MoveAsync(string folder, IReadOnlyList<uint> uids, string target, CancellationToken cancellationToken);

    /// <summary>Marks \Deleted and expunges exactly these UIDs.</summary>
    Task ExpungeAsync(string folder, IReadOnlyList<uint> uids, CancellationToken cancellationToken);

    /// <summary>The folder with this special use, or null.</summary>
    Task<string?> FindFolderAsync(FolderRole role, CancellationToken cancellationToken);

    /// <summary>Appends the message with the flags; the new UID when the server says (UIDPLUS).</summary>
    Task<uint?> AppendAsync(string folder, ComposedMessage message, MailFlags flags, CancellationToken cancellationToken);
}

[Flags]
public enum MailFlags
{
    None = 0,
    Seen = 1,
    Flagged = 2,
    Answered = 4,
    Draft = 8,
}

/// <summary>Opens IMAP sessions on the user's mailbox (the port the My mail services use; MailKit behind it).</summary>
public interface IMailClient
{
    /// <summary>Connects and logs in; on failure the session is null and the result says why.</summary>
    Task<(IMailClientSession? Session, ConnectionResult Result)> OpenAsync(ImapEndpoint endpoint, ImapCredentials credentials, CancellationToken cancellationToken);
}
