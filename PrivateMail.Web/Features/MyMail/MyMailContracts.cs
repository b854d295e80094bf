using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.MyMail;

// The seam between the My mail client's pages (Features/MyMail/*.razor) and its services (IMAP reading through
// Mail/, SMTP sending). Every method acts for the signed-in user's own private mailbox only: none takes a user id or a
// mailbox id, so a page cannot name someone else's mailbox. Failures come back as results with a message already in
// the user's language, never as exceptions a page has to catch.

/// <summary>Why a My mail operation could not be carried out.</summary>
public enum MyMailProblem
{
    /// <summary>The user has no private mailbox yet (link to the Mailbox tab).</summary>
    NoMailbox,
    /// <summary>Module My mail is disabled.</summary>
    ModuleDisabled,
    /// <summary>Server down, refused, timeout, TLS.</summary>
    ConnectionFailed,
    /// <summary>Wrong password, or an OAuth token that could not be renewed.</summary>
    AuthenticationFailed,
    /// <summary>The folder or message no longer exists.</summary>
    NotFound,
    /// <summary>Input the user must correct (see <see cref="MyMailResult.FieldErrors"/>).</summary>
    Invalid,
    /// <summary>Too many messages sent recently.</summary>
    RateLimited,
    /// <summary>The attachments exceed the configured total.</summary>
    TooLarge,
    /// <summary>The SMTP server refused the message or a recipient (its reply is in the message).</summary>
    Refused,
}

/// <summary>The outcome of an operation: success, or a problem with a localised message (and field errors for input).</summary>
public record MyMailResult
{
    public bool Succeeded => Problem is null;
    public MyMailProblem? Problem { get; init; }
    /// <summary>In the user's language; safe to show (no stack trace, no secret).</summary>
    public string? Message { get; init; }
    /// <summary>Field name (To, Cc, Bcc, Subject, Body, Attachments) → localised error.</summary>
    public IReadOnlyDictionary<string, string> FieldErrors { get; init; } = new Dictionary<string, string>();

    public static MyMailResult Ok { get; } = new();
}

/// <summary>An outcome with a value on success.</summary>
public sealed record MyMailResult<T> : MyMailResult
{
    public T? Value { get; init; }
}

/// <summary>A folder of the user's mailbox with its counts.</summary>
public sealed record MailFolderInfo(string FullName, string Name, int Depth, FolderRole Role, bool CanSelect, int Unread, int Total);

/// <summary>Which page of a folder to list; <see cref="Search"/> is an IMAP SEARCH over subject, from, to and body.</summary>
public sealed record MessageQuery(string Folder, int PageIndex, int PageSize, EnvelopeOrder Sort = EnvelopeOrder.DateDescending, string? Search = null);

/// <summary>A page of a folder: the rows, the folder's total (or the search's hit count) and its UIDNEXT for live updates.</summary>
public sealed record MessagePage(IReadOnlyList<Envelope> Messages, int Total, uint UidNext, uint UidValidity);

/// <summary>An attachment of a message being read; downloaded through <see cref="DownloadUrl"/> (streamed, access-checked).</summary>
public sealed record MessageAttachment(string PartSpecifier, string FileName, string ContentType, long Size, string DownloadUrl, string? ContentId = null);

/// <summary>A CRM record a stored copy of the message is linked to.</summary>
public sealed record LinkedRecord(RecordKind Kind, string Id, string DisplayName, string Url);

/// <summary>A message opened in the reading pane.</summary>
public sealed record MessageView
{
    public required string Folder { get; init; }
    public required uint Uid { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public string Cc { get; init; } = "";
    public string ReplyTo { get; init; } = "";
    public required string Subject { get; init; }
    public required DateTimeOffset Date { get; init; }
    public string? MessageId { get; init; }
    /// <summary>Sanitised HTML (scripts removed; remote images still to be blocked by the frame unless shown).</summary>
    public string? Html { get; init; }
    public string Text { get; init; } = "";
    public bool Seen { get; init; }
    public bool Flagged { get; init; }
    public IReadOnlyList<MessageAttachment> Attachments { get; init; } = [];
    /// <summary>Inline images the HTML names by <c>cid:</c>, served by the same access-checked address as attachments.</summary>
    public IReadOnlyList<MessageAttachment> InlineParts { get; init; } = [];
    /// <summary>The stored e-mail's id when the scanner (or Link to record) stored it; null when not stored.</summary>
    public int? StoredEmailId { get; init; }
    public IReadOnlyList<LinkedRecord> Links { get; init; } = [];
}

public enum FlagChange
{
    MarkRead,
    MarkUnread,
    Flag,
    Unflag,
}

public enum ComposeKind
{
    New,
    Reply,
    ReplyAll,
    Forward,
}

/// <summary>A file the user uploaded for a message, kept in a temporary file until sent or discarded.</summary>
public sealed record ComposeAttachment(string FileName, string ContentType, long Size, string TempFilePath);

/// <summary>What the compose view edits; a send failure hands it back unchanged so nothing typed is lost.</summary>
public sealed class ComposeDraft
{
    public ComposeKind Kind { get; set; } = ComposeKind.New;
    /// <summary>Addresses as typed or picked: "Name &lt;address&gt;" or a bare address.</summary>
    public List<string> To { get; set; } = [];
    public List<string> Cc { get; set; } = [];
    public List<string> Bcc { get; set; } = [];
    public string Subject { get; set; } = "";
    /// <summary>Plain text; the signature is already appended when the draft is created.</summary>
    public string Body { get; set; } = "";
    public List<ComposeAttachment> Attachments { get; set; } = [];
    public string? InReplyTo { get; set; }
    public List<string> References { get; set; } = [];
    /// <summary>The ticket a reply from the ticket page answers: its status changes after sending.</summary>
    public int? TicketId { get; set; }
    /// <summary>The draft this compose was opened from (IMAP Drafts folder), replaced on save and removed on send.</summary>
    public uint? DraftUid { get; set; }
    /// <summary>The message a reply or forward was created from (its \Answered flag is set after sending).</summary>
    public string? SourceFolder { get; set; }
    public uint? SourceUid { get; set; }
}

/// <summary>An address suggestion for To/Cc/Bcc from the user's contacts, accounts, leads and users.</summary>
public sealed record AddressSuggestion(string DisplayName, string Address, RecordKind Kind)
{
    public override string ToString() => string.IsNullOrWhiteSpace(DisplayName) ? Address : $"{DisplayName} <{Address}>";
}

/// <summary>Reading the user's own mailbox over IMAP (scoped; the owner comes from the authentication state).</summary>
public interface IMyMailReader
{
    /// <summary>Folders with unread and total counts, special-use folders first (Inbox, Drafts, Sent, Junk, Trash, Archive).</summary>
    Task<MyMailResult<IReadOnlyList<MailFolderInfo>>> GetFoldersAsync(CancellationToken cancellationToken = default);

