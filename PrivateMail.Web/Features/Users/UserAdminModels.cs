using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Users;

/// <summary>A row of System configuration → Users.</summary>
public sealed record UserRow(
    string Id,
    string UserName,
    string DisplayName,
    string Email,
    bool IsAdministrator,
    bool IsActive,
    bool IsLockedOut,
    DateTimeOffset CreatedAt)
{
    /// <summary>The user's private mailbox as administrators may see it (never its login or password), or null.</summary>
    public UserMailboxSummary? Mailbox { get; init; }

    /// <summary>The address an administrator set: it counts as the user's for the scanner (see ProvenAddresses).</summary>
    public string? ProvenEmail { get; init; }
}

/// <summary>That a user has a private mailbox: its name, server and status.</summary>
public sealed record UserMailboxSummary(string Name, string ServerName, MailboxStatus Status);

public sealed class NewUserModel : PersonFields
{
    [RequiredField, MaxLengthField(64)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.UserName))]
    public string UserName { get; set; } = "";

    [RequiredField]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Password))]
    public string Password { get; set; } = "";

    public bool IsAdministrator { get; set; }
}

public sealed class ResetPasswordModel
{
    [RequiredField]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.NewPassword))]
    public string Password { get; set; } = "";

    [RequiredField, SameAs(nameof(Password))]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.ConfirmPassword))]
    public string ConfirmPassword { get; set; } = "";
}

/// <summary>Errors from an administrator action: per field where known, else general.</summary>
public sealed record AdminResult(IReadOnlyList<string> Errors)
{
    public static AdminResult Ok { get; } = new([]);

    public bool Succeeded => Errors.Count == 0;
}
