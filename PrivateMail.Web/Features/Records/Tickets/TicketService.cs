using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Tickets;

/// <summary>Tickets for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class TicketService(
    IDbContextFactory<AppDbContext> dbFactory,
    RecordAccess access,
    OwnerDirectory owners,
    TicketStore store,
    TimeProvider time,
    ILogger<TicketService> logger)
{
    public async Task<GridResult<TicketRow>> ListAsync(GridRequest request, TicketScope scope = TicketScope.All, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Tickets);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = SearchText.Apply(RecordAccess.Visible(db.Tickets.AsNoTracking(), viewer), request.Search);
        query = scope switch
        {
            TicketScope.Open => query.Where(t => !t.Status!.IsClosing),
            TicketScope.Closed => query.Where(t => t.Status!.IsClosing),
            _ => query,
        };
        var total = await query.CountAsync(cancellationToken);
        var ordered = request.SortBy switch
        {
            nameof(TicketRow.Number) => query.Order(t => t.Sequence, request.Descending),
            nameof(TicketRow.Title) => query.OrderText(t => t.Title, request.Descending),
            nameof(TicketRow.Status) => query.Order(t => t.Status!.SortOrder, request.Descending),
            nameof(TicketRow.Priority) => query.Order(t => t.Priority == Domain.Records.TicketPriority.Urgent ? 3
                : t.Priority == Domain.Records.TicketPriority.High ? 2 : t.Priority == Domain.Records.TicketPriority.Normal ? 1 : 0, request.Descending),
            nameof(TicketRow.ContactName) => query.OrderText(t => t.Contact!.LastName, request.Descending),
            nameof(TicketRow.AccountName) => query.OrderText(t => t.Account!.Name, request.Descending),
            nameof(TicketRow.Owner) => query.OrderText(t => t.Owner!.LastName, request.Descending).ThenByText(t => t.Owner!.FirstName),
            nameof(TicketRow.ModifiedAt) => query.Order(t => t.ModifiedAt, request.Descending),
            // Newest first unless asked otherwise.
            _ => query.Order(t => t.Sequence, descending: !request.Descending || request.SortBy is null),
        };
        var page = await ordered.ThenBy(t => t.Id).Skip(request.Skip).Take(request.Take)
            .Select(t => new
            {
                t.Id, t.Number, t.Title, Status = t.Status!.Name, t.Status.IsClosing, t.Priority,
                t.ContactId, ContactFirst = t.Contact != null ? t.Contact.FirstName : null, ContactLast = t.Contact != null ? t.Contact.LastName : null,
                t.AccountId, AccountName = t.Account != null ? t.Account.Name : null,
                OwnerFirst = t.Owner!.FirstName, OwnerLast = t.Owner.LastName, t.Owner.UserName, t.ModifiedAt,
            })
            .ToListAsync(cancellationToken);
        return new GridResult<TicketRow>(
            page.Select(t => new TicketRow(t.Id, t.Number, t.Title, t.Status, t.IsClosing, t.Priority,
                t.ContactId, t.ContactId is null ? null : $"{t.ContactFirst} {t.ContactLast}".Trim(), t.AccountId, t.AccountName,
                OwnerDirectory.DisplayName(t.OwnerFirst, t.OwnerLast, t.UserName), t.ModifiedAt)).ToList(),
            total);
    }

    public async Task<TicketDetails?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Tickets);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var t = await RecordAccess.Visible(db.Tickets.AsNoTracking(), viewer)
            .Where(t => t.Id == id)
            .Select(t => new
            {
                t.Id, t.Number, t.Title, t.Description, t.StatusId, Status = t.Status!.Name, t.Status.IsClosing, t.Priority,
                t.ContactId, ContactFirst = t.Contact != null ? t.Contact.FirstName : null, ContactLast = t.Contact != null ? t.Contact.LastName : null,
                ContactEmail = t.Contact != null ? t.Contact.Email : null,
                t.AccountId, AccountName = t.Account != null ? t.Account.Name : null,
                t.OwnerId, OwnerFirst = t.Owner!.FirstName, OwnerLast = t.Owner.LastName, t.Owner.UserName, t.CreatedAt, t.ModifiedAt,
            })
            .SingleOrDefaultAsync(cancellationToken);
        return t is null
            ? null
            : new TicketDetails(t.Id, t.Number, t.Title, t.Description, t.StatusId, t.Status, t.IsClosing, t.Priority,
                t.ContactId, t.ContactId is null ? null : $"{t.ContactFirst} {t.ContactLast}".Trim(), t.ContactEmail, t.AccountId, t.AccountName,
                t.OwnerId, OwnerDirectory.DisplayName(t.OwnerFirst, t.OwnerLast, t.UserName), t.CreatedAt, t.ModifiedAt);
    }

    /// <summary>The statuses in their order, for choosing.</summary>
    public async Task<IReadOnlyList<StatusOption>> StatusesAsync(CancellationToken cancellationToken = default)
    {
        access.DemandModule(CrmModule.Tickets);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.TicketStatuses.AsNoTracking().OrderBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => new StatusOption(s.Id, s.Name, s.IsClosing)).ToListAsync(cancellationToken);
    }

    /// <summary>An empty form: the administrator's new-ticket status, the signed-in user as owner, optionally a contact or account.</summary>
    public async Task<TicketModel> NewAsync(int? contactId = null, int? accountId = null, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Tickets);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = new TicketModel
        {
            OwnerId = viewer.UserId,
            StatusId = await db.TicketSettings.Select(s => s.NewTicketStatusId).SingleAsync(cancellationToken),
        };
        if (contactId is { } cid)
        {
            var contact = await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer).Where(c => c.Id == cid)
                .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email, c.AccountId, AccountName = c.Account != null ? c.Account.Name : null })
                .SingleOrDefaultAsync(cancellationToken);
            if (contact is not null)
            {
                model.Contact = new RecordOption(contact.Id, Contacts.ContactService.Label(contact.FirstName, contact.LastName, contact.Email));
                accountId ??= contact.AccountId;
            }
        }

        if (accountId is { } aid)
        {
            model.Account = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer).Where(a => a.Id == aid)
                .Select(a => new RecordOption(a.Id, a.Name)).SingleOrDefaultAsync(cancellationToken);
        }

        return model;
    }

    public async Task<TicketModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Tickets);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var t = await RecordAccess.Visible(db.Tickets.AsNoTracking(), viewer).Where(t => t.Id == id)
            .Select(t => new
            {
                t.Title, t.Description, t.StatusId, t.Priority, t.OwnerId,
                Contact = t.Contact != null ? new { t.Contact.Id, t.Contact.FirstName, t.Contact.LastName, t.Contact.Email } : null,
                Account = t.Account != null ? new RecordOption(t.Account.Id, t.Account.Name) : null,
            })
            .SingleOrDefaultAsync(cancellationToken);
        return t is null
            ? null
            : new TicketModel
            {
                Title = t.Title,
                Description = t.Description,
                StatusId = t.StatusId,
                Priority = t.Priority,
                OwnerId = t.OwnerId,
                Contact = t.Contact is { } c ? new RecordOption(c.Id, Contacts.ContactService.Label(c.FirstName, c.LastName, c.Email)) : null,
                Account = t.Account,
            };
    }

    /// <summary>Creates (with a new number) or updates a ticket.</summary>
    public async Task<RecordSaveResult> SaveAsync(int? id, TicketModel model, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Tickets);
        var errors = RecordFields.Validate(model);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.TicketStatuses.AnyAsync(s => s.Id == model.StatusId, cancellationToken))
        {
            errors.TryAdd(nameof(model.StatusId), RecordStrings.ValidationChooseFromList);
        }

        if (!Enum.IsDefined(model.Priority))
        {
            errors.TryAdd(nameof(model.Priority), RecordStrings.ValidationChooseFromList);
        }

        if (model.Contact is { } contact && !await RecordAccess.Visible(db.Contacts, viewer).AnyAsync(c => c.Id == contact.Id, cancellationToken))
        {
            errors.TryAdd(nameof(model.Contact), RecordStrings.ValidationContactNotFound);
        }

        if (model.Account is { } account && !await RecordAccess.Visible(db.Accounts, viewer).AnyAsync(a => a.Id == account.Id, cancellationToken))
        {
            errors.TryAdd(nameof(model.Account), RecordStrings.ValidationAccountNotFound);
        }

        if (!await owners.IsActiveUserAsync(model.OwnerId, cancellationToken))
        {
            errors.TryAdd(nameof(model.OwnerId), RecordStrings.ValidationOwner);
        }

        if (errors.Count > 0)
        {
            return RecordSaveResult.Invalid(errors);
        }

        if (id is null)
        {
            var created = await store.CreateAsync(
                new NewTicket(model.Title, model.Description, model.StatusId, model.Priority, model.Contact?.Id, model.Account?.Id, model.OwnerId),
                cancellationToken);
            logger.LogInformation("Ticket {Number} created by {UserId}.", created.Number, viewer.UserId);
            return RecordSaveResult.Saved(created.Id);
        }

        var ticket = await RecordAccess.Visible(db.Tickets, viewer).SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (ticket is null)
        {
            return RecordSaveResult.Failed(RecordStrings.RecordGone);
        }

        ticket.Title = model.Title.Trim();
        ticket.Description = model.Description;
        ticket.StatusId = model.StatusId;
        ticket.Priority = model.Priority;
        ticket.ContactId = model.Contact?.Id;
        ticket.AccountId = model.Account?.Id;
        ticket.OwnerId = model.OwnerId;
        ticket.ModifiedAt = time.GetUtcNow();
        ticket.SearchText = SearchText.Build(ticket.Number, ticket.Title);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Ticket {Number} updated by {UserId}.", ticket.Number, viewer.UserId);
        return RecordSaveResult.Saved(ticket.Id);
    }

    /// <summary>Changes only the status, from the ticket's page.</summary>
    public async Task<bool> SetStatusAsync(int id, int statusId, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Tickets);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.TicketStatuses.AnyAsync(s => s.Id == statusId, cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow();
        return await RecordAccess.Visible(db.Tickets, viewer).Where(t => t.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.StatusId, statusId).SetProperty(t => t.ModifiedAt, now), cancellationToken) > 0;
    }

    /// <summary>Deletes a ticket and its e-mail links. Its number is never given out again.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Tickets);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await RecordAccess.Visible(db.Tickets, viewer).Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        await RecordLinks.DeleteForRecordAsync(db, RecordKind.Ticket, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Ticket {TicketId} deleted by {UserId}.", id, viewer.UserId);
        return true;
    }

    /// <summary>Tickets of a contact or an account that the viewer may see, newest first, for their pages.</summary>
    public async Task<IReadOnlyList<TicketRow>> ForRecordAsync(int? contactId, int? accountId, CancellationToken cancellationToken = default)
    {
        if (!access.IsEnabled(CrmModule.Tickets))
        {
            return [];
        }

        var viewer = await access.GetViewerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = RecordAccess.Visible(db.Tickets.AsNoTracking(), viewer);
        query = contactId is { } c ? query.Where(t => t.ContactId == c) : query.Where(t => t.AccountId == accountId);
        return await query.OrderByDescending(t => t.Sequence).Take(100)
            .Select(t => new TicketRow(t.Id, t.Number, t.Title, t.Status!.Name, t.Status.IsClosing, t.Priority,
                t.ContactId, null, t.AccountId, null, "", t.ModifiedAt))
            .ToListAsync(cancellationToken);
    }
}