    /// <summary>Fetches only the requested page's envelopes.</summary>
    Task<MyMailResult<MessagePage>> GetMessagesAsync(MessageQuery query, CancellationToken cancellationToken = default);

    Task<MyMailResult<FolderCounters>> GetFolderStateAsync(string folder, CancellationToken cancellationToken = default);

    /// <summary>Opens a message (marks it \Seen) with its stored copy's CRM links, if any.</summary>
    Task<MyMailResult<MessageView>> OpenAsync(string folder, uint uid, CancellationToken cancellationToken = default);

    Task<MyMailResult> SetFlagsAsync(string folder, IReadOnlyList<uint> uids, FlagChange change, CancellationToken cancellationToken = default);

    Task<MyMailResult> MoveAsync(string folder, IReadOnlyList<uint> uids, string targetFolder, CancellationToken cancellationToken = default);

    /// <summary>Moves to Trash; in Trash (or without one) deletes for good. The page confirms the latter first.</summary>
    Task<MyMailResult> DeleteAsync(string folder, IReadOnlyList<uint> uids, CancellationToken cancellationToken = default);

    /// <summary>True when deleting from <paramref name="folder"/> is permanent (it is Trash, or there is no Trash).</summary>
    Task<bool> DeletesPermanentlyAsync(string folder, CancellationToken cancellationToken = default);

    /// <summary>Stores the message through the scanner's store path (deduplicated) and links it to the record.</summary>
    Task<MyMailResult<int>> LinkToRecordAsync(string folder, uint uid, RecordKind kind, string recordId, CancellationToken cancellationToken = default);
}

/// <summary>Composing and sending through the user's own mailbox over SMTP (scoped; owner from the authentication state).</summary>
public interface IMyMailSender
{
    /// <summary>A new draft, or a reply/reply-all/forward of a message, prefilled with quote, prefixes, threading headers and the signature.</summary>
    Task<MyMailResult<ComposeDraft>> CreateDraftAsync(ComposeKind kind, string? folder = null, uint? uid = null, CancellationToken cancellationToken = default);

    /// <summary>A new message to the given addresses (e.g. from a contact's e-mail), with the signature.</summary>
    Task<MyMailResult<ComposeDraft>> CreateDraftToAsync(IReadOnlyList<string> to, string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>A reply to a ticket: to its contact (or last customer sender), <c>[T42]</c> in the subject, conversation quoted.</summary>
    Task<MyMailResult<ComposeDraft>> CreateTicketReplyAsync(int ticketId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A saved draft back in the compose view as it was saved: To, Cc, Bcc, subject, text, its files (copied into the compose
    /// folder), its thread and — when the user may still see it — the ticket it answers. Saving replaces it, sending removes it.
    /// </summary>
    Task<MyMailResult<ComposeDraft>> OpenDraftAsync(string folder, uint uid, CancellationToken cancellationToken = default);

    /// <summary>Address autocomplete over the user's visible contacts, accounts, leads and users.</summary>
    Task<IReadOnlyList<AddressSuggestion>> SuggestAddressesAsync(string text, int max = 10, CancellationToken cancellationToken = default);

    /// <summary>Validates, sends over SMTP, appends to Sent (unless the server does), stores and links the e-mail; the id of the stored e-mail.</summary>
    Task<MyMailResult<int>> SendAsync(ComposeDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Saves to the IMAP Drafts folder (replacing <see cref="ComposeDraft.DraftUid"/>); the new draft's UID.</summary>
    Task<MyMailResult<uint>> SaveDraftAsync(ComposeDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Removes the saved draft (if any) and the draft's temporary files.</summary>
    Task DiscardAsync(ComposeDraft draft, CancellationToken cancellationToken = default);

    /// <summary>The most a message's attachments may add up to, in bytes (configurable; 25 MB by default).</summary>
    long MaxAttachmentBytes { get; }

    /// <summary>
    /// Keeps an uploaded file for a draft in the user's own temporary folder (the only place <see cref="SendAsync"/>
    /// reads attachments from); refused above <see cref="MaxAttachmentBytes"/>. Add the result to <see cref="ComposeDraft.Attachments"/>.
    /// </summary>
    Task<MyMailResult<ComposeAttachment>> AddAttachmentAsync(string fileName, string contentType, Stream content, CancellationToken cancellationToken = default);
}
