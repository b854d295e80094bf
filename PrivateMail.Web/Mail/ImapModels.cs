using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>Where and how to reach an IMAP server.</summary>
public sealed record ImapEndpoint(string Host, int Port, MailSecurity Security, bool ValidateCertificate);

/// <summary>
/// Login and password for an IMAP account, or login and OAuth 2.0 access token (<see cref="IsOAuth"/>), or the reason
/// there are none (<see cref="Unavailable"/>). <see cref="ToString"/> never prints the password or token.
/// </summary>
public sealed record ImapCredentials(string Login, string Password)
{
    /// <summary>True when <see cref="Password"/> is an OAuth 2.0 access token, sent with SASL XOAUTH2 or OAUTHBEARER.</summary>
    public bool IsOAuth { get; init; }

    /// <summary>Why no usable credentials exist, already in the owner's language: the connector fails with it, unconnected.</summary>
    public string? Unavailable { get; init; }

    public static ImapCredentials OAuth(string login, string accessToken) => new(login, accessToken) { IsOAuth = true };

    public static ImapCredentials Failed(string reason) => new("", "") { Unavailable = reason };

    public override string ToString() => $"ImapCredentials {{ Login = {Login}, OAuth = {IsOAuth} }}";
}

/// <summary>Why a connection attempt failed, precise enough to tell the user what to fix.</summary>
public enum ConnectionFailure
{
    HostNotFound,
    ConnectionRefused,
    Timeout,
    /// <summary>The TLS handshake failed, usually because the certificate is not trusted.</summary>
    Tls,
    AuthenticationFailed,
    /// <summary>The server answered something that is not IMAP, or refused a command.</summary>
    Protocol,
    Network,
    /// <summary>No connection was tried: the credentials could not be obtained (e.g. an OAuth token was not renewed).</summary>
    CredentialsUnavailable,
}

/// <summary>The outcome of a connection test or of a folder listing.</summary>
public sealed record ConnectionResult
{
    public bool Succeeded => Failure is null;
    public ConnectionFailure? Failure { get; init; }
    /// <summary>Technical detail for the log and for administrators (never contains a secret).</summary>
    public string? Detail { get; init; }
    public bool Authenticated { get; init; }
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    /// <summary>The server certificate's subject, when TLS was used or failed.</summary>
    public string? CertificateSubject { get; init; }
    /// <summary>Why the certificate was refused, e.g. "untrusted root, name mismatch".</summary>
    public string? CertificateProblem { get; init; }
}

/// <summary>Special-use roles of a folder (RFC 6154).</summary>
public enum FolderRole
{
    None,
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
    All,
    Flagged,
}

/// <summary>A folder of the server's tree.</summary>
/// <param name="FullName">The folder's full path as the server names it (decoded from modified UTF-7).</param>
/// <param name="Name">The last part of the path, for display.</param>
/// <param name="Depth">0 for top-level folders.</param>
public sealed record MailFolder(string FullName, string Name, int Depth, FolderRole Role, bool CanSelect);

/// <summary>The folders of a mailbox, or why they could not be read.</summary>
public sealed record FolderListResult(ConnectionResult Connection, IReadOnlyList<MailFolder> Folders);
