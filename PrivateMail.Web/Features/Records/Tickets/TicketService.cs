using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Tickets;

/// <summary>Tickets for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class TicketService(RecordServiceParts parts, TicketStore store)
    : RecordService<Ticket, TicketModel>(parts, CrmModule.Tickets, RecordKind.Ticket)
{
    public Task<GridResult<TicketRow>> ListAsync(GridRequest request, TicketScope scope = TicketScope.All, CancellationToken cancellationToken = default) =>
        ListAsync(
            request,
            t => new TicketRow(t.Id, t.Number, t.Title, t.Status!.Name, t.Status.IsClosing, t.Priority,
                t.ContactId, t.Contact != null ? (t.Contact.FirstName + " " + t.Contact.LastName).Trim() : null, t.AccountId, t.Account != null ? t.Account.Name : null,
                OwnerDirectory.DisplayName(t.Owner!.FirstName, t.Owner.LastName, t.Owner.UserName), t.ModifiedAt),
            query => scope switch
            {
                TicketScope.Open => query.Where(t => !t.Status!.IsClosing),
                TicketScope.Closed => query.Where(t => t.Status!.IsClosing),
                _ => query,
            },
            cancellationToken);

    public Task<TicketDetails?> GetAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, t => new TicketDetails(t.Id, t.Number, t.Title, t.Description, t.StatusId, t.Status!.Name, t.Status.IsClosing, t.Priority,
            t.ContactId, t.Contact != null ? (t.Contact.FirstName + " " + t.Contact.LastName).Trim() : null, t.Contact != null ? t.Contact.Email : null,
            t.AccountId, t.Account != null ? t.Account.Name : null,
            t.OwnerId, OwnerDirectory.DisplayName(t.Owner!.FirstName, t.Owner.LastName, t.Owner.UserName), t.CreatedAt, t.ModifiedAt), cancellationToken);

    /// <summary>The statuses in their order, for choosing.</summary>
    public async Task<IReadOnlyList<StatusOption>> StatusesAsync(CancellationToken cancellationToken = default)
    {
        Access.DemandModule(CrmModule.Tickets);
        await using var db = await DbFactory.CreateDbContextAsync(cancellationToken);
        return await db.TicketStatuses.AsNoTracking().OrderBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => new StatusOption(s.Id, s.Name, s.IsClosing)).ToListAsync(cancellationToken);
    }

    /// <summary>An empty form: the administrator's new-ticket status, the signed-in user as owner, optionally a contact or account.</summary>
    public Task<TicketModel> NewAsync(int? contactId = null, int? accountId = null, CancellationToken cancellationToken = default) =>
        NewModelAsync(
            async (db, viewer, model) =>
            {
                model.StatusId = await db.TicketSettings.Select(s => s.NewTicketStatusId).SingleAsync(cancellationToken);
                if (contactId is { } cid)
                {
                    var contact = await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer).Where(c => c.Id == cid)
                        .Select(c => new { Option = new RecordOption(c.Id, ContactService.Label(c.FirstName, c.LastName, c.Email)), c.AccountId })
                        .SingleOrDefaultAsync(cancellationToken);
                    if (contact is not null)
                    {
                        model.Contact = contact.Option;
                        accountId ??= contact.AccountId;
                    }
                }

                if (accountId is { } aid)
                {
                    model.Account = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer).Where(a => a.Id == aid)
                        .Select(a => new RecordOption(a.Id, a.Name)).SingleOrDefaultAsync(cancellationToken);
                }
            },
            cancellationToken);

    public Task<TicketModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, t => new TicketModel
        {
            Title = t.Title,
            Description = t.Description,
            StatusId = t.StatusId,
            Priority = t.Priority,
            OwnerId = t.OwnerId,
            Contact = t.Contact != null ? new RecordOption(t.Contact.Id, ContactService.Label(t.Contact.FirstName, t.Contact.LastName, t.Contact.Email)) : null,
            Account = t.Account != null ? new RecordOption(t.Account.Id, t.Account.Name) : null,
        }, cancellationToken);

    /// <summary>Changes only the status, from the ticket's page.</summary>
    public Task<bool> SetStatusAsync(int id, int statusId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            async (db, viewer) =>
            {
                var ticket = await RecordAccess.Visible(db.Tickets, viewer).SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
                if (ticket is null || !await db.TicketStatuses.AnyAsync(s => s.Id == statusId, cancellationToken))
                {
                    return false;
                }

                ticket.StatusId = statusId;
                // Choosing the status it has counts as a change too: the ticket was looked at.
                db.Entry(ticket).Property(t => t.StatusId).IsModified = true;
                await db.SaveChangesAsync(cancellationToken);
                return true;
            },
            cancellationToken);

    /// <summary>Tickets of a contact or an account that the viewer may see, newest first, for their pages.</summary>
    public async Task<IReadOnlyList<TicketRow>> ForRecordAsync(int? contactId, int? accountId, CancellationToken cancellationToken = default)
    {
        if (!Access.IsEnabled(CrmModule.Tickets))
        {
            return [];
        }

        return await ReadAsync<IReadOnlyList<TicketRow>>(
            async (db, viewer) =>
            {
                var query = Visible(db, viewer);
                query = contactId is { } c ? query.Where(t => t.ContactId == c) : query.Where(t => t.AccountId == accountId);
                return await query.OrderByDescending(t => t.Sequence).Take(100)
                    .Select(t => new TicketRow(t.Id, t.Number, t.Title, t.Status!.Name, t.Status.IsClosing, t.Priority,
                        t.ContactId, null, t.AccountId, null, "", t.ModifiedAt))
                    .ToListAsync(cancellationToken);
            },
            cancellationToken);
    }

    protected override DbSet<Ticket> Records(AppDbContext db) => db.Tickets;

    protected override IOrderedQueryable<Ticket> Order(IQueryable<Ticket> query, GridRequest request) => request.SortBy switch
    {
        nameof(TicketRow.Number) => query.Order(t => t.Sequence, request.Descending),
        nameof(TicketRow.Title) => query.OrderText(t => t.Title, request.Descending),
        nameof(TicketRow.Status) => query.Order(t => t.Status!.SortOrder, request.Descending),
        nameof(TicketRow.Priority) => query.Order(t => t.Priority == TicketPriority.Urgent ? 3
            : t.Priority == TicketPriority.High ? 2 : t.Priority == TicketPriority.Normal ? 1 : 0, request.Descending),
        nameof(TicketRow.ContactName) => query.OrderText(t => t.Contact!.LastName, request.Descending),
        nameof(TicketRow.AccountName) => query.OrderText(t => t.Account!.Name, request.Descending),
        nameof(TicketRow.Owner) => query.OrderText(t => t.Owner!.LastName, request.Descending).ThenByText(t => t.Owner!.FirstName),
        nameof(TicketRow.ModifiedAt) => query.Order(t => t.ModifiedAt, request.Descending),
        // Newest first unless asked otherwise.
        _ => query.Order(t => t.Sequence, descending: !request.Descending || request.SortBy is null),
    };

    protected override async Task ValidateAsync(AppDbContext db, Viewer viewer, TicketModel model, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
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
    }

    /// <summary>A new ticket takes the next number (<see cref="TicketStore"/>).</summary>
    protected override async Task<int> InsertAsync(AppDbContext db, TicketModel model, CancellationToken cancellationToken) =>
        (await store.CreateAsync(
            new NewTicket(model.Title, model.Description, model.StatusId, model.Priority, model.Contact?.Id, model.Account?.Id, model.OwnerId),
            cancellationToken)).Id;

    protected override void Apply(Ticket ticket, TicketModel model)
    {
        ticket.Title = model.Title.Trim();
        ticket.Description = model.Description;
        ticket.StatusId = model.StatusId;
        ticket.Priority = model.Priority;
        ticket.ContactId = model.Contact?.Id;
        ticket.AccountId = model.Account?.Id;
        ticket.OwnerId = model.OwnerId;
        ticket.SearchText = SearchText.Build(ticket.Number, ticket.Title);
    }
}
