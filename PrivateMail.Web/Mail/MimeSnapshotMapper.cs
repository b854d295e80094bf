using System.Text;
using MimeKit;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>Turns a parsed MIME message into the scanner's <see cref="MessageSnapshot"/>. Never throws on odd input.</summary>
public static class MimeSnapshotMapper
{
    /// <summary>Text bodies longer than this are cut: the snapshot feeds rules and ticket descriptions, not archives.</summary>
    public const int MaxTextBodyLength = 1_000_000;

    /// <summary>HTML longer than this is not parsed into a document for its text (the e-mail's own HTML cap is the same by default).</summary>
    public const int MaxHtmlToParse = 1024 * 1024;

    internal static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static MessageSnapshot ToSnapshot(MimeMessage message) => ToSnapshot(message, MimeBodies.Of(message));

    /// <summary>The snapshot from bodies decoded once by the caller (decoding a text part is most of what mapping costs).</summary>
    public static MessageSnapshot ToSnapshot(MimeMessage message, MimeBodies bodies)
    {
        var headers = message.Headers;
        var legacy = LegacyHeaderCharset(message);
        return new MessageSnapshot
        {
            From = Addresses(AddressHeader(message, HeaderId.From, message.From, legacy)).FirstOrDefault()
                ?? Addresses(AddressHeader(message, HeaderId.Sender, message.Sender is null ? [] : [message.Sender], legacy)).FirstOrDefault(),
            To = Addresses(AddressHeader(message, HeaderId.To, message.To, legacy)),
            Cc = Addresses(AddressHeader(message, HeaderId.Cc, message.Cc, legacy)),
            Bcc = Addresses(AddressHeader(message, HeaderId.Bcc, message.Bcc, legacy)),
            ReplyTo = Addresses(AddressHeader(message, HeaderId.ReplyTo, message.ReplyTo, legacy)),
            Subject = Subject(message, legacy),
            Date = headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date : null,
            // The header as written, not MimeKit's repair of it: "a b @ c kasa 3" and "a b @ c kasa 4" both repair to
            // "ab@c", and two mails of one broken program would then be stored as one.
            MessageId = MessageIdentity.NormaliseMessageId(headers[HeaderId.MessageId]),
            InReplyTo = MessageIdentity.NormaliseMessageId(message.InReplyTo),
            References = message.References.Select(MessageIdentity.NormaliseMessageId).OfType<string>().Distinct().ToList(),
            IsAutoSubmitted = IsAutoSubmitted(message),
            IsBulk = IsBulk(headers),
            TextBody = TextBody(message, bodies),
            Attachments = Attachments(message),
        };
    }

    /// <summary>
    /// The charset to read raw 8-bit headers with. Old Polish webmail and scripts write the subject and names in
    /// windows-1250 or ISO-8859-2 without encoded words; MimeKit then guesses Latin-1. The body's declared charset is
    /// the best evidence of what the sender used. Null when the body is UTF-8/ASCII or declares nothing usable.
    /// </summary>
    internal static Encoding? LegacyHeaderCharset(MimeMessage message)
    {
        var charset = message.BodyParts.OfType<TextPart>().Select(p => p.ContentType.Charset).FirstOrDefault(c => !string.IsNullOrWhiteSpace(c))?.Trim();
        if (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A header with 8-bit bytes that are not UTF-8: written in some legacy charset without saying which.</summary>
    private static bool IsUndeclared8Bit(Header header)
    {
        var raw = header.RawValue;
        if (!raw.Any(b => b >= 0x80))
        {
            return false;
        }

        try
        {
            StrictUtf8.GetString(raw);
            return false;
        }
        catch (DecoderFallbackException)
        {
            return true;
        }
    }

    private static string Subject(MimeMessage message, Encoding? legacy)
    {
        var header = message.Headers.FirstOrDefault(h => h.Id == HeaderId.Subject);
        return header is not null && legacy is not null && IsUndeclared8Bit(header)
            ? header.GetValue(legacy).Trim()
            : message.Subject ?? "";
    }

    private static IEnumerable<InternetAddress> AddressHeader(MimeMessage message, HeaderId id, IEnumerable<InternetAddress> parsed, Encoding? legacy)
    {
        var headers = message.Headers.Where(h => h.Id == id).ToList();
        if (legacy is null || !headers.Any(IsUndeclared8Bit))
        {
            return parsed;
        }

        var options = new ParserOptions { CharsetEncoding = legacy };
        var again = new List<InternetAddress>();
        foreach (var header in headers)
        {
            if (InternetAddressList.TryParse(options, header.RawValue, out var list))
            {
                again.AddRange(list);
            }
        }

        return again.Count > 0 ? again : parsed;
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

    private static string TextBody(MimeMessage message, MimeBodies bodies)
    {
        var text = bodies.Text;
        if (string.IsNullOrEmpty(text) && bodies.Html is { } html)
        {
            // Beyond the cap no DOM is built (a few hundred thousand elements take minutes): tags are only dropped.
            text = html.Length <= MaxHtmlToParse ? HtmlToText(html) : HtmlText.Rough(html, MaxTextBodyLength);
        }

        // A multipart whose boundary never occurs has no parts: everything the sender wrote is in its preamble.
        if (string.IsNullOrEmpty(text) && message.Body is Multipart { Count: 0, Preamble: { } preamble } && !string.IsNullOrWhiteSpace(preamble))
        {
            text = preamble.Trim();
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

    private static List<AttachmentInfo> Attachments(MimeMessage message) =>
        MimeAttachments.Of(message)
            .Select(a => new AttachmentInfo(a.FileName, a.ContentType, a.ApproximateSize, a.IsInline || a.Entity.ContentDisposition?.Disposition == ContentDisposition.Inline, a.ContentId))
            .ToList();
}
