using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Tickets;

/// <summary>A status row on the administration page.</summary>
public sealed record StatusRow(int Id, string Name, bool IsClosing, int SortOrder, int Tickets)
{
    public string Label => Shared.RecordLabels.TicketStatus(Name);
}

/// <summary>The scanner's status mapping as ids, for the administration form.</summary>
public sealed class StatusMappingModel
{
    public int AnswerFromStatusId { get; set; }
    public int AnswerToStatusId { get; set; }
    public int ReopenStatusId { get; set; }
    public int NewTicketStatusId { get; set; }
    /// <summary>Where a ticket goes once a reply to it is sent from My mail (default: Waiting for response).</summary>
    public int ReplySentStatusId { get; set; }
}

/// <summary>
/// System configuration → Tickets: the ticket statuses and the scanner's status mapping. Administrators only, checked
/// on every call. A status in use by a ticket or by the mapping cannot be deleted.
/// </summary>
public sealed class TicketStatusService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, ILogger<TicketStatusService> logger)
{
    public async Task<IReadOnlyList<StatusRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.TicketStatuses.AsNoTracking().OrderBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => new StatusRow(s.Id, s.Name, s.IsClosing, s.SortOrder, db.Tickets.Count(t => t.StatusId == s.Id)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Adds a status at the end. Returns an error message, or null on success.</summary>
    public async Task<string?> AddAsync(string name, bool isClosing, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        if (Invalid(name) is { } error)
        {
            return error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var trimmed = name.Trim();
        if (await db.TicketStatuses.AnyAsync(s => s.Name == trimmed, cancellationToken))
        {
            return RecordStrings.ValidationStatusTaken;
        }

        var order = await db.TicketStatuses.Select(s => (int?)s.SortOrder).MaxAsync(cancellationToken) ?? 0;
        db.TicketStatuses.Add(new TicketStatus { Name = trimmed, IsClosing = isClosing, SortOrder = order + 1 });
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Ticket status {Name} added.", trimmed);
        return null;
    }

    /// <summary>Renames a status or changes its closing flag. Returns an error message, or null on success.</summary>
    public async Task<string?> UpdateAsync(int id, string name, bool isClosing, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        if (Invalid(name) is { } error)
        {
            return error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var trimmed = name.Trim();
        if (await db.TicketStatuses.AnyAsync(s => s.Name == trimmed && s.Id != id, cancellationToken))
        {
            return RecordStrings.ValidationStatusTaken;
        }

        var status = await db.TicketStatuses.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (status is null)
        {
            return RecordStrings.RecordGone;
        }

        status.Name = trimmed;
        status.IsClosing = isClosing;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Ticket status {Id} is now {Name} (closing: {Closing}).", id, trimmed, isClosing);
        return null;
    }

    /// <summary>Moves a status one place up (-1) or down (+1) in the lists.</summary>
    public async Task MoveAsync(int id, int direction, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = await db.TicketStatuses.OrderBy(s => s.SortOrder).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        var index = statuses.FindIndex(s => s.Id == id);
        var other = index + Math.Sign(direction);
        if (index < 0 || other < 0 || other >= statuses.Count)
        {
            return;
        }

        (statuses[index], statuses[other]) = (statuses[other], statuses[index]);
        for (var i = 0; i < statuses.Count; i++)
        {
            statuses[i].SortOrder = i + 1;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Deletes an unused status. Returns an error message, or null on success.</summary>
    public async Task<string?> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Tickets.AnyAsync(t => t.StatusId == id, cancellationToken))
        {
            return RecordStrings.StatusInUseByTickets;
        }

        if (await db.TicketSettings.AnyAsync(s => s.AnswerFromStatusId == id || s.AnswerToStatusId == id || s.ReopenStatusId == id || s.NewTicketStatusId == id || s.ReplySentStatusId == id, cancellationToken))
        {
            return RecordStrings.StatusInUseByMapping;
        }

        var deleted = await db.TicketStatuses.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Ticket status {Id} deleted.", id);
        return deleted == 0 ? RecordStrings.RecordGone : null;
    }

    public async Task<StatusMappingModel> GetMappingAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var s = await db.TicketSettings.AsNoTracking().SingleAsync(cancellationToken);
        return new StatusMappingModel
        {
            AnswerFromStatusId = s.AnswerFromStatusId,
            AnswerToStatusId = s.AnswerToStatusId,
            ReopenStatusId = s.ReopenStatusId,
            NewTicketStatusId = s.NewTicketStatusId,
            ReplySentStatusId = s.ReplySentStatusId ?? s.AnswerFromStatusId,
        };
    }

    /// <summary>Saves the mapping. Returns an error message, or null on success.</summary>
    public async Task<string?> SaveMappingAsync(StatusMappingModel model, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = await db.TicketStatuses.AsNoTracking().ToDictionaryAsync(s => s.Id, cancellationToken);
        int[] chosen = [model.AnswerFromStatusId, model.AnswerToStatusId, model.ReopenStatusId, model.NewTicketStatusId, model.ReplySentStatusId];
        if (chosen.Any(id => !statuses.ContainsKey(id)))
        {
            return RecordStrings.ValidationChooseFromList;
        }

        // Reopening into a closing status would leave replies to closed tickets unnoticed.
        if (statuses[model.ReopenStatusId].IsClosing || statuses[model.NewTicketStatusId].IsClosing)
        {
            return RecordStrings.ValidationMappingClosing;
        }

        var settings = await db.TicketSettings.SingleAsync(cancellationToken);
        settings.AnswerFromStatusId = model.AnswerFromStatusId;
        settings.AnswerToStatusId = model.AnswerToStatusId;
        settings.ReopenStatusId = model.ReopenStatusId;
        settings.NewTicketStatusId = model.NewTicketStatusId;
        settings.ReplySentStatusId = model.ReplySentStatusId;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Ticket status mapping changed.");
        return null;
    }

    private static string? Invalid(string? name) =>
        string.IsNullOrWhiteSpace(name) ? string.Format(Strings.ValidationRequired, RecordStrings.StatusName)
        : name.Trim().Length > 50 ? string.Format(Strings.ValidationMaxLength, RecordStrings.StatusName, 50)
        : null;

    private async Task DemandAdministratorAsync()
    {
        await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }
    }
}
