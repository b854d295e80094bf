using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Mailboxes;

/// <summary>
/// What the owner edits on My settings → Mailbox. The password is write-only: it travels from the form to the
/// service and is never filled in from storage; <see cref="HasPassword"/> says whether one is stored.
/// </summary>
public sealed class MailboxModel
{
    [RequiredField, MaxLengthField(100)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Name))]
    public string Name { get; set; } = "";

    public int? MailServerId { get; set; }

    [MaxLengthField(320)]
    [Display(ResourceType = typeof(MailboxStrings), Name = nameof(MailboxStrings.Login))]
    public string Login { get; set; } = "";

    /// <summary>The From address of mail sent from My mail; empty: the login. Must belong to the login.</summary>
    [MaxLengthField(320)]
    [Display(ResourceType = typeof(MyMailMessages), Name = nameof(MyMailMessages.SenderAddress))]
    public string SenderAddress { get; set; } = "";

    /// <summary>A new password, or empty to keep the stored one.</summary>
    public string Password { get; set; } = "";

    /// <summary>Active or Inactive as the owner chose; Locked only when the scanner has locked the mailbox.</summary>
    public MailboxStatus Status { get; set; } = MailboxStatus.Active;

    public List<string> Folders { get; set; } = ["INBOX"];

    public ScannerActions Actions { get; set; } = ScannerActions.CreateEmail | ScannerActions.BindEmail;

    public List<string> SearchFields { get; set; } = [.. Domain.Scanning.SearchFields.DefaultKeys];

    public List<string> EmailExceptions { get; set; } = [];

    public List<string> DomainExceptions { get; set; } = [];

    /// <summary>A date (the time part is ignored); DateTime because the date picker binds to it.</summary>
    public DateTime? ImportSince { get; set; }

    // Facts read from storage, shown but never saved from the form (the service ignores them).

    /// <summary>False until the mailbox has been saved once.</summary>
    public bool Exists { get; set; }

    public bool HasPassword { get; set; }

    /// <summary>The status as stored, so the page can show a lock even after the switch moved.</summary>
    public MailboxStatus StoredStatus { get; set; } = MailboxStatus.Active;

    public string? LastError { get; set; }

    /// <summary>When the scanner recorded <see cref="LastError"/>, in the owner's time zone.</summary>
    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>The server the stored OAuth 2.0 sign-in belongs to (the saved server), or null.</summary>
    public int? OAuthServerId { get; set; }

    /// <summary>Whether OAuth 2.0 tokens are stored (never the tokens themselves).</summary>
    public bool OAuthSignedIn { get; set; }

    /// <summary>The account of the last OAuth 2.0 sign-in; kept after the provider refused renewal, to say whose sign-in ended.</summary>
    public string? OAuthAccount { get; set; }

    /// <summary>When the stored access token expires, in the owner's time zone.</summary>
    public DateTimeOffset? OAuthExpiresAt { get; set; }

    /// <summary>Takes over every value of <paramref name="saved"/>, so a form bound to this instance shows what was stored.</summary>
    public void CopyFrom(MailboxModel saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        Name = saved.Name;
        MailServerId = saved.MailServerId;
        Login = saved.Login;
        SenderAddress = saved.SenderAddress;
        Password = saved.Password;
        Status = saved.Status;
        Folders = [.. saved.Folders];
        Actions = saved.Actions;
        SearchFields = [.. saved.SearchFields];
        EmailExceptions = [.. saved.EmailExceptions];
        DomainExceptions = [.. saved.DomainExceptions];
        ImportSince = saved.ImportSince;
        Exists = saved.Exists;
        HasPassword = saved.HasPassword;
        StoredStatus = saved.StoredStatus;
        LastError = saved.LastError;
        LastErrorAt = saved.LastErrorAt;
        OAuthServerId = saved.OAuthServerId;
        OAuthSignedIn = saved.OAuthSignedIn;
        OAuthAccount = saved.OAuthAccount;
        OAuthExpiresAt = saved.OAuthExpiresAt;
    }
}

/// <summary>A server the owner may choose for their mailbox.</summary>
/// <param name="IsOffered">False for the mailbox's current server after an administrator hid or deactivated it:
/// it stays selectable for this mailbox only, flagged, until the owner picks another.</param>
public sealed record SelectableServer(
    int Id,
    string Name,
    string Host,
    MailAuthMethod AuthMethod,
    OAuthProvider? OAuthProvider,
    bool IsOffered);

/// <summary>The outcome of Test connection, in the user's language.</summary>
public sealed record MailboxConnectionCheck(bool Succeeded, string Message);

/// <summary>The server's folder tree, or why it could not be read (in the user's language).</summary>
public sealed record MailboxFolderList(bool Succeeded, string? Error, IReadOnlyList<MailFolder> Folders);
