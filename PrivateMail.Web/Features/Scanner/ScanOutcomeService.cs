using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>One message's outcome as the history shows it.</summary>
public sealed record ScanOutcomeRow(long Id, string Folder, long Uid, string Subject, ScanOutcomeKind Kind, int? EmailId, string? Reason);

/// <summary>A page of a run's outcomes.</summary>
public sealed record ScanOutcomePage(IReadOnlyList<ScanOutcomeRow> Rows, int Page, int PageCount, int Total);

/// <summary>
/// The messages of one scan run and what became of each, paged. The mailbox's owner sees their own runs, an
/// administrator every run; anyone else gets nothing (checked here, not in the page).
/// </summary>
public sealed class ScanOutcomeService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser)
{
    public const int PageSize = 25;

    public async Task<ScanOutcomePage> PageAsync(int runId, int page, CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        var admin = await currentUser.IsAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var allowed = await db.ScanRuns.AnyAsync(r => r.Id == runId && (admin || r.Mailbox!.OwnerId == userId), cancellationToken);
        if (!allowed)
        {
            return new ScanOutcomePage([], 1, 1, 0);
        }

        var outcomes = db.ScanOutcomes.AsNoTracking().Where(o => o.RunId == runId);
        var total = await outcomes.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var rows = await outcomes.OrderBy(o => o.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(o => new ScanOutcomeRow(o.Id, o.Folder, o.Uid, o.Subject, o.Kind, o.EmailId, o.Reason))
            .ToListAsync(cancellationToken);
        return new ScanOutcomePage(rows, page, pages, total);
    }
}
