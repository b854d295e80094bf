using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Leads;

/// <summary>Leads for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class LeadService(
    IDbContextFactory<AppDbContext> dbFactory,
    RecordAccess access,
    OwnerDirectory owners,
    TimeProvider time,
    ILogger<LeadService> logger)
{
    public async Task<GridResult<LeadRow>> ListAsync(GridRequest request, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Leads);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = SearchText.Apply(RecordAccess.Visible(db.Leads.AsNoTracking(), viewer), request.Search);
        var total = await query.CountAsync(cancellationToken);
        var ordered = request.SortBy switch
        {
            nameof(LeadRow.FullName) or nameof(LeadRow.LastName) => query.OrderText(l => l.LastName, request.Descending).ThenByText(l => l.FirstName),
            nameof(LeadRow.Email) => query.Order(l => l.EmailNormalised, request.Descending),
            nameof(LeadRow.Status) => query.Order(l => l.Status, request.Descending),
            nameof(LeadRow.Owner) => query.OrderText(l => l.Owner!.LastName, request.Descending).ThenByText(l => l.Owner!.FirstName),
            nameof(LeadRow.ModifiedAt) => query.Order(l => l.ModifiedAt, request.Descending),
            _ => query.OrderText(l => l.Company, request.Descending),
        };
        var page = await ordered.ThenBy(l => l.Id).Skip(request.Skip).Take(request.Take)
            .Select(l => new { l.Id, l.Company, l.FirstName, l.LastName, l.Email, l.Status, OwnerFirst = l.Owner!.FirstName, OwnerLast = l.Owner.LastName, l.Owner.UserName, l.ModifiedAt })
            .ToListAsync(cancellationToken);
        return new GridResult<LeadRow>(
            page.Select(l => new LeadRow(l.Id, l.Company, l.FirstName, l.LastName, l.Email, l.Status,
                OwnerDirectory.DisplayName(l.OwnerFirst, l.OwnerLast, l.UserName), l.ModifiedAt)).ToList(),
            total);
    }

    public async Task<LeadDetails?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Leads);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var l = await RecordAccess.Visible(db.Leads.AsNoTracking(), viewer)
            .Where(l => l.Id == id)
            .Select(l => new { l.Id, l.Company, l.FirstName, l.LastName, l.Email, l.Status, l.OwnerId, OwnerFirst = l.Owner!.FirstName, OwnerLast = l.Owner.LastName, l.Owner.UserName, l.CreatedAt, l.ModifiedAt })
            .SingleOrDefaultAsync(cancellationToken);
        return l is null
            ? null
            : new LeadDetails(l.Id, l.Company, l.FirstName, l.LastName, l.Email, l.Status, l.OwnerId,
                OwnerDirectory.DisplayName(l.OwnerFirst, l.OwnerLast, l.UserName), l.CreatedAt, l.ModifiedAt);
    }

    public async Task<LeadModel> NewAsync()
    {
        var viewer = await access.DemandAsync(CrmModule.Leads);
        return new LeadModel { OwnerId = viewer.UserId };
    }

    public async Task<LeadModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Leads);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RecordAccess.Visible(db.Leads.AsNoTracking(), viewer)
            .Where(l => l.Id == id)
            .Select(l => new LeadModel { Company = l.Company, FirstName = l.FirstName, LastName = l.LastName, Email = l.Email, Status = l.Status, OwnerId = l.OwnerId })
            .SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<RecordSaveResult> SaveAsync(int? id, LeadModel model, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Leads);
        var errors = RecordFields.Validate(model);
        if (!Enum.IsDefined(model.Status))
        {
            errors.TryAdd(nameof(model.Status), RecordStrings.ValidationChooseFromList);
        }

        if (!await owners.IsActiveUserAsync(model.OwnerId, cancellationToken))
        {
            errors.TryAdd(nameof(model.OwnerId), RecordStrings.ValidationOwner);
        }

        if (errors.Count > 0)
        {
            return RecordSaveResult.Invalid(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        Lead? lead;
        if (id is { } existing)
        {
            lead = await RecordAccess.Visible(db.Leads, viewer).SingleOrDefaultAsync(l => l.Id == existing, cancellationToken);
            if (lead is null)
            {
                return RecordSaveResult.Failed(RecordStrings.RecordGone);
            }
        }
        else
        {
            lead = new Lead { CreatedAt = time.GetUtcNow() };
            db.Leads.Add(lead);
        }

        var email = EmailAddress.Parse(model.Email);
        lead.Company = model.Company.Trim();
        lead.FirstName = model.FirstName.Trim();
        lead.LastName = model.LastName.Trim();
        lead.Email = email?.Address;
        lead.EmailNormalised = email?.Normalised;
        lead.Status = model.Status;
        lead.OwnerId = model.OwnerId;
        lead.ModifiedAt = time.GetUtcNow();
        lead.SearchText = SearchText.Build(lead.Company, lead.FirstName, lead.LastName, lead.Email, lead.EmailNormalised);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Lead {LeadId} {Action} by {UserId}.", lead.Id, id is null ? "created" : "updated", viewer.UserId);
        return RecordSaveResult.Saved(lead.Id);
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Leads);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await RecordAccess.Visible(db.Leads, viewer).Where(l => l.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        await RecordLinks.DeleteForRecordAsync(db, RecordKind.Lead, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Lead {LeadId} deleted by {UserId}.", id, viewer.UserId);
        return true;
    }
}
