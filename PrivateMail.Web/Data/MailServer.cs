using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Data;

/// <summary>A mail server defined by an administrator (Mail tools → Mail servers).</summary>
public sealed class MailServer : ICreatedAt
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public bool IsActive { get; set; } = true;
    /// <summary>Users may pick the server for their private mailbox only when it is active and visible.</summary>
    public bool IsVisible { get; set; } = true;

    public string ImapHost { get; set; } = "";
    public int ImapPort { get; set; } = 993;
    public MailSecurity ImapSecurity { get; set; } = MailSecurity.SslTls;
    public bool ValidateCertificate { get; set; } = true;

    public string SmtpHost { get; set; } = "";
    public int SmtpPort { get; set; } = 465;
    public MailSecurity SmtpSecurity { get; set; } = MailSecurity.SslTls;
    /// <summary>The server files a copy of what is sent in the Sent folder itself (Gmail, Microsoft 365): My mail then
    /// appends none, or every message would be there twice.</summary>
    public bool ServerSavesSentMail { get; set; }

    public MailAuthMethod AuthMethod { get; set; } = MailAuthMethod.Password;
    public OAuthProvider? OAuthProvider { get; set; }
    public string? OAuthClientId { get; set; }
    /// <summary>Encrypted with Data Protection; never shown back.</summary>
    public string? OAuthClientSecretProtected { get; set; }
    public string? OAuthAuthorizeEndpoint { get; set; }
    public string? OAuthTokenEndpoint { get; set; }
    public string? OAuthScopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<Mailbox> Mailboxes { get; set; } = [];
}
