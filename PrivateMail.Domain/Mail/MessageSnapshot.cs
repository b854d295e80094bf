namespace PrivateMail.Domain.Mail;

/// <summary>An attachment as the scanner sees it: metadata only, the content stays in the MIME layer.</summary>
public sealed record AttachmentInfo(string FileName, string ContentType, long Size, bool IsInline, string? ContentId = null);

/// <summary>
/// What the scanner knows about one message: parsed, normalised addresses and the headers the rules need.
/// Built by the web project's MIME mapping; pure data, so every rule can be table-tested.
/// </summary>
public sealed record MessageSnapshot
{
    public EmailAddress? From { get; init; }
    public IReadOnlyList<EmailAddress> To { get; init; } = [];
    public IReadOnlyList<EmailAddress> Cc { get; init; } = [];
    public IReadOnlyList<EmailAddress> Bcc { get; init; } = [];
    public IReadOnlyList<EmailAddress> ReplyTo { get; init; } = [];
    public string Subject { get; init; } = "";
    public DateTimeOffset? Date { get; init; }
    /// <summary>The Message-ID without angle brackets, or null when missing or unusable.</summary>
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    /// <summary>Auto-Submitted other than "no", X-Autoreply, Precedence auto_reply, or a delivery report.</summary>
    public bool IsAutoSubmitted { get; init; }
    /// <summary>List-Id / List-Unsubscribe / Precedence list or bulk.</summary>
    public bool IsBulk { get; init; }
    public string TextBody { get; init; } = "";
    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];

    /// <summary>Everyone on the message: sender first, then To, Cc, Bcc; each address once.</summary>
    public IReadOnlyList<EmailAddress> Participants =>
        (From is null ? To : [From, .. To]).Concat(Cc).Concat(Bcc).DistinctBy(a => a.Normalised).ToList();

    /// <summary>The recipients (To, Cc, Bcc), each once.</summary>
    public IReadOnlyList<EmailAddress> Recipients => To.Concat(Cc).Concat(Bcc).DistinctBy(a => a.Normalised).ToList();
}
