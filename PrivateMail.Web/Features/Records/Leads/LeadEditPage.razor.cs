using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Leads;

public sealed partial class LeadEditPage
{
    [Inject]
    public required LeadService Leads { get; init; }

    public override string Heading => Id is null ? RecordStrings.NewLead : RecordStrings.EditLead;

    public override string Icon => Icons.Material.Outlined.TrendingUp;

    public override string ListHref => "leads";

    public override string BackText => RecordStrings.BackToLeads;

    public override string FormId => "lead-form";

    protected override CrmModule Module => CrmModule.Leads;

    protected override async Task<LeadModel?> LoadModelAsync(int? id) => id is { } existing ? await Leads.GetForEditAsync(existing) : await Leads.NewAsync();

    protected override Task<RecordSaveResult> SaveModelAsync(int? id, LeadModel model) => Leads.SaveAsync(id, model);
}
