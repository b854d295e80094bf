using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Leads;

public sealed partial class LeadEditPage
{
    [Inject]
    public required LeadService Leads { get; init; }

    protected override RecordEditKind Kind { get; } = new(
        CrmModule.Leads, "leads", "lead-form", Icons.Material.Outlined.TrendingUp,
        () => RecordStrings.NewLead, () => RecordStrings.EditLead, () => RecordStrings.BackToLeads);

    protected override async Task<LeadModel?> LoadModelAsync(int? id) => id is { } existing ? await Leads.GetForEditAsync(existing) : await Leads.NewAsync();

    protected override Task<RecordSaveResult> SaveModelAsync(int? id, LeadModel model) => Leads.SaveAsync(id, model);
}
