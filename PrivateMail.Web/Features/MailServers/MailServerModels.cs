using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MailServers;

/// <summary>A row of Mail tools → Mail servers.</summary>
public sealed record MailServerRow(
    int Id,
    string Name,
    string ImapHost,
    int ImapPort,
    MailSecurity ImapSecurity,
    MailAuthMethod AuthMethod,
    bool IsActive,
    bool IsVisible,
    int MailboxCount);

/// <summary>
/// What the administrator edits. The stored client secret never comes back: <see cref="HasClientSecret"/> says one
/// exists and <see cref="OAuthClientSecret"/> holds only a new one being typed.
/// </summary>
public sealed class MailServerModel
{
    /// <summary>Null for a server not saved yet.</summary>
    public int? Id { get; set; }

    [RequiredField, MaxLengthField(50)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Name))]
    public string Name { get; set; } = "";

    public bool IsActive { get; set; } = true;

    public bool IsVisible { get; set; } = true;

    [RequiredField, MaxLengthField(253), HostNameField]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.ImapHost))]
    public string ImapHost { get; set; } = "";

    [PortField]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.ImapPort))]
    public int ImapPort { get; set; } = MailPorts.DefaultImapPort(MailSecurity.SslTls);

    public MailSecurity ImapSecurity { get; set; } = MailSecurity.SslTls;

    public bool ValidateCertificate { get; set; } = true;

    [MaxLengthField(253), HostNameField]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.SmtpHost))]
    public string SmtpHost { get; set; } = "";

    [PortField]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.SmtpPort))]
    public int SmtpPort { get; set; } = MailPorts.DefaultSmtpPort(MailSecurity.SslTls);

    public MailSecurity SmtpSecurity { get; set; } = MailSecurity.SslTls;

    /// <summary>The server keeps a copy of sent mail in Sent itself (Gmail, Microsoft): My mail appends none.</summary>
    public bool ServerSavesSentMail { get; set; }

    public MailAuthMethod AuthMethod { get; set; } = MailAuthMethod.Password;

    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.OAuthProvider))]
    public OAuthProvider? OAuthProvider { get; set; }

    [MaxLengthField(512)]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.ClientId))]
    public string OAuthClientId { get; set; } = "";

    /// <summary>A new secret being typed; blank on an existing server keeps the stored one.</summary>
    [MaxLengthField(1024)]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.ClientSecret))]
    public string OAuthClientSecret { get; set; } = "";

    /// <summary>Whether an encrypted client secret is stored (it is never loaded back).</summary>
    public bool HasClientSecret { get; set; }

    [MaxLengthField(1024)]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.AuthorizeEndpoint))]
    public string OAuthAuthorizeEndpoint { get; set; } = "";

    [MaxLengthField(1024)]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.TokenEndpoint))]
    public string OAuthTokenEndpoint { get; set; } = "";

    [MaxLengthField(1024)]
    [Display(ResourceType = typeof(MailServerStrings), Name = nameof(MailServerStrings.Scopes))]
    public string OAuthScopes { get; set; } = "";

    /// <summary>
    /// Switches the IMAP security mode; the port follows when it is still the previous mode's default
    /// (993 ↔ 143), never when the administrator typed their own.
    /// </summary>
    public void ChangeImapSecurity(MailSecurity security)
    {
        if (ImapPort == MailPorts.DefaultImapPort(ImapSecurity))
        {
            ImapPort = MailPorts.DefaultImapPort(security);
        }

        ImapSecurity = security;
    }

    /// <summary>As <see cref="ChangeImapSecurity"/>, for SMTP (465 / 587 / 25).</summary>
    public void ChangeSmtpSecurity(MailSecurity security)
    {
        if (SmtpPort == MailPorts.DefaultSmtpPort(SmtpSecurity))
        {
            SmtpPort = MailPorts.DefaultSmtpPort(security);
        }

        SmtpSecurity = security;
    }
}

/// <summary>The outcome of a save: field errors keyed by property name, a general error, or the saved server's id.</summary>
public sealed record MailServerSaveResult(IReadOnlyDictionary<string, string> FieldErrors, int? Id = null, string? Error = null)
{
    public bool Succeeded => FieldErrors.Count == 0 && Error is null;

    public static MailServerSaveResult Saved(int id) => new(new Dictionary<string, string>(), id);
}

/// <summary>The outcome of delete, activate or deactivate.</summary>
/// <param name="InUse">Delete was refused because mailboxes use the server: deactivating is the way out.</param>
public sealed record MailServerActionResult(string? Error = null, bool InUse = false)
{
    public static MailServerActionResult Ok { get; } = new();

    public bool Succeeded => Error is null;
}

/// <summary>The outcome of Test connection, with the message to show in the administrator's language.</summary>
/// <param name="Connection">What the server answered; null when the form's values did not allow an attempt.</param>
/// <param name="FieldErrors">Why no attempt was made (e.g. an invalid host), keyed by property name.</param>
public sealed record ConnectionTestOutcome(string Message, ConnectionResult? Connection, IReadOnlyDictionary<string, string> FieldErrors)
{
    public bool Succeeded => Connection is { Succeeded: true };

    public IReadOnlyList<string> Capabilities => Connection?.Capabilities ?? [];
}

/// <summary>A host name or an IP address; empty passes (combine with a required attribute).</summary>
internal sealed class HostNameFieldAttribute : ValidationAttribute
{
    public HostNameFieldAttribute()
    {
        ErrorMessageResourceType = typeof(MailServerStrings);
        ErrorMessageResourceName = nameof(MailServerStrings.ValidationHost);
    }

    public override bool IsValid(object? value) => value is not string text || string.IsNullOrWhiteSpace(text) || HostNames.IsValid(text);
}

/// <summary>A TCP port, 1–65535.</summary>
internal sealed class PortFieldAttribute : ValidationAttribute
{
    public PortFieldAttribute()
    {
        ErrorMessageResourceType = typeof(MailServerStrings);
        ErrorMessageResourceName = nameof(MailServerStrings.ValidationPort);
    }

    public override bool IsValid(object? value) => value is int port && MailPorts.IsValidPort(port);
}
