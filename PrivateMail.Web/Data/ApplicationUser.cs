using Microsoft.AspNetCore.Identity;
using PrivateMail.Domain.Users;

namespace PrivateMail.Web.Data;

/// <summary>A CRM user: Identity account plus the preferences shown under My settings.</summary>
public sealed class ApplicationUser : IdentityUser, ICreatedAt
{
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string Language { get; set; } = UiLanguages.English;
    public string TimeZone { get; set; } = "UTC";
    public string DateFormat { get; set; } = DateFormats.Default;
    public MailClient DefaultMailClient { get; set; } = MailClient.Internal;
    public string Signature { get; set; } = "";
    public MailOpenMode MailOpenMode { get; set; } = MailOpenMode.Dialog;

    /// <summary>
    /// The address an administrator set for this user (when creating them or on the Users page): it counts as theirs
    /// for binding and the Sent/Internal classification. The <see cref="IdentityUser.Email"/> the user edits under
    /// My settings does not.
    /// </summary>
    public string? ProvenEmail { get; set; }

    /// <summary>A deactivated user cannot sign in; their data stays.</summary>
    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public string DisplayName =>
        string.IsNullOrWhiteSpace(FirstName) && string.IsNullOrWhiteSpace(LastName)
            ? UserName ?? ""
            : $"{FirstName} {LastName}".Trim();
}
