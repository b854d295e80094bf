using System.Text;
using MimeKit;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>A message pasted as RFC 822 text (the rule tester): parsed into the scanner's snapshot, or refused.</summary>
public static class RawMessageParser
{
    /// <summary>Pasted text larger than this is refused: the tester needs headers and a body, not a whole archive.</summary>
    public const int MaxChars = 1_000_000;

    /// <summary>The snapshot, or null when the text is not a message: MIME cannot read it, or it has no header a rule reads.</summary>
    public static MessageSnapshot? TryParse(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length == 0 || raw.Length > MaxChars)
        {
            return null;
        }

        // Pasted text has lost its CRLFs and may start with blank lines; the parser copes with LF, not with a leading gap.
        var bytes = Encoding.UTF8.GetBytes(raw.TrimStart('\r', '\n', ' ', '\t'));
        try
        {
            using var message = MimeMessage.Load(new MemoryStream(bytes, writable: false));
            var headers = message.Headers;
            var known = headers.Contains(HeaderId.From) || headers.Contains(HeaderId.Sender) || headers.Contains(HeaderId.To);
            // A line of prose before a colon reads as a header to MIME ("Hello: …"): a message needs a sender or a recipient.
            return known ? MimeSnapshotMapper.ToSnapshot(message) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
