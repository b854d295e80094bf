using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Accounts;

/// <summary>Accounts for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class AccountService(
    IDbContextFactory<AppDbContext> dbFactory,
    RecordAccess access,
    OwnerDirectory owners,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    public async Task<GridResult<AccountRow>> ListAsync(GridRequest request, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = SearchText.Apply(RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer), request.Search);
        var total = await query.CountAsync(cancellationToken);
        var ordered = request.SortBy switch
        {
            nameof(AccountRow.Email) => query.Order(a => a.EmailNormalised, request.Descending),
            nameof(AccountRow.Website) or nameof(AccountRow.Domain) => query.Order(a => a.Domain, request.Descending),
            nameof(AccountRow.Phone) => query.Order(a => a.Phone, request.Descending),
            nameof(AccountRow.Owner) => query.OrderText(a => a.Owner!.LastName, request.Descending).ThenByText(a => a.Owner!.FirstName),
            nameof(AccountRow.ModifiedAt) => query.Order(a => a.ModifiedAt, request.Descending),
            _ => query.OrderText(a => a.Name, request.Descending),
        };
        var page = await ordered.ThenBy(a => a.Id).Skip(request.Skip).Take(request.Take)
            .Select(a => new { a.Id, a.Name, a.Email, a.Website, a.Domain, a.Phone, OwnerFirst = a.Owner!.FirstName, OwnerLast = a.Owner.LastName, a.Owner.UserName, a.ModifiedAt })
            .ToListAsync(cancellationToken);
        return new GridResult<AccountRow>(
            page.Select(a => new AccountRow(a.Id, a.Name, a.Email, a.Website, DomainLabel.Unicode(a.Domain), a.Phone,
                OwnerDirectory.DisplayName(a.OwnerFirst, a.OwnerLast, a.UserName), a.ModifiedAt)).ToList(),
            total);
    }

    public async Task<AccountDetails?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var a = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer)
            .Where(a => a.Id == id)
            .Select(a => new { a.Id, a.Name, a.Email, a.Website, a.Domain, a.Phone, a.OwnerId, OwnerFirst = a.Owner!.FirstName, OwnerLast = a.Owner.LastName, a.Owner.UserName, a.CreatedAt, a.ModifiedAt })
            .SingleOrDefaultAsync(cancellationToken);
        return a is null
            ? null
            : new AccountDetails(a.Id, a.Name, a.Email, a.Website, a.Domain, a.Phone, a.OwnerId,
                OwnerDirectory.DisplayName(a.OwnerFirst, a.OwnerLast, a.UserName), a.CreatedAt, a.ModifiedAt);
    }

    public async Task<AccountModel> NewAsync()
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        return new AccountModel { OwnerId = viewer.UserId };
    }

    public async Task<AccountModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer)
            .Where(a => a.Id == id)
            .Select(a => new AccountModel { Name = a.Name, Email = a.Email, Website = a.Website, Phone = a.Phone, OwnerId = a.OwnerId })
            .SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<RecordSaveResult> SaveAsync(int? id, AccountModel model, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        var errors = RecordFields.Validate(model);
        if (!await owners.IsActiveUserAsync(model.OwnerId, cancellationToken))
        {
            errors.TryAdd(nameof(model.OwnerId), RecordStrings.ValidationOwner);
        }

        if (errors.Count > 0)
        {
            return RecordSaveResult.Invalid(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        Account? account;
        if (id is { } existing)
        {
            account = await RecordAccess.Visible(db.Accounts, viewer).SingleOrDefaultAsync(a => a.Id == existing, cancellationToken);
            if (account is null)
            {
                return RecordSaveResult.Failed(RecordStrings.RecordGone);
            }
        }
        else
        {
            account = new Account { CreatedAt = time.GetUtcNow() };
            db.Accounts.Add(account);
        }

        var email = EmailAddress.Parse(model.Email);
        account.Name = model.Name.Trim();
        account.Email = email?.Address;
        account.EmailNormalised = email?.Normalised;
        account.Website = RecordFields.Clean(model.Website);
        account.Domain = WebsiteDomain.FromWebsite(account.Website);
        account.Phone = RecordFields.Clean(model.Phone);
        account.OwnerId = model.OwnerId;
        account.ModifiedAt = time.GetUtcNow();
        account.SearchText = SearchText.Build(account.Name, account.Email, account.EmailNormalised, account.Website, account.Domain, account.Phone);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Account {AccountId} {Action} by {UserId}.", account.Id, id is null ? "created" : "updated", viewer.UserId);
        return RecordSaveResult.Saved(account.Id);
    }

    /// <summary>Deletes an account and its e-mail links; its contacts and tickets stay, without the account.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await RecordAccess.Visible(db.Accounts, viewer).Where(a => a.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        await RecordLinks.DeleteForRecordAsync(db, RecordKind.Account, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Account {AccountId} deleted by {UserId}.", id, viewer.UserId);
        return true;
    }

    /// <summary>Accounts to pick in a form, matching the typed text.</summary>
    public async Task<IReadOnlyList<RecordOption>> SearchOptionsAsync(string? text, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await SearchText.Apply(RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer), text)
            .OrderText(a => a.Name).Take(20)
            .Select(a => new RecordOption(a.Id, a.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The contacts of an account that the viewer may see, for the account's page.</summary>
    public async Task<IReadOnlyList<RecordOption>> ContactsAsync(int accountId, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Accounts);
        if (!access.IsEnabled(CrmModule.Contacts))
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer)
            .Where(c => c.AccountId == accountId)
            .OrderText(c => c.LastName).ThenByText(c => c.FirstName)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email })
            .Take(200)
            .ToListAsync(cancellationToken);
        return rows.Select(c => new RecordOption(c.Id, Contacts.ContactService.Label(c.FirstName, c.LastName, c.Email))).ToList();
    }
}
