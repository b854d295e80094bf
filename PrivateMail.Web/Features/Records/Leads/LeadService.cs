using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Leads;

/// <summary>Leads for the signed-in user: only those they may see, only while the module is enabled.</summary>
public sealed class LeadService(RecordServiceParts parts)
    : RecordService<Lead, LeadModel>(parts, CrmModule.Leads, RecordKind.Lead)
{
    public Task<GridResult<LeadRow>> ListAsync(GridRequest request, CancellationToken cancellationToken = default) =>
        ListAsync(request, l => new LeadRow(l.Id, l.Company, l.FirstName, l.LastName, l.Email, l.Status,
            OwnerDirectory.DisplayName(l.Owner!.FirstName, l.Owner.LastName, l.Owner.UserName), l.ModifiedAt), null, cancellationToken);

    public Task<LeadDetails?> GetAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, l => new LeadDetails(l.Id, l.Company, l.FirstName, l.LastName, l.Email, l.Status, l.OwnerId,
            OwnerDirectory.DisplayName(l.Owner!.FirstName, l.Owner.LastName, l.Owner.UserName), l.CreatedAt, l.ModifiedAt), cancellationToken);

    public Task<LeadModel> NewAsync() => NewModelAsync(null, CancellationToken.None);

    public Task<LeadModel?> GetForEditAsync(int id, CancellationToken cancellationToken = default) =>
        FindAsync(id, l => new LeadModel { Company = l.Company, FirstName = l.FirstName, LastName = l.LastName, Email = l.Email, Status = l.Status, OwnerId = l.OwnerId }, cancellationToken);

    protected override DbSet<Lead> Records(AppDbContext db) => db.Leads;

    protected override IOrderedQueryable<Lead> Order(IQueryable<Lead> query, GridRequest request) => request.SortBy switch
    {
        nameof(LeadRow.FullName) or nameof(LeadRow.LastName) => query.OrderText(l => l.LastName, request.Descending).ThenByText(l => l.FirstName),
        nameof(LeadRow.Email) => query.Order(l => l.EmailNormalised, request.Descending),
        nameof(LeadRow.Status) => query.Order(l => l.Status, request.Descending),
        nameof(LeadRow.Owner) => query.OrderText(l => l.Owner!.LastName, request.Descending).ThenByText(l => l.Owner!.FirstName),
        nameof(LeadRow.ModifiedAt) => query.Order(l => l.ModifiedAt, request.Descending),
        _ => query.OrderText(l => l.Company, request.Descending),
    };

    protected override Task ValidateAsync(AppDbContext db, Viewer viewer, LeadModel model, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(model.Status))
        {
            errors.TryAdd(nameof(model.Status), RecordStrings.ValidationChooseFromList);
        }

        return Task.CompletedTask;
    }

    protected override void Apply(Lead lead, LeadModel model)
    {
        var email = EmailAddress.Parse(model.Email);
        lead.Company = model.Company.Trim();
        lead.FirstName = model.FirstName.Trim();
        lead.LastName = model.LastName.Trim();
        lead.Email = email?.Address;
        lead.EmailNormalised = email?.Normalised;
        lead.Status = model.Status;
        lead.OwnerId = model.OwnerId;
        lead.SearchText = SearchText.Build(lead.Company, lead.FirstName, lead.LastName, lead.Email, lead.EmailNormalised);
    }
}
