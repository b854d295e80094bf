using PrivateMail.Domain.Scanning;

namespace PrivateMail.Web.Data;

/// <summary>
/// A stored message (the E-mails module). Stored once per mailbox: <see cref="DedupeKey"/> (Message-ID, or a content hash
/// for mail without one) is unique per mailbox, so a scan that sees the same mail again changes nothing.
/// </summary>
public sealed class Email : ISearchable, ICreatedAt
{
    public int Id { get; set; }
    public string Subject { get; set; } = "";
    /// <summary>The sender as written, with display name: <c>Jan Kowalski &lt;jan@firma.pl&gt;</c>.</summary>
    public string? From { get; set; }
    public string? FromNormalised { get; set; }
    /// <summary>Recipients as written, comma-separated.</summary>
    public string To { get; set; } = "";
    public string Cc { get; set; } = "";
    public string Bcc { get; set; } = "";
    public string ReplyTo { get; set; } = "";
    /// <summary>The moment the message was written (stored as UTC ticks).</summary>
    public DateTimeOffset Date { get; set; }
    /// <summary>The sender's UTC offset in minutes, so the date shows as the sender wrote it.</summary>
    public int DateOffsetMinutes { get; set; }
    public string? MessageId { get; set; }
    public string? InReplyTo { get; set; }
    /// <summary>The References header: Message-IDs separated by spaces.</summary>
    public string References { get; set; } = "";
    public MailType Type { get; set; }
    public int? MailboxId { get; set; }
    public Mailbox? Mailbox { get; set; }
    public string? Folder { get; set; }
    public long? Uid { get; set; }
    public long? UidValidity { get; set; }
    /// <summary>
    /// The HTML as received, sanitised when read (<c>EmailService.GetAsync</c>). Stored compressed (<see cref="CompressedText"/>):
    /// read it, never filter on it in SQL.
    /// </summary>
    public string? HtmlBody { get; set; }
    /// <summary>
    /// The text, cut at <c>Emails:MaxTextBodyChars</c>; loaded only for the e-mail's own page. Stored compressed
    /// (<see cref="CompressedText"/>): read it, never filter on it in SQL (search uses <see cref="SearchText"/>).
    /// </summary>
    public string TextBody { get; set; } = "";
    /// <summary>The start of the text (about 2 KB) for lists, conversations and record pages.</summary>
    public string Preview { get; set; } = "";
    public string RawHeaders { get; set; } = "";
    public string DedupeKey { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public ApplicationUser? Owner { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string SearchText { get; set; } = "";
    public List<EmailAttachment> Attachments { get; set; } = [];
    public List<EmailLink> Links { get; set; } = [];

    /// <summary>The date with the sender's own offset.</summary>
    public DateTimeOffset OriginalDate => Date.ToOffset(TimeSpan.FromMinutes(DateOffsetMinutes));
}

/// <summary>An attachment or inline image; the content is a file under the data folder named by its SHA-256.</summary>
public sealed class EmailAttachment
{
    public int Id { get; set; }
    public int EmailId { get; set; }
    public Email? Email { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "application/octet-stream";
    public long Size { get; set; }
    /// <summary>The Content-ID without brackets, for <c>cid:</c> references in the HTML body.</summary>
    public string? ContentId { get; set; }
    public bool IsInline { get; set; }
    public string ContentHash { get; set; } = "";
}

/// <summary>An e-mail bound to a record. The record id is a string because users (string ids) can be bound too.</summary>
public sealed class EmailLink
{
    public int EmailId { get; set; }
    public Email? Email { get; set; }
    public RecordKind RecordKind { get; set; }
    public string RecordId { get; set; } = "";
    public DateTimeOffset LinkedAt { get; set; }
}
