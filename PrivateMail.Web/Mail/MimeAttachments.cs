using MimeKit;

namespace PrivateMail.Web.Mail;

/// <summary>A part of a message kept as a file: attachments, inline images, calendar invites, reports, attached mail.</summary>
internal sealed record MimeAttachment(MimeEntity Entity, string FileName, string ContentType, bool IsInline, string? ContentId)
{
    /// <summary>The decoded bytes: a part's content, or an attached message (or headers) as written.</summary>
    public void WriteTo(Stream output)
    {
        switch (Entity)
        {
            case MessagePart { Message: { } message }:
                message.WriteTo(output);
                break;
            case MimePart { Content: { } content }:
                content.DecodeTo(output);
                break;
        }
    }

    /// <summary>The content's size without decoding it twice: exact for attached messages, the encoded length otherwise.</summary>
    public long ApproximateSize => Entity switch
    {
        MimePart { Content.Stream: { CanSeek: true } stream } => stream.Length,
        _ => 0,
    };
}

/// <summary>Which parts of a message are files, and what they are called. Used by both mappers so they agree.</summary>
internal static class MimeAttachments
{
    /// <summary>
    /// Every part that is not the message's own text: the plain and HTML bodies (unless marked as attachments) are the
    /// only parts left out. Text parts of other kinds — a calendar invite, the headers in a bounce — and attached
    /// messages (message/rfc822, which MimeKit's body parts are not <see cref="MimePart"/>s) are files too.
    /// </summary>
    public static IReadOnlyList<MimeAttachment> Of(MimeMessage message)
    {
        var result = new List<MimeAttachment>();
        foreach (var entity in message.BodyParts)
        {
            var isBodyText = entity is TextPart text && !entity.IsAttachment && (text.IsPlain || text.IsHtml);
            if (isBodyText || entity is MimePart { Content: null } || entity is MessagePart { Message: null })
            {
                continue;
            }

            result.Add(new MimeAttachment(
                entity,
                FileName(entity),
                entity.ContentType.MimeType,
                IsInline: !entity.IsAttachment && entity.ContentId is not null,
                entity.ContentId));
        }

        return result;
    }

    private static string FileName(MimeEntity entity)
    {
        var declared = entity.ContentDisposition?.FileName ?? entity.ContentType.Name;
        if (!string.IsNullOrWhiteSpace(declared))
        {
            return declared;
        }

        var type = entity.ContentType;
        if (type.IsMimeType("message", "delivery-status") || type.IsMimeType("message", "global-delivery-status"))
        {
            return "delivery-status.txt";
        }

        if (type.IsMimeType("text", "rfc822-headers"))
        {
            return "rfc822-headers.txt";
        }

        if (type.IsMimeType("text", "calendar"))
        {
            return "invite.ics";
        }

        if (entity is MessagePart { Message: { } attached })
        {
            return (string.IsNullOrWhiteSpace(attached.Subject) ? "message" : attached.Subject.Trim()) + ".eml";
        }

        return entity.ContentId
            ?? (MimeTypes.TryGetExtension(type.MimeType, out var extension) ? "attachment" + extension : "attachment");
    }
}
