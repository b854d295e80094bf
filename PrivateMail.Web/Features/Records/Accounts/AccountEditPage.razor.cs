using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Accounts;

public sealed partial class AccountEditPage
{
    [Inject]
    public required AccountService Accounts { get; init; }

    public override string Heading => Id is null ? RecordStrings.NewAccount : RecordStrings.EditAccount;

    public override string Icon => Icons.Material.Outlined.Business;

    public override string ListHref => "accounts";

    public override string BackText => RecordStrings.BackToAccounts;

    public override string FormId => "account-form";

    protected override CrmModule Module => CrmModule.Accounts;

    protected override async Task<AccountModel?> LoadModelAsync(int? id) => id is { } existing ? await Accounts.GetForEditAsync(existing) : await Accounts.NewAsync();

    protected override Task<RecordSaveResult> SaveModelAsync(int? id, AccountModel model) => Accounts.SaveAsync(id, model);
}
