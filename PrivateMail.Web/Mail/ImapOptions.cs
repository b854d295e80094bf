using System.ComponentModel.DataAnnotations;

namespace PrivateMail.Web.Mail;

public sealed class ImapOptions
{
    public const string SectionName = "PrivateMail:Imap";

    /// <summary>Bound on connecting, the TLS handshake and logging in, and on each command after that.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
