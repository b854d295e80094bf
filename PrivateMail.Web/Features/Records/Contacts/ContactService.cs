using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Contacts;

/// <summary>Contacts for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class ContactService(
    IDbContextFactory<AppDbContext> dbFactory,
    RecordAccess access,
    OwnerDirectory owners,
    TimeProvider time,
    ILogger<ContactService> logger)
{
    public async Task<GridResult<ContactRow>> ListAsync(GridRequest request, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = SearchText.Apply(RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer), request.Search);
        var total = await query.CountAsync(cancellationToken);
        var ordered = request.SortBy switch
        {
            nameof(ContactRow.FirstName) => query.OrderText(c => c.FirstName, request.Descending).ThenByText(c => c.LastName),
            nameof(ContactRow.Email) => query.Order(c => c.EmailNormalised, request.Descending),
            nameof(ContactRow.Phone) => query.Order(c => c.Phone, request.Descending),
            nameof(ContactRow.AccountName) => query.OrderText(c => c.Account!.Name, request.Descending),
            nameof(ContactRow.Owner) => query.OrderText(c => c.Owner!.LastName, request.Descending).ThenByText(c => c.Owner!.FirstName),
            nameof(ContactRow.ModifiedAt) => query.Order(c => c.ModifiedAt, request.Descending),
            _ => query.OrderText(c => c.LastName, request.Descending).ThenByText(c => c.FirstName),
        };
        var page = await ordered.ThenBy(c => c.Id).Skip(request.Skip).Take(request.Take)
            .Select(c => new
            {
                c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.AccountId,
                AccountName = c.Account != null ? c.Account.Name : null,
                OwnerFirst = c.Owner!.FirstName, OwnerLast = c.Owner.LastName, c.Owner.UserName, c.ModifiedAt,
            })
            .ToListAsync(cancellationToken);
        return new GridResult<ContactRow>(
            page.Select(c => new ContactRow(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.AccountId, c.AccountName,
                OwnerDirectory.DisplayName(c.OwnerFirst, c.OwnerLast, c.UserName), c.ModifiedAt)).ToList(),
            total);
    }

    public async Task<ContactDetails?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var c = await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer)
            .Where(c => c.Id == id)
            .Select(c => new
            {
                c.Id, c.FirstName, c.LastName, c.Email, c.SecondaryEmail, c.Phone, c.AccountId,
                AccountName = c.Account != null ? c.Account.Name : null,
                c.OwnerId, OwnerFirst = c.Owner!.FirstName, OwnerLast = c.Owner.LastName, c.Owner.UserName, c.CreatedAt, c.ModifiedAt,
            })
            .SingleOrDefaultAsync(cancellationToken);
        return c is null
            ? null
            : new ContactDetails(c.Id, c.FirstName, c.LastName, c.Email, c.SecondaryEmail, c.Phone, c.AccountId, c.AccountName,
                c.OwnerId, OwnerDirectory.DisplayName(c.OwnerFirst, c.OwnerLast, c.UserName), c.CreatedAt, c.ModifiedAt);
    }

    /// <summary>An empty form owned by the signed-in user, optionally for an account (from the account's page).</summary>
    public async Task<ContactModel> NewAsync(int? accountId = null, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        var model = new ContactModel { OwnerId = viewer.UserId };
        if (accountId is { } id)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            model.Account = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer).Where(a => a.Id == id)
                .Select(a => new RecordOption(a.Id, a.Name)).SingleOrDefaultAsync(cancellationToken);
        }

        return model;
    }

    public async Task<ContactModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer)
            .Where(c => c.Id == id)
            .Select(c => new ContactModel
            {
                FirstName = c.FirstName,
                LastName = c.LastName,
                Email = c.Email,
                SecondaryEmail = c.SecondaryEmail,
                Phone = c.Phone,
                Account = c.Account != null ? new RecordOption(c.Account.Id, c.Account.Name) : null,
                OwnerId = c.OwnerId,
            })
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Creates (<paramref name="id"/> null) or updates a contact; checks what the form cannot.</summary>
    public async Task<RecordSaveResult> SaveAsync(int? id, ContactModel model, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        var errors = RecordFields.Validate(model);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
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

        Contact? contact;
        if (id is { } existing)
        {
            contact = await RecordAccess.Visible(db.Contacts, viewer).SingleOrDefaultAsync(c => c.Id == existing, cancellationToken);
            if (contact is null)
            {
                return RecordSaveResult.Failed(RecordStrings.RecordGone);
            }
        }
        else
        {
            contact = new Contact { CreatedAt = time.GetUtcNow() };
            db.Contacts.Add(contact);
        }

        var email = EmailAddress.Parse(model.Email);
        var secondary = EmailAddress.Parse(model.SecondaryEmail);
        contact.FirstName = model.FirstName.Trim();
        contact.LastName = model.LastName.Trim();
        contact.Email = email?.Address;
        contact.EmailNormalised = email?.Normalised;
        contact.SecondaryEmail = secondary?.Address;
        contact.SecondaryEmailNormalised = secondary?.Normalised;
        contact.Phone = RecordFields.Clean(model.Phone);
        contact.AccountId = model.Account?.Id;
        contact.OwnerId = model.OwnerId;
        contact.ModifiedAt = time.GetUtcNow();
        contact.SearchText = SearchText.Build(contact.FirstName, contact.LastName, contact.Email, contact.EmailNormalised,
            contact.SecondaryEmail, contact.SecondaryEmailNormalised, contact.Phone);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Contact {ContactId} {Action} by {UserId}.", contact.Id, id is null ? "created" : "updated", viewer.UserId);
        return RecordSaveResult.Saved(contact.Id);
    }

    /// <summary>Deletes a contact and its e-mail links; its tickets stay, without the contact.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await RecordAccess.Visible(db.Contacts, viewer).Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        await RecordLinks.DeleteForRecordAsync(db, RecordKind.Contact, id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Contact {ContactId} deleted by {UserId}.", id, viewer.UserId);
        return true;
    }

    /// <summary>Contacts the viewer may see whose e-mail or secondary e-mail is this address, in any case or IDN form.</summary>
    public async Task<IReadOnlyList<ContactRow>> FindByEmailAsync(string address, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        var normalised = EmailAddress.Normalise(address);
        if (normalised is null)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer)
            .Where(c => c.EmailNormalised == normalised || c.SecondaryEmailNormalised == normalised)
            .OrderBy(c => c.Id)
            .Select(c => new ContactRow(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.AccountId,
                c.Account != null ? c.Account.Name : null, "", c.ModifiedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Contacts to pick in a form (a ticket's contact), matching the typed text.</summary>
    public async Task<IReadOnlyList<RecordOption>> SearchOptionsAsync(string? text, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Contacts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await SearchText.Apply(RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer), text)
            .OrderText(c => c.LastName).ThenByText(c => c.FirstName).Take(20)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email })
            .ToListAsync(cancellationToken);
        return rows.Select(c => new RecordOption(c.Id, Label(c.FirstName, c.LastName, c.Email))).ToList();
    }

    public static string Label(string firstName, string lastName, string? email) =>
        $"{firstName} {lastName}".Trim() + (string.IsNullOrEmpty(email) ? "" : $" <{email}>");
}
