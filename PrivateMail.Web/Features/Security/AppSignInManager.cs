using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Security;

/// <summary>How a sign-in by name ended, as much as the sign-in page may tell.</summary>
public enum SignInOutcome
{
    Succeeded,
    /// <summary>Unknown name, wrong password or a locked account: one answer for all three.</summary>
    Failed,
    /// <summary>The password was right but the account is deactivated.</summary>
    Deactivated,
    /// <summary>Too many failures for this name or from this address.</summary>
    Limited,
}

/// <summary>
/// Refuses sign-in to deactivated users, and answers so that nothing about an account leaks before its password is right:
/// an unknown name, a wrong password and a locked account fail alike and cost the same password hashing; only someone
/// who knows the password learns that the account is deactivated. Lockout works as before (5 failures, 5 minutes), and
/// failures are also limited per name and per client address (<see cref="AttemptLimiter"/>).
/// </summary>
internal sealed class AppSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    AttemptLimiter limiter)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static readonly PasswordHasher<ApplicationUser> DummyHasher = new();

    // A hash of a random password: verified when there is no real one to check, so every failure costs the same.
    private static readonly Lazy<string> DummyHash = new(() =>
        DummyHasher.HashPassword(new ApplicationUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public override async Task<bool> CanSignInAsync(ApplicationUser user) =>
        user.IsActive && await base.CanSignInAsync(user);

    /// <summary>Signs in with a user name or e-mail address and sets the cookie on success.</summary>
    public async Task<(SignInOutcome Outcome, string? UserId)> SignInByNameAsync(string nameOrEmail, string password, bool remember, string? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(nameOrEmail);
        var name = nameOrEmail.Trim();
        string[] keys = [AttemptKeys.SignInName(name), AttemptKeys.SignInAddress(clientAddress)];
        if (!limiter.IsAllowed(keys))
        {
            Logger.LogWarning("Sign-in refused: too many failures for this name or from {ClientAddress}.", clientAddress);
            return (SignInOutcome.Limited, null);
        }

        var user = await UserManager.FindByNameAsync(name) ?? (name.Contains('@', StringComparison.Ordinal) ? await UserManager.FindByEmailAsync(name) : null);
        if (user is null)
        {
            VerifyDummy(password);
            limiter.Record(keys);
            Logger.LogInformation("Sign-in failed from {ClientAddress}: unknown name.", clientAddress);
            return (SignInOutcome.Failed, null);
        }

        var result = await PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return (SignInOutcome.Succeeded, user.Id);
        }

        if (result.IsNotAllowed)
        {
            return (SignInOutcome.Deactivated, user.Id);
        }

        limiter.Record(keys);
        Logger.LogInformation("Sign-in failed for user {UserId} from {ClientAddress}{Locked}.", user.Id, clientAddress, result.IsLockedOut ? " (locked out)" : "");
        return (SignInOutcome.Failed, user.Id);
    }

    /// <summary>
    /// The password first, then whether the account may sign in: the base class answers "locked" or "not allowed" before
    /// it looks at the password, which tells a stranger the account exists and what state it is in.
    /// </summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(ApplicationUser user, string password, bool lockoutOnFailure)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await IsLockedOut(user))
        {
            // Locked: the password is not checked (lockout exists to stop guessing), but the answer takes as long.
            VerifyDummy(password);
            return SignInResult.LockedOut;
        }

        if (!await UserManager.CheckPasswordAsync(user, password))
        {
            if (lockoutOnFailure && UserManager.SupportsUserLockout)
            {
                await UserManager.AccessFailedAsync(user);
                if (await IsLockedOut(user))
                {
                    Logger.LogWarning("User {UserId} locked out after repeated failed sign-ins.", user.Id);
                    return SignInResult.LockedOut;
                }
            }

            return SignInResult.Failed;
        }

        if (!await CanSignInAsync(user))
        {
            return SignInResult.NotAllowed;
        }

        if (UserManager.SupportsUserLockout)
        {
            await UserManager.ResetAccessFailedCountAsync(user);
        }

        return SignInResult.Success;
    }

    private static void VerifyDummy(string? password) =>
        DummyHasher.VerifyHashedPassword(new ApplicationUser(), DummyHash.Value, password ?? "");
}
