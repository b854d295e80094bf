using PrivateMail.Domain.Scanning;

namespace PrivateMail.Domain.Mail;

/// <summary>An attachment to store; the stream is read once and not disposed here.</summary>
public sealed record NewAttachment(string FileName, string ContentType, Stream Content, string? ContentId = null, bool IsInline = false);

/// <summary>A message to store as an e-mail record (the scanner's Create e-mail, or demo data).</summary>
public sealed record NewEmail
{
    public required string OwnerId { get; init; }
    public string Subject { get; init; } = "";
    public EmailAddress? From { get; init; }
    public IReadOnlyList<EmailAddress> To { get; init; } = [];
    public IReadOnlyList<EmailAddress> Cc { get; init; } = [];
    public IReadOnlyList<EmailAddress> Bcc { get; init; } = [];
    public IReadOnlyList<EmailAddress> ReplyTo { get; init; } = [];
    /// <summary>The Date header with the sender's offset; both the moment and the offset are kept.</summary>
    public required DateTimeOffset Date { get; init; }
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public MailType Type { get; init; } = MailType.Received;
    public int? MailboxId { get; init; }
    public string? Folder { get; init; }
    public long? Uid { get; init; }
    public long? UidValidity { get; init; }
    /// <summary>The HTML body as received; stored as received (compressed) and sanitised when it is read.</summary>
    public string? Html { get; init; }
    public string? Text { get; init; }
    public string RawHeaders { get; init; } = "";
    public IReadOnlyList<NewAttachment> Attachments { get; init; } = [];
}
