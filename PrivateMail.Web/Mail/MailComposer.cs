using MimeKit;
using MimeKit.Utils;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>A name and address, already validated.</summary>
public sealed record MailAddress(string? Name, string Address)
{
    public override string ToString() => string.IsNullOrWhiteSpace(Name) ? Address : $"{Name} <{Address}>";
}

/// <summary>A file to attach, read from disk when the message is written.</summary>
public sealed record OutgoingAttachment(string FileName, string ContentType, string Path);

/// <summary>A message to send, in validated parts: the composer turns it into MIME and nothing else can.</summary>
public sealed record OutgoingMessage
{
    public required MailAddress From { get; init; }
    public IReadOnlyList<MailAddress> To { get; init; } = [];
    public IReadOnlyList<MailAddress> Cc { get; init; } = [];
    public IReadOnlyList<MailAddress> Bcc { get; init; } = [];
    public string Subject { get; init; } = "";
    public string Text { get; init; } = "";
    /// <summary>Message-IDs without brackets.</summary>
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public IReadOnlyList<OutgoingAttachment> Attachments { get; init; } = [];
    public required DateTimeOffset Date { get; init; }
    /// <summary>Set for a draft that becomes a message: keeps its Message-ID; else a new one is made.</summary>
    public string? MessageId { get; init; }
    /// <summary>
    /// Only for a draft saved to the Drafts folder: the ticket a reply from the ticket page answers, so editing the draft
    /// later keeps it a ticket reply (<see cref="MailComposer.DraftTicketHeader"/>). Never written into a message sent.
    /// </summary>
    public int? DraftTicketId { get; init; }
}

/// <summary>
/// A MIME message built once and used for everything that follows — the SMTP transaction, the Sent copy, the stored
/// e-mail — so all three are the same bytes and the same Message-ID. Dispose to close the attachment files.
/// </summary>
public sealed class ComposedMessage : IDisposable
{
    private readonly List<Stream> _open;

    internal ComposedMessage(MimeMessage mime, List<Stream> open)
    {
        Mime = mime;
        _open = open;
        Snapshot = MimeSnapshotMapper.ToSnapshot(mime);
    }

    internal MimeMessage Mime { get; }

    public MessageSnapshot Snapshot { get; }

    /// <summary>Normalised, as the store and the scanner compare it.</summary>
    public string? MessageId => Snapshot.MessageId;

    /// <summary>The e-mail to store from exactly these bytes (the same dedupe key the scanner computes when it reads the Sent copy).</summary>
    public NewEmail ToNewEmail(string ownerId, DateTimeOffset now) => MimeEmailMapper.ToNewEmail(Mime, Snapshot, ownerId, now);

    /// <summary>The whole message as written (headers included, Bcc kept: this is the sender's copy).</summary>
    public void WriteTo(Stream output) => Mime.WriteTo(output);

    /// <summary>The header as it would be written, for tests and checks (null when absent).</summary>
    public string? Header(string name) => Mime.Headers[name];

    public void Dispose()
    {
        foreach (var stream in _open)
        {
            stream.Dispose();
        }

        _open.Clear();
    }
}

/// <summary>Builds MIME from an <see cref="OutgoingMessage"/>: plain text UTF-8, attachments, threading headers.</summary>
public static class MailComposer
{
    /// <summary>A saved draft's ticket (see <see cref="OutgoingMessage.DraftTicketId"/>); read back only from the Drafts folder.</summary>
    public const string DraftTicketHeader = "X-PrivateMail-Draft-Ticket";

    public static ComposedMessage Compose(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mime = new MimeMessage();
        mime.From.Add(ToMailbox(message.From));
        mime.To.AddRange(message.To.Select(ToMailbox));
        mime.Cc.AddRange(message.Cc.Select(ToMailbox));
        mime.Bcc.AddRange(message.Bcc.Select(ToMailbox));
        mime.Subject = message.Subject;
        mime.Date = message.Date;
        var domain = message.From.Address[(message.From.Address.LastIndexOf('@') + 1)..];
        mime.MessageId = message.MessageId ?? MimeUtils.GenerateMessageId(domain);
        if (message.InReplyTo is { } inReplyTo)
        {
            mime.InReplyTo = inReplyTo;
        }

        foreach (var reference in message.References)
        {
            mime.References.Add(reference);
        }

        if (message.DraftTicketId is { } ticket)
        {
            mime.Headers.Add(DraftTicketHeader, ticket.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var text = new TextPart("plain") { Text = message.Text };
        text.ContentType.Charset = "utf-8";
        text.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        var open = new List<Stream>();
        if (message.Attachments.Count == 0)
        {
            mime.Body = text;
        }
        else
        {
            var mixed = new Multipart("mixed") { text };
            foreach (var attachment in message.Attachments)
            {
                var stream = File.OpenRead(attachment.Path);
                open.Add(stream);
                var part = new MimePart(ContentType.TryParse(attachment.ContentType, out var type) ? type : new ContentType("application", "octet-stream"))
                {
                    Content = new MimeContent(stream),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = SafeFileName.Clean(attachment.FileName),
                };
                mixed.Add(part);
            }

            mime.Body = mixed;
        }

        return new ComposedMessage(mime, open);
    }

    private static MailboxAddress ToMailbox(MailAddress address) => new(address.Name ?? "", address.Address);
}
