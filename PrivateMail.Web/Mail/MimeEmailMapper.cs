using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Web.Mail;

/// <summary>Turns a parsed MIME message and its snapshot into what <see cref="EmailStore"/> stores.</summary>
public static class MimeEmailMapper
{
    public static NewEmail ToNewEmail(MimeMessage message, MessageSnapshot snapshot, string ownerId, DateTimeOffset receivedAt)
    {
        var attachments = new List<NewAttachment>();
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            var isText = part is TextPart && !part.IsAttachment;
            if (isText || part.Content is null)
            {
                continue;
            }

            var content = new MemoryStream();
            part.Content.DecodeTo(content);
            content.Position = 0;
            attachments.Add(new NewAttachment(
                part.FileName ?? part.ContentId ?? "attachment",
                part.ContentType.MimeType,
                content,
                part.ContentId,
                IsInline: !part.IsAttachment && part.ContentId is not null));
        }

        using var headers = new MemoryStream();
        message.Headers.WriteTo(headers);
        return new NewEmail
        {
            OwnerId = ownerId,
            Subject = snapshot.Subject,
            From = snapshot.From,
            To = snapshot.To,
            Cc = snapshot.Cc,
            Bcc = snapshot.Bcc,
            ReplyTo = snapshot.ReplyTo,
            Date = snapshot.Date ?? receivedAt,
            // Normalised (lower case, no brackets): thread lookups compare against exactly this form.
            MessageId = snapshot.MessageId,
            InReplyTo = snapshot.InReplyTo,
            References = snapshot.References,
            Html = message.HtmlBody,
            Text = message.TextBody ?? snapshot.TextBody,
            RawHeaders = System.Text.Encoding.UTF8.GetString(headers.ToArray()),
            Attachments = attachments,
            DedupeKey = MessageIdentity.DedupKey(snapshot),
        };
    }
}
