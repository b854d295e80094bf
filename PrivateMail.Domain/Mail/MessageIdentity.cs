using System.Security.Cryptography;
using System.Text;

namespace PrivateMail.Domain.Mail;

/// <summary>
/// The key that makes storing a message idempotent: the same mail seen again — in another folder, after a crash,
/// after the server renumbered its UIDs — maps to the same key, so it is stored once per mailbox.
/// </summary>
public static class MessageIdentity
{
    /// <summary>
    /// <c>mid:</c> + the Message-ID (case-folded, brackets trimmed) when the message has a usable one;
    /// otherwise <c>sha:</c> + a SHA-256 over sender, date, subject, recipients and body — YetiForce hashed only
    /// from|date|subject, which merges distinct mails that share them.
    /// </summary>
    public static string DedupKey(MessageSnapshot message)
    {
        var id = NormaliseMessageId(message.MessageId);
        if (id is not null)
        {
            return "mid:" + id;
        }

        var text = string.Join('\n',
            message.From?.Normalised ?? "",
            message.Date?.ToUniversalTime().ToString("O") ?? "",
            message.Subject,
            string.Join(',', message.Recipients.Select(r => r.Normalised)),
            message.TextBody);
        return "sha:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A Message-ID without brackets and surrounding space, lower case; null when empty or absurd.</summary>
    public static string? NormaliseMessageId(string? messageId)
    {
        if (string.IsNullOrWhiteSpace(messageId))
        {
            return null;
        }

        var value = messageId.Trim().TrimStart('<').TrimEnd('>').Trim();
        // A Message-ID longer than a header line or with spaces or control characters is not one.
        return value.Length is 0 or > 900 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? null : value.ToLowerInvariant();
    }
}
