using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Setup;

/// <summary>Whether the first administrator exists. Once true it stays true: the setup page is gone for good.</summary>
public sealed class SetupState(IDbContextFactory<AppDbContext> dbFactory)
{
    private volatile bool _done;

    /// <summary>Serialises administrator creation so two first visitors cannot both become administrator.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    public async ValueTask<bool> IsCompleteAsync()
    {
        if (_done)
        {
            return true;
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        _done = await db.Users.AnyAsync();
        return _done;
    }

    internal void MarkComplete() => _done = true;
}
