using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// The signed-in user's Mail integration settings (default mail client, open mail in), read once per circuit: saving
/// My settings reloads the page, so a new circuit sees the new values.
/// </summary>
public sealed class MailPreferences(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser)
{
    private Task<(MailClient Client, MailOpenMode OpenMode)>? _load;

    public async Task<MailClient> GetClientAsync() => (await LoadAsync()).Client;

    public async Task<MailOpenMode> GetOpenModeAsync() => (await LoadAsync()).OpenMode;

    private Task<(MailClient Client, MailOpenMode OpenMode)> LoadAsync() => _load ??= ReadAsync();

    private async Task<(MailClient Client, MailOpenMode OpenMode)> ReadAsync()
    {
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync();
        var settings = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.DefaultMailClient, u.MailOpenMode }).SingleOrDefaultAsync();
        return settings is null ? (MailClient.Internal, MailOpenMode.Dialog) : (settings.DefaultMailClient, settings.MailOpenMode);
    }
}
