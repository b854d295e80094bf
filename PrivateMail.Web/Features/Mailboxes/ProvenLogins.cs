using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Mailboxes;

/// <summary>
/// Records that the mail server accepted a mailbox's login: from then on the login counts as the owner's address
/// (<see cref="Domain.Binding.ProvenAddresses"/>) for as long as it stays the mailbox's login.
/// </summary>
public static class ProvenLogins
{
    /// <summary>Stores <paramref name="login"/> as proven for the mailbox when it is still the saved one; no write when already recorded.</summary>
    public static async Task RecordAsync(IDbContextFactory<AppDbContext> dbFactory, int mailboxId, string? login, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(login))
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Mailboxes
            .Where(m => m.Id == mailboxId && (m.Login == login || (m.Login == "" && m.OAuthAccount == login)) && (m.ProvenLogin == null || m.ProvenLogin != login))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProvenLogin, login), cancellationToken);
    }
}
