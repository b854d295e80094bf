namespace PrivateMail.Web.Mail;

/// <summary>The state of a folder when the scanner opens it.</summary>
/// <param name="UidValidity">When this changes, every UID in the folder means something new.</param>
public sealed record FolderState(string FullName, uint UidValidity, uint UidNext, int Count);

/// <summary>
/// Where the scanner reads mail from: the port between the scanner's stages and an IMAP server. The MailKit
/// implementation (<see cref="ImapMailSource"/>) is the scanner's only MailKit user; tests use an in-memory one.
/// </summary>
public interface IMailSource
{
    /// <summary>Connects and logs in; on failure the session is null and the result says why (never throws for that).</summary>
    Task<(IMailSession? Session, ConnectionResult Result)> OpenAsync(ImapEndpoint endpoint, ImapCredentials credentials, CancellationToken cancellationToken);
}

/// <summary>A message's UID with what the server says about it before its body is read.</summary>
/// <param name="Size">RFC822.SIZE: batches are cut by it and oversized mail is never downloaded.</param>
/// <param name="Arrived">INTERNALDATE: dates mail that has no Date header.</param>
public sealed record MailItem(uint Uid, long Size, DateTimeOffset? Arrived);

/// <summary>One fetched message: its raw bytes, or why the server would not give them.</summary>
public sealed record FetchedMail(uint Uid, byte[]? Raw, string? Refused = null);

/// <summary>An open, logged-in connection to one account. One folder is open at a time.</summary>
public interface IMailSession : IAsyncDisposable
{
    /// <summary>Opens a folder read-only (flags never change). Throws <see cref="MailFolderException"/> when it is missing or refused.</summary>
    Task<FolderState> OpenFolderAsync(string fullName, CancellationToken cancellationToken);

    /// <summary>
    /// The open folder's messages above <paramref name="afterUid"/> in ascending UID order with size and arrival; on a
    /// first read (<paramref name="afterUid"/> 0) with a start date, only mail delivered on or after that day.
    /// </summary>
    async Task<IReadOnlyList<MailItem>> ListNewAsync(uint afterUid, DateOnly? since, CancellationToken cancellationToken)
    {
        var uids = await ListNewUidsAsync(afterUid, since, cancellationToken);
        return uids.Count == 0 ? [] : await DescribeAsync(uids, cancellationToken);
    }

    /// <summary>The UIDs <see cref="ListNewAsync"/> lists, ascending: a search, nothing fetched.</summary>
    Task<IReadOnlyList<uint>> ListNewUidsAsync(uint afterUid, DateOnly? since, CancellationToken cancellationToken);

    /// <summary>
    /// Size and arrival of these messages of the open folder, one item per UID in the order given; a UID the server no
    /// longer has comes back with size 0 and no arrival (its fetch then reports nothing).
    /// </summary>
    Task<IReadOnlyList<MailItem>> DescribeAsync(IReadOnlyList<uint> uids, CancellationToken cancellationToken);

    /// <summary>How many messages of the open folder were delivered on or after <paramref name="since"/> (all without it): a search, no fetch.</summary>
    Task<int> CountSinceAsync(DateOnly? since, CancellationToken cancellationToken);

    /// <summary>
    /// The raw messages of <paramref name="uids"/> in one request, streamed one by one to <paramref name="onMessage"/>
    /// (ascending). When the server refuses the request, each UID is asked alone and only the failing ones come back
    /// with <see cref="FetchedMail.Refused"/>. A UID the server no longer has is not reported.
    /// </summary>
    Task FetchAsync(IReadOnlyList<uint> uids, Func<FetchedMail, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken);

    /// <summary>Only the header block of one message (for mail too large to download).</summary>
    Task<byte[]?> FetchHeadersAsync(uint uid, CancellationToken cancellationToken);

    /// <summary>Whether <see cref="WaitForNewMailAsync"/> can push (IMAP IDLE); without it callers poll.</summary>
    bool CanWait { get; }

    /// <summary>
    /// Waits on the open folder until the server reports new mail (true) or <paramref name="timeout"/> passes (false).
    /// </summary>
    Task<bool> WaitForNewMailAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>A folder could not be opened: it does not exist, or the server refused it.</summary>
public sealed class MailFolderException(string folder, bool missing, string detail) : Exception(detail)
{
    public string Folder { get; } = folder;

    public bool Missing { get; } = missing;
}

/// <summary>The connection broke or stopped answering during a session: the mailbox is locked with <see cref="Failure"/>.</summary>
public sealed class MailConnectionException(ConnectionFailure failure, string detail, Exception? inner = null) : Exception(detail, inner)
{
    public ConnectionFailure Failure { get; } = failure;
}
