using PrivateMail.Domain.Scanning;
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

/// <summary>A mailbox as Mail tools → Scan history lists it: whose, on which server, its state and its latest scan.</summary>
public sealed record AdminMailboxRow(
    int Id, string Name, string OwnerName, string ServerName, MailboxStatus Status, string? LastError, DateTimeOffset? LastScanAt, ScanRunStatus? LastScanStatus);

/// <summary>
/// Mail tools → Scan history: every mailbox with Scan now and Stop, and every mailbox's runs, newest first.
/// Administrators only, checked on every call. Only names and states are shown, never a mailbox's settings.
/// </summary>
public sealed class ScanHistoryAdminService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, ScanCoordinator coordinator, AttemptLimiter limiter, Modules.ModuleService modules)
{
    public const int DefaultTake = 200;

    public async Task<IReadOnlyList<AdminMailboxRow>> MailboxesAsync(CancellationToken cancellationToken = default)
    {
        await RequireAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Mailboxes.AsNoTracking()
            .Select(m => new
            {
                m.Id, m.Name, m.Owner!.UserName, m.Owner.FirstName, m.Owner.LastName, Server = m.MailServer!.Name, m.Status, m.LastError,
                Last = db.ScanRuns.Where(r => r.MailboxId == m.Id).OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id)
                    .Select(r => new { r.StartedAt, r.Status }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows
            .Select(m => new AdminMailboxRow(m.Id, m.Name, Name(m.UserName, m.FirstName, m.LastName), m.Server, m.Status, m.LastError, m.Last?.StartedAt, m.Last?.Status))
            .OrderBy(m => m.OwnerName, StringComparer.CurrentCultureIgnoreCase).ThenBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    /// <summary>Starts a scan of any mailbox (an administrator's Scan now); false when one is running already.</summary>
    public async Task<bool> ScanNowAsync(int mailboxId, CancellationToken cancellationToken = default)
    {
        var adminId = await RequireAdministratorAsync();
        // The administrator's switch applies to the administrator too: no scan while My mail is off.
        modules.Demand(Domain.Modules.CrmModule.MyMail);

        if (!limiter.TryAcquire(AttemptKeys.ScanByUser(adminId)))
        {
            throw new AttemptLimitExceededException();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Mailboxes.AnyAsync(m => m.Id == mailboxId, cancellationToken) && ScanNowRefusal.Started(await coordinator.TryStartAsync(mailboxId, adminId, cancellationToken));
    }

    public async Task<bool> StopAsync(int mailboxId)
    {
        await RequireAdministratorAsync();
        return coordinator.Stop(mailboxId);
    }

    public async Task<IReadOnlyList<AdminScanRunRow>> LatestAsync(int take = DefaultTake, CancellationToken cancellationToken = default)
    {
        await RequireAdministratorAsync();
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

    private async Task<string> RequireAdministratorAsync()
    {
        var userId = await currentUser.GetRequiredIdAsync();
        return await currentUser.IsAdministratorAsync() ? userId : throw new UnauthorizedAccessException("Administrators only.");
    }

    private static string Name(string? userName, string? firstName, string? lastName) =>
        string.IsNullOrWhiteSpace(firstName) && string.IsNullOrWhiteSpace(lastName)
            ? userName ?? ""
            : $"{firstName} {lastName}".Trim();
}
