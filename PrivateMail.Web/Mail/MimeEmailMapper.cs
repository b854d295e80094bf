using MimeKit;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>Turns a parsed MIME message and its snapshot into what the e-mail store stores.</summary>
public static class MimeEmailMapper
{
    public static NewEmail ToNewEmail(MimeMessage message, MessageSnapshot snapshot, string ownerId, DateTimeOffset receivedAt) =>
        ToNewEmail(message, snapshot, ownerId, receivedAt, MimeBodies.Of(message));

    /// <summary>As above, with the bodies the snapshot was made from (decoded once).</summary>
    public static NewEmail ToNewEmail(MimeMessage message, MessageSnapshot snapshot, string ownerId, DateTimeOffset receivedAt, MimeBodies bodies)
    {
        var attachments = new List<NewAttachment>();
        foreach (var attachment in MimeAttachments.Of(message))
        {
            var content = new MemoryStream();
            attachment.WriteTo(content);
            content.Position = 0;
            attachments.Add(new NewAttachment(attachment.FileName, attachment.ContentType, content, attachment.ContentId, attachment.IsInline));
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
            Date = snapshot.Date ?? ReceivedDate(message) ?? receivedAt,
            // Normalised (lower case, no brackets): thread lookups compare against exactly this form.
            MessageId = snapshot.MessageId,
            InReplyTo = snapshot.InReplyTo,
            References = snapshot.References,
            Html = bodies.Html,
            Text = bodies.Text ?? snapshot.TextBody,
            RawHeaders = HeaderText(message, headers.ToArray()),
            Attachments = attachments,
        };
    }

    /// <summary>The raw headers as text: UTF-8 when they are, else the legacy charset the body declares (as the subject is read).</summary>
    private static string HeaderText(MimeMessage message, byte[] raw)
    {
        try
        {
            return MimeSnapshotMapper.StrictUtf8.GetString(raw);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return (MimeSnapshotMapper.LegacyHeaderCharset(message) ?? System.Text.Encoding.Latin1).GetString(raw);
        }
    }

    /// <summary>
    /// For mail without a Date header: when the receiving server stamped it (the topmost Received header, after its
    /// last ';'), which says when it arrived far better than when the scanner happened to read it.
    /// </summary>
    internal static DateTimeOffset? ReceivedDate(MimeMessage message)
    {
        var received = message.Headers.FirstOrDefault(h => h.Id == HeaderId.Received)?.Value;
        var semicolon = received?.LastIndexOf(';') ?? -1;
        return semicolon >= 0 && MimeKit.Utils.DateUtils.TryParse(received![(semicolon + 1)..].Trim(), out var date) ? date : null;
    }
}
