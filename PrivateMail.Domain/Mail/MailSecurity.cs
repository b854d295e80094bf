namespace PrivateMail.Domain.Mail;

/// <summary>How a connection to a mail server is secured.</summary>
public enum MailSecurity
{
    /// <summary>TLS from the first byte (IMAPS 993, SMTPS 465).</summary>
    SslTls = 0,
    /// <summary>Plain connection upgraded with STARTTLS (IMAP 143, submission 587).</summary>
    StartTls = 1,
    /// <summary>No encryption: only for servers on a trusted network.</summary>
    None = 2,
}

/// <summary>The ports a user expects when choosing a security mode.</summary>
public static class MailPorts
{
    public static int DefaultImapPort(MailSecurity security) => security == MailSecurity.SslTls ? 993 : 143;

    public static int DefaultSmtpPort(MailSecurity security) => security switch
    {
        MailSecurity.SslTls => 465,
        MailSecurity.StartTls => 587,
        _ => 25,
    };

    public static bool IsValidPort(int port) => port is > 0 and <= 65535;
}

/// <summary>How users authenticate to a mail server.</summary>
public enum MailAuthMethod
{
    /// <summary>Login and password.</summary>
    Password = 0,
    /// <summary>OAuth 2.0 tokens from a provider; login and password are then optional.</summary>
    OAuth2 = 1,
}

/// <summary>OAuth 2.0 providers with known endpoints and scopes, or a generic one the administrator describes.</summary>
public enum OAuthProvider
{
    Google = 0,
    Microsoft = 1,
    Generic = 2,
}
