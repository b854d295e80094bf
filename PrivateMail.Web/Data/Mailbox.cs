using PrivateMail.Domain.Scanning;

namespace PrivateMail.Web.Data;

/// <summary>A user's private mailbox and its scanner settings (My settings → Mailbox). One per user.</summary>
public sealed class Mailbox : ICreatedAt
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public ApplicationUser? Owner { get; set; }

    public string Name { get; set; } = "";
    public int MailServerId { get; set; }
    public MailServer? MailServer { get; set; }
    public string Login { get; set; } = "";
    /// <summary>Encrypted with Data Protection; never shown back or logged.</summary>
    public string? PasswordProtected { get; set; }

    /// <summary>OAuth 2.0 access token from the provider, encrypted with Data Protection; never shown or logged.</summary>
    public string? OAuthAccessTokenProtected { get; set; }
    /// <summary>OAuth 2.0 refresh token, encrypted; null once the provider refused it (the owner must sign in again).</summary>
    public string? OAuthRefreshTokenProtected { get; set; }
    /// <summary>When the access token stops working, as the provider said at issue time.</summary>
    public DateTimeOffset? OAuthExpiresAt { get; set; }
    /// <summary>The account the owner signed in as (from the provider's ID token, else the login); shown, not secret.</summary>
    public string? OAuthAccount { get; set; }

    /// <summary>The login the mail server last accepted for this mailbox (a scan or Test connection that signed in); proves the address is the owner's.</summary>
    public string? ProvenLogin { get; set; }
    /// <summary>The From address of mail sent through the mailbox when the login is not an address (or a different
    /// spelling of it); validated against the login, so a user cannot send as someone else. Null: the login.</summary>
    public string? SenderAddress { get; set; }

    public MailboxStatus Status { get; set; } = MailboxStatus.Active;
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }

    public List<string> Folders { get; set; } = ["INBOX"];
    public ScannerActions Actions { get; set; } = ScannerActions.CreateEmail | ScannerActions.BindEmail;
    public List<string> SearchFields { get; set; } = [];
    public List<string> EmailExceptions { get; set; } = [];
    public List<string> DomainExceptions { get; set; } = [];
    /// <summary>The first scan of a folder imports mail from this day on, not the whole history.</summary>
    public DateOnly ImportSince { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The status and the error that explains it, for <see cref="MailboxState"/>'s rules.</summary>
    public MailboxState GetState() => new(Status, LastError, LastErrorAt);

    /// <summary>Stores an allowed transition; a refused one changes nothing. Returns whether it was allowed.</summary>
    public bool Apply(MailboxStateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!change.Allowed)
        {
            return false;
        }

        (Status, LastError, LastErrorAt) = (change.State.Status, change.State.LastError, change.State.LastErrorAt);
        return true;
    }
}
