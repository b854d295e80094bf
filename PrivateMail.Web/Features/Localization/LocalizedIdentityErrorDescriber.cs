using System.Globalization;
using Microsoft.AspNetCore.Identity;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Localization;

/// <summary>Identity's messages in the user's language.</summary>
internal sealed class LocalizedIdentityErrorDescriber : IdentityErrorDescriber
{
    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };

    private static string Format(string template, object? arg) => string.Format(CultureInfo.CurrentCulture, template, arg);

    public override IdentityError DefaultError() => Error(nameof(DefaultError), Strings.IdentityDefaultError);
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), Format(Strings.IdentityDuplicateEmail, email));
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), Format(Strings.IdentityDuplicateUserName, userName));
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), Format(Strings.IdentityInvalidEmail, email));
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), Format(Strings.IdentityInvalidUserName, userName));
    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), Strings.IdentityPasswordMismatch);
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), Format(Strings.IdentityPasswordTooShort, length));
    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), Strings.IdentityPasswordRequiresDigit);
    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), Strings.IdentityPasswordRequiresLower);
    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), Strings.IdentityPasswordRequiresUpper);
    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), Strings.IdentityPasswordRequiresNonAlphanumeric);
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), Format(Strings.IdentityPasswordRequiresUniqueChars, uniqueChars));
}
