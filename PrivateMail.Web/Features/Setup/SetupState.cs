using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Setup;

/// <summary>Whether the first administrator exists. Once true it stays true: the setup page is gone for good.</summary>
public sealed class SetupState(IDbContextFactory<AppDbContext> dbFactory)
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _done;

    public async ValueTask<bool> IsCompleteAsync()
    {
        if (_done)
        {
            return true;
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        if (await db.Users.AnyAsync())
        {
            MarkComplete();
        }

        return _done;
    }

    /// <summary>Completes once the first administrator exists (at once if they already do).</summary>
    public async Task WhenCompleteAsync(CancellationToken cancellationToken)
    {
        if (!await IsCompleteAsync())
        {
            await _completed.Task.WaitAsync(cancellationToken);
        }
    }

    internal void MarkComplete()
    {
        _done = true;
        _completed.TrySetResult();
    }
}
