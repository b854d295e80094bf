using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Records.Emails;

public sealed record EmailRow(int Id, string Subject, string? From, string To, DateTimeOffset Date, MailType Type, int Attachments);

public sealed record EmailAttachmentInfo(int Id, string FileName, string ContentType, long Size, bool IsInline, string? ContentId)
{
    public string Url => EmailEndpoints.AttachmentUrl(Id);
}

/// <summary>A record an e-mail is linked to, as the viewer may see it.</summary>
public sealed record EmailLinkInfo(RecordKind Kind, string RecordId, string Label, string? Href);

public sealed record EmailDetails(
    int Id,
    string Subject,
    string? From,
    string To,
    string Cc,
    string Bcc,
    string ReplyTo,
    DateTimeOffset OriginalDate,
    string? MessageId,
    string? InReplyTo,
    string References,
    MailType Type,
    string? MailboxName,
    string? Folder,
    long? Uid,
    long? UidValidity,
    string? HtmlBody,
    string TextBody,
    string RawHeaders,
    string Owner,
    IReadOnlyList<EmailAttachmentInfo> Attachments,
    IReadOnlyList<EmailLinkInfo> Links,
    int HiddenLinks,
    bool CanDelete);

/// <summary>One message of a record's mail, or of a ticket's conversation.</summary>
public sealed record ConversationItem(int Id, string Subject, string? From, string To, DateTimeOffset OriginalDate, MailType Type, string Text, int Attachments);

/// <summary>A record to link an e-mail to, found by name.</summary>
public sealed record LinkTarget(string Id, string Label);
