using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>A history row as Mail tools → Scan history shows it: any mailbox, with its owner and who started the run.</summary>
public sealed record AdminScanRunRow(
    int Id, string MailboxName, string OwnerName, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, ScanRunStatus Status,
    string? StartedBy, int Fetched, int Stored, int Bound, int TicketsOpened, int TicketsCreated, int Skipped, int Failed, string? FirstError)
{
    /// <summary>False for a run the schedule started.</summary>
    public bool Manual => StartedBy is not null;
}

/// <summary>Mail tools → Scan history: every mailbox's runs, newest first. Administrators only, checked on every call.</summary>
public sealed class ScanHistoryAdminService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser)
{
    public const int DefaultTake = 200;

    public async Task<IReadOnlyList<AdminScanRunRow>> LatestAsync(int take = DefaultTake, CancellationToken cancellationToken = default)
    {
        await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = await db.ScanRuns.AsNoTracking()
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Take(Math.Clamp(take, 1, 1000))
            .Select(r => new
            {
                Run = r,
                MailboxName = r.Mailbox!.Name,
                r.Mailbox.Owner!.UserName,
                r.Mailbox.Owner.FirstName,
                r.Mailbox.Owner.LastName,
            })
            .ToListAsync(cancellationToken);
        var starterIds = runs.Select(r => r.Run.StartedById).OfType<string>().Distinct().ToList();
        var starters = await db.Users.AsNoTracking().Where(u => starterIds.Contains(u.Id))
            .Select(u => new { u.Id, u.UserName, u.FirstName, u.LastName })
            .ToDictionaryAsync(u => u.Id, u => Name(u.UserName, u.FirstName, u.LastName), cancellationToken);
        return runs.Select(x => new AdminScanRunRow(
                x.Run.Id, x.MailboxName, Name(x.UserName, x.FirstName, x.LastName), x.Run.StartedAt, x.Run.FinishedAt, x.Run.Status,
                x.Run.StartedById is { } id ? starters.GetValueOrDefault(id, id) : null,
                x.Run.Fetched, x.Run.Stored, x.Run.Bound, x.Run.TicketsOpened, x.Run.TicketsCreated, x.Run.Skipped, x.Run.Failed, x.Run.FirstError))
            .ToList();
    }

    private static string Name(string? userName, string? firstName, string? lastName) =>
        string.IsNullOrWhiteSpace(firstName) && string.IsNullOrWhiteSpace(lastName)
            ? userName ?? ""
            : $"{firstName} {lastName}".Trim();
}
