using MimeKit;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>Turns a parsed MIME message into the scanner's <see cref="MessageSnapshot"/>. Never throws on odd input.</summary>
public static class MimeSnapshotMapper
{
    /// <summary>Text bodies longer than this are cut: the snapshot feeds rules and ticket descriptions, not archives.</summary>
    public const int MaxTextBodyLength = 1_000_000;

    public static MessageSnapshot ToSnapshot(MimeMessage message)
    {
        var headers = message.Headers;
        return new MessageSnapshot
        {
            From = Addresses(message.From).FirstOrDefault() ?? Addresses(message.Sender is null ? [] : [message.Sender]).FirstOrDefault(),
            To = Addresses(message.To),
            Cc = Addresses(message.Cc),
            Bcc = Addresses(message.Bcc),
            ReplyTo = Addresses(message.ReplyTo),
            Subject = message.Subject ?? "",
            Date = headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date : null,
            MessageId = MessageIdentity.NormaliseMessageId(message.MessageId),
            InReplyTo = MessageIdentity.NormaliseMessageId(message.InReplyTo),
            References = message.References.Select(MessageIdentity.NormaliseMessageId).OfType<string>().Distinct().ToList(),
            IsAutoSubmitted = IsAutoSubmitted(message),
            IsBulk = IsBulk(headers),
            TextBody = TextBody(message),
            Attachments = Attachments(message),
        };
    }

    private static List<EmailAddress> Addresses(IEnumerable<InternetAddress> list) =>
        list.SelectMany(Flatten)
            .Select(m => EmailAddress.Parse(m.Address) is { } parsed ? parsed with { DisplayName = string.IsNullOrWhiteSpace(m.Name) ? null : m.Name } : null)
            .OfType<EmailAddress>()
            .DistinctBy(a => a.Normalised)
            .ToList();

    private static IEnumerable<MailboxAddress> Flatten(InternetAddress address) => address switch
    {
        MailboxAddress mailbox => [mailbox],
        GroupAddress group => group.Members.SelectMany(Flatten),
        _ => [],
    };

    private static bool IsAutoSubmitted(MimeMessage message)
    {
        var headers = message.Headers;
        var autoSubmitted = headers[HeaderId.AutoSubmitted];
        return (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            || headers.Contains("X-Autoreply")
            || headers.Contains("X-Autorespond")
            || string.Equals(headers["Precedence"]?.Trim(), "auto_reply", StringComparison.OrdinalIgnoreCase)
            || message.Body is MultipartReport;
    }

    private static bool IsBulk(HeaderList headers)
    {
        var precedence = headers["Precedence"]?.Trim().ToLowerInvariant();
        return headers.Contains(HeaderId.ListId) || headers.Contains(HeaderId.ListUnsubscribe) || precedence is "bulk" or "list" or "junk";
    }

    private static string TextBody(MimeMessage message)
    {
        var text = message.TextBody;
        if (string.IsNullOrEmpty(text) && message.HtmlBody is { } html)
        {
            text = HtmlToText(html);
        }

        text ??= "";
        return text.Length > MaxTextBodyLength ? text[..MaxTextBodyLength] : text;
    }

    /// <summary>A plain rendering of HTML for rules and ticket descriptions (display uses the sanitised HTML).</summary>
    internal static string HtmlToText(string html)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        foreach (var hidden in document.QuerySelectorAll("script, style, head, template").ToList())
        {
            hidden.Remove();
        }

        // Block elements end a line, so paragraphs do not run together.
        foreach (var block in document.QuerySelectorAll("p, div, br, li, tr, h1, h2, h3, h4, h5, h6, blockquote").ToList())
        {
            block.After(document.CreateTextNode("\n"));
        }

        var lines = (document.Body?.TextContent ?? "").Split('\n').Select(l => l.Trim());
        return string.Join('\n', lines.Where((line, index) => line.Length > 0 || index == 0)).Trim();
    }

    private static List<AttachmentInfo> Attachments(MimeMessage message)
    {
        var result = new List<AttachmentInfo>();
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            var isAttachment = part.IsAttachment;
            var isInlineResource = !isAttachment && part.ContentId is not null && !part.ContentType.IsMimeType("text", "*");
            if (!isAttachment && !isInlineResource)
            {
                continue;
            }

            result.Add(new AttachmentInfo(
                FileName: part.FileName ?? part.ContentId ?? "attachment",
                ContentType: part.ContentType.MimeType,
                Size: part.Content?.Stream is { CanSeek: true } stream ? stream.Length : 0,
                IsInline: isInlineResource || part.ContentDisposition?.Disposition == ContentDisposition.Inline,
                ContentId: part.ContentId));
        }

        return result;
    }
}
