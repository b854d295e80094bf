using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Contacts;

/// <summary>Contacts for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class ContactService(RecordServiceParts parts)
    : RecordService<Contact, ContactModel>(parts, CrmModule.Contacts, RecordKind.Contact)
{
    public Task<GridResult<ContactRow>> ListAsync(GridRequest request, CancellationToken cancellationToken = default) =>
        ListAsync(request, c => new ContactRow(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.AccountId, c.Account != null ? c.Account.Name : null,
            OwnerDirectory.DisplayName(c.Owner!.FirstName, c.Owner.LastName, c.Owner.UserName), c.ModifiedAt), null, cancellationToken);

    public Task<ContactDetails?> GetAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, c => new ContactDetails(c.Id, c.FirstName, c.LastName, c.Email, c.SecondaryEmail, c.Phone, c.AccountId, c.Account != null ? c.Account.Name : null,
            c.OwnerId, OwnerDirectory.DisplayName(c.Owner!.FirstName, c.Owner.LastName, c.Owner.UserName), c.CreatedAt, c.ModifiedAt), cancellationToken);

    /// <summary>An empty form owned by the signed-in user, optionally for an account (from the account's page).</summary>
    public Task<ContactModel> NewAsync(int? accountId = null, CancellationToken cancellationToken = default) =>
        NewModelAsync(
            accountId is not { } id ? null : async (db, viewer, model) =>
                model.Account = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer).Where(a => a.Id == id)
                    .Select(a => new RecordOption(a.Id, a.Name)).SingleOrDefaultAsync(cancellationToken),
            cancellationToken);

    public Task<ContactModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, c => new ContactModel
        {
            FirstName = c.FirstName,
            LastName = c.LastName,
            Email = c.Email,
            SecondaryEmail = c.SecondaryEmail,
            Phone = c.Phone,
            Account = c.Account != null ? new RecordOption(c.Account.Id, c.Account.Name) : null,
            OwnerId = c.OwnerId,
        }, cancellationToken);

    /// <summary>Contacts the viewer may see whose e-mail or secondary e-mail is this address, in any case or IDN form.</summary>
    public Task<IReadOnlyList<ContactRow>> FindByEmailAsync(string address, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ContactRow>>(
            async (db, viewer) => EmailAddress.Normalise(address) is not { } normalised
                ? []
                : await Visible(db, viewer)
                    .Where(c => c.EmailNormalised == normalised || c.SecondaryEmailNormalised == normalised)
                    .OrderBy(c => c.Id)
                    .Select(c => new ContactRow(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.AccountId,
                        c.Account != null ? c.Account.Name : null, "", c.ModifiedAt))
                    .ToListAsync(cancellationToken),
            cancellationToken);

    /// <summary>Contacts to pick in a form (a ticket's contact), matching the typed text.</summary>
    public Task<IReadOnlyList<RecordOption>> SearchOptionsAsync(string? text, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<RecordOption>>(
            async (db, viewer) => await SearchText.Apply(Visible(db, viewer), text)
                .OrderText(c => c.LastName).ThenByText(c => c.FirstName).Take(20)
                .Select(c => new RecordOption(c.Id, Label(c.FirstName, c.LastName, c.Email)))
                .ToListAsync(cancellationToken),
            cancellationToken);

    public static string Label(string firstName, string lastName, string? email) =>
        $"{firstName} {lastName}".Trim() + (string.IsNullOrEmpty(email) ? "" : $" <{email}>");

    protected override DbSet<Contact> Records(AppDbContext db) => db.Contacts;

    protected override IOrderedQueryable<Contact> Order(IQueryable<Contact> query, GridRequest request) => request.SortBy switch
    {
        nameof(ContactRow.FirstName) => query.OrderText(c => c.FirstName, request.Descending).ThenByText(c => c.LastName),
        nameof(ContactRow.Email) => query.Order(c => c.EmailNormalised, request.Descending),
        nameof(ContactRow.Phone) => query.Order(c => c.Phone, request.Descending),
        nameof(ContactRow.AccountName) => query.OrderText(c => c.Account!.Name, request.Descending),
        nameof(ContactRow.Owner) => query.OrderText(c => c.Owner!.LastName, request.Descending).ThenByText(c => c.Owner!.FirstName),
        nameof(ContactRow.ModifiedAt) => query.Order(c => c.ModifiedAt, request.Descending),
        _ => query.OrderText(c => c.LastName, request.Descending).ThenByText(c => c.FirstName),
    };

    protected override async Task ValidateAsync(AppDbContext db, Viewer viewer, ContactModel model, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
        if (model.Account is { } account && !await RecordAccess.Visible(db.Accounts, viewer).AnyAsync(a => a.Id == account.Id, cancellationToken))
        {
            errors.TryAdd(nameof(model.Account), RecordStrings.ValidationAccountNotFound);
        }
    }

    protected override void Apply(Contact contact, ContactModel model)
    {
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
        contact.SearchText = SearchText.Build(contact.FirstName, contact.LastName, contact.Email, contact.EmailNormalised,
            contact.SecondaryEmail, contact.SecondaryEmailNormalised, contact.Phone);
    }
}
