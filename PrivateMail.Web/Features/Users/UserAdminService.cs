using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Users;

/// <summary>
/// System configuration → Users. Every call checks that the caller is an administrator: hiding the page is not enough.
/// </summary>
public sealed class UserAdminService(
    IDbContextFactory<AppDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    CurrentUser currentUser,
    TimeProvider time,
    ILogger<UserAdminService> logger)
{
    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var adminRoleId = await db.Roles.Where(r => r.Name == Roles.Administrator).Select(r => r.Id).SingleAsync(cancellationToken);
        var admins = await db.UserRoles.Where(r => r.RoleId == adminRoleId).Select(r => r.UserId).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        // Users with their mailbox in one query (a left join); only the mailbox columns an administrator may see.
        var users = await (
                from u in db.Users.AsNoTracking()
                join m in db.Mailboxes on u.Id equals m.OwnerId into mailboxes
                from m in mailboxes.DefaultIfEmpty()
                select new
                {
                    User = u,
                    Mailbox = m == null ? null : new UserMailboxSummary(m.Name, m.MailServer!.Name, m.Status),
                })
            .ToListAsync(cancellationToken);
        return users
            .OrderBy(r => r.User.UserName, StringComparer.OrdinalIgnoreCase)
            .Select(r => new UserRow(
                r.User.Id,
                r.User.UserName ?? "",
                r.User.DisplayName,
                r.User.Email ?? "",
                admins.Contains(r.User.Id),
                r.User.IsActive,
                r.User.LockoutEnd is { } end && end > now,
                r.User.CreatedAt)
            {
                Mailbox = r.Mailbox,
                ProvenEmail = r.User.ProvenEmail,
            })
            .ToList();
    }

    public async Task<AdminResult> CreateAsync(NewUserModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        await DemandAdministratorAsync();
        // The dialog validates too; the service does not trust it (names required as under My settings).
        var invalid = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(model, new System.ComponentModel.DataAnnotations.ValidationContext(model), invalid, validateAllProperties: true))
        {
            return new AdminResult(invalid.Select(r => r.ErrorMessage ?? "").ToList());
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var (user, result) = await UserAccounts.CreateAsync(users, model.UserName, model.Email, model.Password,
            model.IsAdministrator, model.FirstName, model.LastName);
        if (!result.Succeeded)
        {
            return new AdminResult(result.Errors.Select(e => e.Description).ToList());
        }

        logger.LogInformation("User {UserName} created.", user.UserName);
        return AdminResult.Ok;
    }

    /// <summary>Deactivates or reactivates a user. A deactivated user's open sessions end within a minute.</summary>
    public async Task<AdminResult> SetActiveAsync(string userId, bool active)
    {
        var callerId = await DemandAdministratorAsync();
        if (!active && userId == callerId)
        {
            return new AdminResult([Strings.CannotDeactivateSelf]);
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new AdminResult([Strings.UserNotFound]);
        }

        user.IsActive = active;
        var result = await users.UpdateAsync(user);
        if (result.Succeeded)
        {
            await users.UpdateSecurityStampAsync(user);
            logger.LogInformation("User {UserName} {State}.", user.UserName, active ? "activated" : "deactivated");
        }

        return new AdminResult(result.Errors.Select(e => e.Description).ToList());
    }

    /// <summary>
    /// Sets the address that counts as the user's for binding and the Sent/Internal classification (empty clears it).
    /// Only here: the e-mail a user edits under My settings proves nothing.
    /// </summary>
    public async Task<AdminResult> SetProvenEmailAsync(string userId, string? email, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        var value = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        if (value is not null && (EmailAddress.Parse(value) is not { } parsed || parsed.DisplayName is not null || value.Length > 320))
        {
            return new AdminResult([string.Format(System.Globalization.CultureInfo.CurrentCulture, PrivacyStrings.ValidationProvenEmail, value)]);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.ProvenEmail, value), cancellationToken);
        if (changed == 0)
        {
            return new AdminResult([Strings.UserNotFound]);
        }

        logger.LogInformation("Mail address of user {UserId} set by an administrator.", userId);
        return AdminResult.Ok;
    }

    public async Task<AdminResult> ResetPasswordAsync(string userId, string newPassword)
    {
        await DemandAdministratorAsync();
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new AdminResult([Strings.UserNotFound]);
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, newPassword);
        if (result.Succeeded)
        {
            // A reset also lifts a lockout: the administrator is vouching for the user.
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            logger.LogInformation("Password of user {UserName} reset by an administrator.", user.UserName);
        }

        return new AdminResult(result.Errors.Select(e => e.Description).ToList());
    }

    private async Task<string> DemandAdministratorAsync()
    {
        var id = await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }

        return id;
    }
}
