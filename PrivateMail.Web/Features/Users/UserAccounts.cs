using Microsoft.AspNetCore.Identity;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Users;

/// <summary>Creating a user account the one way the app does it: confirmed e-mail, roles (the creation time is stamped on save).</summary>
internal static class UserAccounts
{
    /// <returns>The Identity result; on success the user exists with the User role, and Administrator when asked.</returns>
    public static async Task<(ApplicationUser User, IdentityResult Result)> CreateAsync(
        UserManager<ApplicationUser> users,
        string userName,
        string email,
        string password,
        bool administrator,
        string firstName = "",
        string lastName = "",
        string? language = null)
    {
        var user = new ApplicationUser
        {
            UserName = userName.Trim(),
            Email = email.Trim(),
            // Set by an administrator (or by the first administrator for themselves): proven, see ProvenAddresses.
            ProvenEmail = email.Trim(),
            EmailConfirmed = true,
            FirstName = firstName.Trim(),
            LastName = lastName.Trim(),
            Language = UiLanguages.Normalise(language) ?? UiLanguages.English,
        };
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            result = await users.AddToRolesAsync(user, administrator ? [Roles.Administrator, Roles.User] : [Roles.User]);
        }

        return (user, result);
    }
}
