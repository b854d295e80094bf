using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>A user as an owner choice.</summary>
public sealed record UserOption(string Id, string DisplayName);

/// <summary>The users records can be assigned to.</summary>
public sealed class OwnerDirectory(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>Active users, by name; plus <paramref name="include"/> (a record's current owner) even when deactivated.</summary>
    public async Task<IReadOnlyList<UserOption>> ListAsync(string? include = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking()
            .Where(u => u.IsActive || u.Id == include)
            .Select(u => new { u.Id, u.FirstName, u.LastName, u.UserName })
            .ToListAsync(cancellationToken);
        return users
            .Select(u => new UserOption(u.Id, DisplayName(u.FirstName, u.LastName, u.UserName)))
            .OrderBy(u => u.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    public async Task<bool> IsActiveUserAsync(string? id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(u => u.Id == id && u.IsActive, cancellationToken);
    }

    /// <summary>"First Last", or the user name when both are empty — as <see cref="ApplicationUser.DisplayName"/>, for projections.</summary>
    public static string DisplayName(string? firstName, string? lastName, string? userName)
    {
        var name = $"{firstName} {lastName}".Trim();
        return name.Length > 0 ? name : userName ?? "";
    }
}
