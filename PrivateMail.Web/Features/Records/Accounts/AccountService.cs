using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Records.Shared;

namespace PrivateMail.Web.Features.Records.Accounts;

/// <summary>Accounts for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class AccountService(RecordServiceParts parts)
    : RecordService<Account, AccountModel>(parts, CrmModule.Accounts, RecordKind.Account)
{
    public Task<GridResult<AccountRow>> ListAsync(GridRequest request, CancellationToken cancellationToken = default) =>
        ListAsync(request, a => new AccountRow(a.Id, a.Name, a.Email, a.Website, DomainLabel.Unicode(a.Domain), a.Phone,
            OwnerDirectory.DisplayName(a.Owner!.FirstName, a.Owner.LastName, a.Owner.UserName), a.ModifiedAt), null, cancellationToken);

    public Task<AccountDetails?> GetAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, a => new AccountDetails(a.Id, a.Name, a.Email, a.Website, a.Domain, a.Phone, a.OwnerId,
            OwnerDirectory.DisplayName(a.Owner!.FirstName, a.Owner.LastName, a.Owner.UserName), a.CreatedAt, a.ModifiedAt), cancellationToken);

    public Task<AccountModel> NewAsync() => NewModelAsync(null, CancellationToken.None);

    public Task<AccountModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, a => new AccountModel { Name = a.Name, Email = a.Email, Website = a.Website, Phone = a.Phone, OwnerId = a.OwnerId }, cancellationToken);

    /// <summary>Accounts to pick in a form, matching the typed text.</summary>
    public Task<IReadOnlyList<RecordOption>> SearchOptionsAsync(string? text, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<RecordOption>>(
            async (db, viewer) => await SearchText.Apply(Visible(db, viewer), text)
                .OrderText(a => a.Name).Take(20)
                .Select(a => new RecordOption(a.Id, a.Name))
                .ToListAsync(cancellationToken),
            cancellationToken);

    /// <summary>The contacts of an account that the viewer may see, for the account's page.</summary>
    public Task<IReadOnlyList<RecordOption>> ContactsAsync(int accountId, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<RecordOption>>(
            async (db, viewer) => !Access.IsEnabled(CrmModule.Contacts)
                ? []
                : await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer)
                    .Where(c => c.AccountId == accountId)
                    .OrderText(c => c.LastName).ThenByText(c => c.FirstName)
                    .Take(200)
                    .Select(c => new RecordOption(c.Id, ContactService.Label(c.FirstName, c.LastName, c.Email)))
                    .ToListAsync(cancellationToken),
            cancellationToken);

    protected override DbSet<Account> Records(AppDbContext db) => db.Accounts;

    protected override IOrderedQueryable<Account> Order(IQueryable<Account> query, GridRequest request) => request.SortBy switch
    {
        nameof(AccountRow.Email) => query.Order(a => a.EmailNormalised, request.Descending),
        nameof(AccountRow.Website) or nameof(AccountRow.Domain) => query.Order(a => a.Domain, request.Descending),
        nameof(AccountRow.Phone) => query.Order(a => a.Phone, request.Descending),
        nameof(AccountRow.Owner) => query.OrderText(a => a.Owner!.LastName, request.Descending).ThenByText(a => a.Owner!.FirstName),
        nameof(AccountRow.ModifiedAt) => query.Order(a => a.ModifiedAt, request.Descending),
        _ => query.OrderText(a => a.Name, request.Descending),
    };

    protected override void Apply(Account account, AccountModel model)
    {
        var email = EmailAddress.Parse(model.Email);
        account.Name = model.Name.Trim();
        account.Email = email?.Address;
        account.EmailNormalised = email?.Normalised;
        account.Website = RecordFields.Clean(model.Website);
        account.Domain = WebsiteDomain.FromWebsite(account.Website);
        account.Phone = RecordFields.Clean(model.Phone);
        account.OwnerId = model.OwnerId;
        account.SearchText = SearchText.Build(account.Name, account.Email, account.EmailNormalised, account.Website, account.Domain, account.Phone);
    }
}
